// Chapter 11, differential: the tiered JIT (threshold 4, so that nearly every loop goes native
// part-way through) against the reference interpreter on seeded random programs, in child
// processes. Every tier-up, every return to the interpreter and every error inside a compiled loop
// must leave the same output, tape, pointer and error as the interpreter.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference } from "../chapters/06-interpreter/semantics.ts";
import { runBatches } from "./support/bf-native.ts";
import { randomCases } from "./support/bf-random.ts";

setDefaultTimeout(60_000); // children, and thousands of programs (the preload's timeout reaches only one file)

// #region differential
describe("differential: the tiered JIT against the interpreter", () => {
  const COUNT = 2400;
  test(`${COUNT} seeded random programs give the interpreter's exact RunResult, with loops tiered up`, async () => {
    const cases = randomCases(COUNT, 110_001).map((c) => ({ name: `seed ${c.seed}`, source: c.source, options: c.options }));
    // Uninstrumented even under coverage: thousands of programs add time, not coverage.
    const outcomes = await runBatches("tiered", cases, { label: "random programs, tiered", batches: 2, timeoutMs: 120_000, coverage: false });
    const failures: string[] = [];
    outcomes.forEach((o, i) => {
      const c = cases[i]!;
      const why = o.thrown ? `${o.thrown.name}: ${o.thrown.message}` : describeDifference(interpret(parse(c.source), c.options), o.result!);
      if (why !== null) failures.push(`${c.name}: ${why}\n${c.source}`);
    });
    expect(failures.slice(0, 3)).toEqual([]);
    // codeSize is the code of the loops compiled during the run: tier-ups happened, and often.
    const tiered = outcomes.filter((o) => o.codeSize > 0);
    expect(tiered.length).toBeGreaterThan(COUNT / 2);
    expect(tiered.filter((o) => o.result?.error?.name === "TapeBoundsError").length).toBeGreaterThan(COUNT / 40);
  }, 180_000);
});
// #endregion differential
