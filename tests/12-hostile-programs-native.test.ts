// Chapter 12, natively (every run in a child process): fuel and time limits in every tier, programs
// of any depth and size, memory after thousands of compiles, and W^X while JIT code runs.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import type { RunOptions } from "../chapters/06-interpreter/semantics.ts";
import { runCases, type FuzzCase } from "../chapters/12-hostile-programs/batch.ts";
import type { ChurnReport } from "../chapters/12-hostile-programs/churn.ts";
import { FUZZ_TIERS, expected, verdict } from "../chapters/12-hostile-programs/fuzz.ts";
import type { WxReport } from "../chapters/12-hostile-programs/w-xor-x.ts";
import { runBun, runNative } from "../shared/child.ts";
import { exitOf } from "./support/exit.ts";

setDefaultTimeout(90_000);

const MAIN = "chapters/12-hostile-programs/main.ts";
const NATIVE = ["template", "lir", "opt", "tiered"] as const;
/** main.ts loads chapters 6 to 12: under coverage, instrumented, that takes seconds. */
const SLOW = { timeoutMs: 60_000 };
const stderr = (r: { readonly stderr: string }) => r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("jit-trace ")).join("\n");
const expectError = (r: { readonly exitCode: number | null; readonly stderr: string }, start: string) => {
  expect(r.exitCode).toBe(1);
  expect(stderr(r)).toStartWith(start);
};

// #region fuel-spec
/** Programs that stop part-way at every step limit: loops, nested loops, scans, multiply loops, off the tape. */
const FUELED: readonly [string, RunOptions][] = [
  ["+[]", {}],
  ["+[\n]", {}],
  ["++[>+<-]>[>++<-]", {}],
  ["+[>+]", { tapeSize: 8 }],
  ["+>+>+<<[[>]<[-]<]", { tapeSize: 16 }],
  ["+++[>+++[>+<-]<-]>>.", {}],
  ["+>>+++[<]>[-]", { tapeSize: 12 }],
  ["+[>>+]", { tapeSize: 9 }],
  [",[.,]", { input: Uint8Array.of(1, 2, 3) }],
  ["++++[->++++<]>[-<+>]<[[-]>+<]", {}],
];
const STEPS = [0, 1, 2, 3, 4, 5, 7, 10, 16, 25, 60, 1000];
// #endregion fuel-spec

describe("fuel in every native tier: the LIR interpreter's count and position, exactly", () => {
  const cases: FuzzCase[] = FUELED.flatMap(([source, options]) => STEPS.map((maxSteps) => ({ name: `${JSON.stringify(source)} @${maxSteps}`, source, options: { ...options, maxSteps } })));

  test.each(FUZZ_TIERS.map((t) => [t.name, t] as const))("%s", async (_name, tier) => {
    const outcomes = await runCases(tier, cases);
    const differences = outcomes.map((o, i) => [cases[i]!.name, verdict(o, expected(tier, cases[i]!)!)] as const).filter(([, why]) => why !== null);
    expect(differences).toEqual([]);
    const stopped = outcomes.filter((o) => o.result?.error?.name === "StepLimitError").length;
    expect(stopped).toBeGreaterThan(cases.length / 2); // the limits do bite
  });
});

describe("fuel on programs bigger than a piece, or deeper than the passes take", () => {
  // A piece is 16,384 commands (chapter 10): the twins compile a program in parts, and the LIR their
  // fuel is counted against is those parts joined (twinLir), a loop too big for a piece included. A
  // program too deep for the passes runs chapter 8's code in every tier, limits or not.
  const programs = [
    ["wide", `${">".repeat(66_000)}[.]+.`],
    ["a loop bigger than a piece", `+++[${">+[-]<".repeat(14_000)}-]>.`],
    ["1,100 loops deep", `+${"[".repeat(1100)}-${"]".repeat(1100)}+.`],
  ] as const;
  const cases: FuzzCase[] = programs.flatMap(([name, source]) => [0, 3, 100_000].map((maxSteps) => ({ name: `${name} @${maxSteps}`, source, options: { maxSteps } })));

  test.each(FUZZ_TIERS.map((t) => [t.name, t] as const))("%s", async (_name, tier) => {
    const outcomes = await runCases(tier, cases);
    const differences = outcomes.map((o, i) => [cases[i]!.name, verdict(o, expected(tier, cases[i]!)!)] as const).filter(([, why]) => why !== null);
    expect(differences).toEqual([]);
    // The wide program has one loop test, its [.]: with no step it stops there, with three it ends.
    const stops = ["StepLimitError", "ok", "ok", ...["StepLimitError", "StepLimitError", "ok"], ...["StepLimitError", "StepLimitError", "ok"]];
    expect(outcomes.map((o) => o.result?.error?.name ?? "ok")).toEqual(stops);
  });

  test("main.ts, --tier opt with a step limit, on a program too deep for the passes", async () => {
    const r = await runBun(MAIN, ["-e", `+${"[".repeat(1100)}-${"]".repeat(1100)}+.`, "--tier", "opt", "--max-steps", "10000"], SLOW);
    expect([r.exitCode, r.stdout, stderr(r)]).toEqual([0, "\x01", ""]);
  });
});

describe("main.ts: a runaway program, stopped in every tier", () => {
  test.each(NATIVE)("--max-steps, %s", async (tier) => {
    const r = await runBun(MAIN, ["-e", "+[[-]+]", "--tier", tier, "--max-steps", "1000"], SLOW);
    expect(r.exitCode).toBe(1);
    expect(stderr(r)).toMatch(/^-e:1:\d: error: stopped here after 1000 steps, the limit: the program may loop forever\. If it only needs longer, raise the limit \(--max-steps N, or the maxSteps option\)\.$/);
  });

  test.each(NATIVE)("--timeout, %s: the code looks at the clock, and stops within a slice of the limit", async (tier) => {
    const started = performance.now();
    const r = await runBun(MAIN, ["-e", "+[[-]+]", "--tier", tier, "--timeout", "300"], SLOW);
    const ms = performance.now() - started;
    expect([r.exitCode, stderr(r)]).toEqual([1, expect.stringMatching(/^-e:1:\d: error: stopped here after 300 ms, the time limit: the program may loop forever\. If it only needs longer, raise the limit \(--timeout MS, or the timeoutMs option\)\.$/)]);
    expect(ms).toBeGreaterThan(300);
    expect(ms).toBeLessThan(20_000);
  });

  test("--timeout, interp: its worker is terminated at the limit", async () => {
    const r = await runBun(MAIN, ["-e", "+[[-]+]", "--tier", "interp", "--timeout", "200"], SLOW);
    expectError(r, "TimeLimitError: the interpreter ran past the time limit of 200 ms and was stopped");
  });

  test("a program that ends before its limits is not disturbed by them", async () => {
    const r = await runBun(MAIN, ["-e", "++++++++[>++++++++<-]>+.", "--tier", "opt", "--timeout", "5000", "--max-steps", "100"], SLOW);
    expect([r.exitCode, r.stdout, stderr(r)]).toEqual([0, "A", ""]);
  });

  test("off the tape: the interpreter's error (every tier's, which the fuel table above compares)", async () => {
    const r = await runBun(MAIN, ["-e", "+[>+]", "--tier", "template", "--tape", "5"], SLOW);
    expectError(r, "-e:1:3: error: '>' moved the pointer off the right end of the tape, to cell 5");
  });

  test("the tour's first two stops: every tier stopped by fuel, then by the clock", async () => {
    const fuel = await runBun(MAIN, ["--demo", "fuel"], SLOW);
    expect(exitOf(fuel)).toEqual({ exitCode: 0 });
    expect(fuel.stdout).toContain("  opt       StepLimitError  at 1:7   after 1000000 loop tests");
    const timeout = await runBun(MAIN, ["--demo", "timeout"], SLOW);
    expect(exitOf(timeout)).toEqual({ exitCode: 0 });
    expect(timeout.stdout).toContain("  interp    TimeLimitError           its worker terminated at the limit");
    expect(timeout.stdout.match(/TimeoutError {4}at 1:\d/g)?.length).toBe(4);
  });

});

describe("deep and huge programs (uninstrumented children)", () => {
  test("100,000 nested loops: every tier runs it; the tiered JIT hands it to the template JIT", async () => {
    const r = await runBun(MAIN, ["--demo", "deep"], { env: { NYC_BUN: "0" }, timeoutMs: 60_000 });
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toBe("100,000 loops, each inside the last (200002 bytes):");
    // Chapter 8's stages take any depth (and chapter 9's tiers give a program too deep for the passes
    // chapter 8's code); the tiered JIT's guard keeps the 1,000 limit and hands it to the template JIT.
    for (const tier of ["interp", "template", "lir", "opt"]) expect(lines.find((l) => l.trim().startsWith(tier))).toMatch(/ ok +0 bytes out .* ms\s*$/);
    expect(lines.find((l) => l.trim().startsWith("tiered"))).toMatch(/ ok .* refused by the LIR, run by template$/);
  });

  test("a megabyte of program: every tier compiles and runs it, with the same output", async () => {
    const r = await runBun(MAIN, ["--demo", "huge"], { env: { NYC_BUN: "0" }, timeoutMs: 80_000 });
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    const lines = r.stdout.trim().split("\n").slice(1);
    expect(lines.length).toBe(5);
    for (const l of lines) expect(l).toMatch(/^ {2}\w+ +ok +25705 bytes out/);
  });
});

describe("memory after 10,000 programs (one uninstrumented child)", () => {
  test("the mapping count stays flat, and resident memory within a few MiB", async () => {
    const r = await runNative<ChurnReport>("chapters/12-hostile-programs/churn.ts", "churn", ["template", 10_000], { env: { NYC_BUN: "0", JIT_TRACE: "0" }, timeoutMs: 80_000 });
    expect(r.error).toBeNull();
    const { before, after, programs } = r.value!;
    console.log(`10,000 programs: ${before.mappings} -> ${after.mappings} mappings, ${before.rssKb} -> ${after.rssKb} KiB resident`);
    expect(programs).toBe(10_000);
    expect(after.mappings).toBeLessThanOrEqual(before.mappings + 8); // the JavaScript heap may map a chunk or two; a leak would add 10,000
    expect(after.rssKb).toBeLessThan(before.rssKb + 32 * 1024);
  });

  test("the same measurement, a few programs of every tier (instrumented, for coverage)", async () => {
    const r = await runNative<ChurnReport[]>("chapters/12-hostile-programs/churn.ts", "churnEveryTier", [20], { env: { JIT_TRACE: "0" }, timeoutMs: 60_000 });
    expect(r.error).toBeNull();
    expect(r.value!.map((c) => [c.tier, c.programs])).toEqual([["template", 20], ["lir", 20], ["opt", 20], ["tiered", 20]]);
  });
});

describe("W^X while JIT code runs", () => {
  test("no mapping of ours is writable and executable; the code's is r-x; the run is stopped by its time limit", async () => {
    const r = await runNative<WxReport[]>("chapters/12-hostile-programs/w-xor-x.ts", "mapsWhileEveryTierRuns", [], { env: { JIT_TRACE: "0" } });
    expect(r.error).toBeNull();
    for (const report of r.value!) {
      expect(report).toMatchObject({ whileRunning: true, ours: [], stoppedBy: "TimeoutError" });
      expect(report.newCode.length).toBeGreaterThan(0);
      for (const line of report.newCode) expect(line).toMatch(/ r-xp \(anonymous\)$/);
    }
  });
});
