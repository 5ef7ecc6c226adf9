// Chapter 10's fast tier, run: the conformance programs, seeded random programs against the
// interpreter, and the edge cases of the SIMD scans, on both the AVX2 and the SSE2 path. All of it
// in child processes, through the batch harness.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { runBatch, type NativeCase } from "./support/bf-native.ts";
import { againstInterpreter, conformanceSuite, differences, programsSuite } from "./support/native-suites.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { print } from "../chapters/08-lir/print.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { fastOptimize } from "../chapters/10-faster-code/jit.ts";

setDefaultTimeout(120_000);

// #region scan-cases
const ones = (n: number) => "+>".repeat(n);
/** Scans that cross whole vectors, start on a 0, stop on the tape's last cell, or find no 0 at all. */
const SCANS: NativeCase[] = [
  { name: "[>] starting on a 0 does not move", source: ">[>]+.", options: { tapeSize: 64 } },
  { name: "[<] starting on a 0 does not move", source: ">[<]+.", options: { tapeSize: 64 } },
  { name: "[>] across 200 cells finds the 0 after them", source: ones(200) + "<".repeat(200) + "[>]+.", options: { tapeSize: 1000 } },
  { name: "[<] across 200 cells finds the 0 before them", source: ">" + ones(200) + "<[<]+.", options: { tapeSize: 1000 } },
  { name: "[>] finds a 0 on the tape's last cell", source: ones(99) + "<".repeat(99) + "[>]+.", options: { tapeSize: 100 } },
  { name: "[>] finds no 0: off the right end", source: ones(99) + "+" + "<".repeat(99) + "[>]", options: { tapeSize: 100 } },
  { name: "[<] finds a 0 on cell 0", source: ">" + ones(99) + "<[<]+.", options: { tapeSize: 100 } },
  { name: "[<] finds no 0: off the left end", source: ones(99) + "+[<]", options: { tapeSize: 100 } },
  { name: "[>] on a tape of 1 cell", source: "+[>]", options: { tapeSize: 1 } },
  { name: "[<] on a tape of 1 cell", source: "+[<]", options: { tapeSize: 1 } },
  { name: "[>] on a tape of 40 cells, no 0", source: ones(39) + "+" + "<".repeat(39) + "[>]", options: { tapeSize: 40 } },
  ...[15, 16, 17, 31, 32, 33, 63, 64, 65].map((n) => ({ name: `[>] over ${n} cells from cell 3`, source: ">>>" + ones(n) + "<".repeat(n) + "[>]+.", options: { tapeSize: 300 } })),
  ...[15, 16, 17, 31, 32, 33, 63, 64, 65].map((n) => ({ name: `[<] over ${n} cells to cell 5`, source: ">".repeat(6) + ones(n) + "<[<]+.", options: { tapeSize: 300 } })),
  // Strided scans: cells between the ones the scan stands on are not zeros it may stop at.
  ...[2, 3, 5, 9].flatMap((s) => [
    { name: `[${">".repeat(s)}] over 40 steps, zeros between`, source: ("+" + ">".repeat(s)).repeat(40) + "<".repeat(40 * s) + `[${">".repeat(s)}]+.`, options: { tapeSize: 1000 } },
    { name: `[${"<".repeat(s)}] over 40 steps, zeros between`, source: ">".repeat(3 * s) + ("+" + ">".repeat(s)).repeat(40) + "<".repeat(s) + `[${"<".repeat(s)}]+.`, options: { tapeSize: 1000 } },
    { name: `[${">".repeat(s)}] finds no 0: off the right end`, source: ("+" + ">".repeat(s)).repeat(30) + "<".repeat(30 * s) + `[${">".repeat(s)}]`, options: { tapeSize: 30 * s + 1 } },
    { name: `[${"<".repeat(s)}] finds no 0: off the left end`, source: ">".repeat(s - 1) + ("+" + ">".repeat(s)).repeat(30) + "<".repeat(s) + `[${"<".repeat(s)}]`, options: { tapeSize: 1000 } },
  ]),
  // Linear loops (long.b's shape): the first turn as written, then the rest at once; and off the tape in the first turn.
  { name: "a linear loop", source: ">+++[<+++>->>>+++[->+++++<]>[-]<<<<]<." },
  { name: "a linear loop, nested in a multiply", source: "++[>+++[->+++++<]>[-]<<-]>>>." },
  { name: "a linear loop that leaves the tape on the left in its first turn", source: "+++[<+++>->>>+++[->+++++<]>[-]<<<<]" },
  { name: "a linear loop that leaves the tape on the right in its first turn", source: ">+++[<+++>->>>+++[->+++++<]>[-]<<<<]<.", options: { tapeSize: 5 } },
  { name: "a loop in registers that leaves the tape in its first turn", source: "+++[->+>+>+<<<]>>>>>>+[-<+>>>+<<]", options: { tapeSize: 8 } },
];
// #endregion scan-cases

for (const tier of ["fast", "fast-sse2"] as const) {
  programsSuite(tier, `the ${tier} tier (in one child)`, SCANS, (outcome) => {
    test("a step limit is refused, not ignored: this code counts no loop tests", async () => {
      const [forever] = await runBatch(tier, [{ name: "forever", source: "+[]", options: { maxSteps: 100 } }], { label: "maxSteps" });
      expect(forever!.thrown).toEqual({ name: "UnsupportedOptionError", message: expect.stringContaining("maxSteps (100) is not supported by the native tiers") });
    });

    test("a scan that finds no 0 names the exact step that left the tape, and stops on the edge cell", () => {
      const right = outcome("[>] finds no 0: off the right end").result!;
      const left = outcome("[<] finds no 0: off the left end").result!;
      expect([right.error?.name, formatPos(right.error!.pos!), right.pointer]).toEqual(["TapeBoundsError", "1:300", 99]);
      expect([left.error?.name, formatPos(left.error!.pos!), left.pointer]).toEqual(["TapeBoundsError", "1:201", 0]);
    });
  });
}

conformanceSuite("fast", "the conformance set, with the fast tier (two uninstrumented children)");

// #region linear-differential
/**
 * Programs shaped like long.b: a counter that steps by an odd amount, and a body of clears, adds and
 * multiply loops at other cells, on short tapes, so that some leave the tape in their first turn.
 */
function linearCases(count: number, seed: number): NativeCase[] {
  let state = seed;
  const rnd = (n: number): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state % n;
  };
  const move = (d: number): string => (d > 0 ? ">".repeat(d) : "<".repeat(-d));
  /** Something at cell `at`; a multiply loop there never targets the counter, or the loop might never end. */
  const part = (at: number): string => {
    const targets = [1, 2, 3].filter((d) => at + d !== 0);
    const d = targets[rnd(targets.length)]!;
    return [
      "[-]",
      "+".repeat(1 + rnd(4)),
      "-".repeat(1 + rnd(3)),
      `[-${move(d)}${"+".repeat(1 + rnd(5))}${move(-d)}]`,
      `+++[-${move(d)}${"+".repeat(1 + rnd(5))}${move(-d)}]${move(d)}[-]${move(-d)}`,
    ][rnd(5)]!;
  };
  return Array.from({ length: count }, (_, i) => {
    let body = "";
    let at = 0;
    for (let p = 2 + rnd(4); p > 0; p--) {
      const to = [-2, -1, 1, 2, 3, 4][rnd(6)]!;
      body += move(to - at) + part(to);
      at = to;
    }
    const step = ["-", "+", "---", "+++"][rnd(4)]!;
    return { name: `linear ${i}`, source: `${">".repeat(2 + rnd(3))}${"+".repeat(1 + rnd(9))}[${step}${body}${move(-at)}]>>>>.`, options: { tapeSize: 4 + rnd(12) } };
  });
}

describe("linear loops against the interpreter", () => {
  test("400 programs shaped like long.b (one child): the interpreter's exact RunResult", async () => {
    const cases = linearCases(400, 7);
    const linear = cases.filter((c) => print(fastOptimize(lower(parse(c.source)))) !== print(optimize(lower(parse(c.source))).lir));
    expect(linear.length).toBeGreaterThan(100); // the pass had work to do
    const outcomes = await runBatch("fast", cases, { label: "linear loops" });
    expect(differences(cases, outcomes).slice(0, 3)).toEqual([]);
  });
});
// #endregion linear-differential

// #region differential
describe("differential: the fast tier against the interpreter", () => {
  const COUNT = 2000;
  test(`${COUNT} seeded random programs give the interpreter's exact RunResult`, async () => {
    const { failures, outcomes } = await againstInterpreter("fast", COUNT, 30_001);
    expect(failures.slice(0, 3)).toEqual([]);
    expect(outcomes.filter((o) => o.result?.error?.name === "TapeBoundsError").length).toBeGreaterThan(COUNT / 20);
  });
});
// #endregion differential
