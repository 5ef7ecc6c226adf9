// Chapter 7 on the conformance set (../shared/bf/bench and extra): every program's exact output,
// with the template JIT, in three children side by side. Skipped, with the reason, where the set is
// not beside the checkout.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { benchPrograms, checkCase, type BfCase } from "./support/bf-programs.ts";
import { runBatch, type NativeOutcome } from "./support/bf-native.ts";

setDefaultTimeout(180_000);

const { programs, skipReason } = benchPrograms();

// Balanced by measured run time: hanoi, long and dbfi take seconds each even compiled.
const GROUPS: readonly (readonly string[])[] = [
  ["hanoi", "bench", "counter", "Life", "Beer", "Golden"],
  ["long", "mandelbrot", "factor small"],
  ["dbfi", "factor", "awib-0.4", "LostKng"],
];
// A program in no group would go untested without a word.
const ungrouped = programs.map((p) => p.name).filter((n) => !GROUPS.flat().includes(n));
if (ungrouped.length > 0) throw new Error(`put ${ungrouped.join(", ")} in one of the GROUPS batches`);

describe("the conformance set, compiled by the template JIT", () => {
  if (skipReason !== null) {
    test.skip(skipReason, () => {});
    return;
  }
  const outcomes = new Map<string, NativeOutcome>();
  beforeAll(async () => {
    const batches = GROUPS.map((names, i) => {
      const cases = programs.filter((p) => names.includes(p.name)).map((p) => ({ name: p.name, source: p.source, options: p.options }));
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
