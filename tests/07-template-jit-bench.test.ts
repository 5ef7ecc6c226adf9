// Chapter 7 on the book's own programs and the classic ones (where installed): every program's exact
// output, with the template JIT, in three children side by side.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { benchPrograms, bookPrograms, checkCase, type BfCase } from "./support/bf-programs.ts";
import { runBatch, type NativeOutcome } from "./support/bf-native.ts";
import { balance } from "./support/native-suites.ts";

setDefaultTimeout(180_000);

const { programs: classic, skipReason } = benchPrograms();
const programs = [...bookPrograms(), ...classic];

describe("the book's programs and the classic ones, compiled by the template JIT", () => {
  if (skipReason !== null) test.skip(skipReason, () => {});
  const outcomes = new Map<string, NativeOutcome>();
  beforeAll(async () => {
    const batches = balance(programs, 3).map((group, i) => {
      const cases = group.map((p) => ({ name: p.name, source: p.source, options: p.options }));
      return runBatch("template", cases, { label: `conformance ${i + 1}`, timeoutMs: 170_000, coverage: false });
    });
    for (const o of (await Promise.all(batches)).flat()) outcomes.set(o.name, o);
  });

  test.each(programs.map((p) => [p.name, p] as [string, BfCase]))("%s", (name, p) => {
    const o = outcomes.get(name);
    expect(o?.thrown ?? null).toBeNull();
    expect(checkCase(p, o!.result!)).toBeNull();
  });
});
