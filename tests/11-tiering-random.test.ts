// Chapter 11, differential: the tiered JIT (threshold 4, so that nearly every loop goes native
// part-way through) against the reference interpreter on seeded random programs, in child
// processes. Every tier-up, every return to the interpreter and every error inside a compiled loop
// must leave the same output, tape, pointer and error as the interpreter.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { againstInterpreter } from "./support/native-suites.ts";

setDefaultTimeout(60_000); // children, and thousands of programs (the preload's timeout reaches only one file)

// #region differential
describe("differential: the tiered JIT against the interpreter", () => {
  const COUNT = 2400;
  test(`${COUNT} seeded random programs give the interpreter's exact RunResult, with loops tiered up`, async () => {
    // Uninstrumented even under coverage: thousands of programs add time, not coverage.
    const { failures, outcomes } = await againstInterpreter("tiered", COUNT, 110_001, { timeoutMs: 120_000, coverage: false });
    expect(failures.slice(0, 3)).toEqual([]);
    // codeSize is the code of the loops compiled during the run: tier-ups happened, and often.
    const tiered = outcomes.filter((o) => o.codeSize > 0);
    expect(tiered.length).toBeGreaterThan(COUNT / 2);
    expect(tiered.filter((o) => o.result?.error?.name === "TapeBoundsError").length).toBeGreaterThan(COUNT / 40);
  }, 180_000);
});
// #endregion differential
