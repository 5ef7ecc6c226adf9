// The tape grows to the right on demand, in every tier, up to a limit; `--tape N` is a fixed tape.
// Programs written for an unbounded tape (Cristofani's impeccable.b class) run without flags.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TapeBoundsError } from "../chapters/06-interpreter/errors.ts";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference, DEFAULT_TAPE_LIMIT, DEFAULT_TAPE_SIZE, type RunOptions } from "../chapters/06-interpreter/semantics.ts";
import { simpleInterpret } from "../chapters/06-interpreter/simple-interpreter.ts";
import { templateJit } from "../chapters/07-template-jit/template-jit.ts";
import type { NativeTier } from "../chapters/07-template-jit/tier.ts";
import { interpretLir } from "../chapters/08-lir/interpret-lir.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { fastJit } from "../chapters/10-faster-code/jit.ts";
import { compileToWasm } from "../chapters/13-wasm-backend/wasm-tier.ts";
import { compileToJs } from "../chapters/11-tiering/futamura.ts";
import { OptimizedJsProgram, TieredJsProgram } from "../chapters/11-tiering/js-tiers.ts";
import { runBun } from "../shared/child.ts";

setDefaultTimeout(120_000);

/** Under coverage, a child instruments everything it imports, which is slow: children that add no coverage run without. */
const UNINSTRUMENTED = { env: { NYC_BUN: "0" } };

/**
 * Walk 100,000 cells right, leaving a 1 on each, 400 times 250 (cells 0 and 1 count, cell 2 stops
 * the scans back), then print them all.
 */
const WALK = `${"+".repeat(20)}[>${"+".repeat(20)}[>>[>]${"+".repeat(250)}[[->+<]+>-]<[<]<-]<-]>>>[.>]`;
/** Walk right for ever: only the tape's end stops it. */
const RUNAWAY = "+[>+]";

const NATIVE: Record<string, NativeTier> = { template: templateJit, fast: fastJit };

function native(tier: NativeTier, source: string, opts: RunOptions = {}) {
  using program = tier.compile(parse(source));
  return program.run(opts);
}

describe("a growing tape, in process", () => {
  test("the interpreters grow it by doubling: 100,000 cells, no flags", () => {
    const r = interpret(parse(WALK));
    expect([r.error, r.output.length, r.pointer, r.tape.length]).toEqual([null, 100_000, 100_003, 100_004]);
    expect(describeDifference(r, simpleInterpret(parse(WALK)))).toBeNull();
  });

  test.each(Object.keys(NATIVE))("the %s tier agrees with the interpreter, its result as short as the interpreter's", (name) => {
    expect(describeDifference(interpret(parse(WALK)), native(NATIVE[name]!, WALK))).toBeNull();
  });

  // A scan that reaches the last cell of the tape as it is: the tape grows under it.
  const SCAN_EDGE = ">+".repeat(29_999) + "[<]>[>]+.";

  test.each([["WALK", WALK], ["SCAN_EDGE", SCAN_EDGE]])("chapter 8's LIR interpreter grows it too, on %s, before and after chapter 9's passes", (_, source) => {
    const expected = interpret(parse(source));
    expect(describeDifference(expected, interpretLir(lower(parse(source))))).toBeNull();
    expect(describeDifference(expected, interpretLir(optimize(lower(parse(source))).lir))).toBeNull();
  });

  test("chapter 8's LIR interpreter: past the limit, the off-tape error at the limit", () => {
    const r = interpretLir(optimize(lower(parse(RUNAWAY))).lir, { tapeLimit: 50_000 });
    expect(r.error).toMatchObject({ end: "right", tapeSize: 50_000, pos: { line: 1, column: 3 } });
    expect(describeDifference(interpret(parse(RUNAWAY), { tapeLimit: 50_000 }), r)).toBeNull();
  });

  test.each([["WALK", WALK], ["RUNAWAY", RUNAWAY]])("the WebAssembly tier grows its memory on %s, and agrees with the interpreter", (_, source) => {
    const opts = { tapeLimit: 150_000 };
    expect(describeDifference(interpret(parse(source), opts), compileToWasm(parse(source)).run(opts))).toBeNull();
  });

  test("a program that stays in the first 30,000 cells has a tape of 30,000 cells, as before", () => {
    for (const r of [interpret(parse("+>>>+")), native(templateJit, "+>>>+"), native(fastJit, "+>>>+")]) {
      expect([r.tape.length, r.tape[3]]).toEqual([DEFAULT_TAPE_SIZE, 1]);
    }
  });

  test.each([["interp"], ["simple"], ...Object.keys(NATIVE).map((k) => [k])])("%s: past the limit, the book's off-tape error, at the limit", (name) => {
    const opts = { tapeLimit: 50_000 };
    const run = name === "interp" ? interpret(parse(RUNAWAY), opts) : name === "simple" ? simpleInterpret(parse(RUNAWAY), opts) : native(NATIVE[name]!, RUNAWAY, opts);
    expect(run.error).toBeInstanceOf(TapeBoundsError);
    expect(run.error).toMatchObject({ end: "right", tapeSize: 50_000, pos: { line: 1, column: 3 } });
    expect([run.pointer, run.tape.length]).toEqual([49_999, 50_000]);
  });

  test("the default limit: 64 Mi cells, and a fixed tape when tapeSize is given", () => {
    expect(DEFAULT_TAPE_LIMIT).toBe(2 ** 26);
    const fixed = native(fastJit, ">".repeat(30_000), { tapeSize: 30_000 });
    expect(fixed.error).toMatchObject({ end: "right", tapeSize: 30_000 });
  });
});

describe("a growing tape in chapter 11's JavaScript tiers", () => {
  const JS: Record<string, (source: string, opts?: RunOptions) => ReturnType<typeof interpret>> = {
    js: (source, opts) => compileToJs(parse(source)).run(opts),
    "js-opt": (source, opts) => new OptimizedJsProgram(parse(source)).run(opts),
    "tiered-js (threshold 0)": (source, opts) => new TieredJsProgram(parse(source), 0).run(opts),
    "tiered-js (threshold 10)": (source, opts) => new TieredJsProgram(parse(source), 10).run(opts),
    "tiered-js (never compiles)": (source, opts) => new TieredJsProgram(parse(source), Infinity).run(opts),
  };
  const SCAN_EDGE = ">+".repeat(29_999) + "[<]>[>]+.";
  const SCAN_BY_TWO = ">>+".repeat(14_999) + "[<<]>>[>>]+."; // a scan by 2, not the engine's indexOf

  test.each(Object.keys(JS))("%s agrees with the interpreter on the walk and on scans past the first 30,000 cells", (name) => {
    for (const source of [WALK, SCAN_EDGE, SCAN_BY_TWO, "+>>>+"]) {
      expect(describeDifference(interpret(parse(source)), JS[name]!(source))).toBeNull();
    }
  });

  test.each(Object.keys(JS))("%s: past the limit, the book's off-tape error, at the limit", (name) => {
    for (const source of [RUNAWAY, "+[>>>+]", "+[>+]>[>]"]) {
      const opts = { tapeLimit: 50_000 };
      const run = JS[name]!(source, opts);
      expect(run.error).toBeInstanceOf(TapeBoundsError);
      expect(run.error).toMatchObject({ end: "right", tapeSize: 50_000 });
      expect(describeDifference(interpret(parse(source), opts), run)).toBeNull();
    }
  });

  test.each(Object.keys(JS))("%s: a fixed tape stays fixed", (name) => {
    const run = JS[name]!(RUNAWAY, { tapeSize: 30_000 });
    expect(run.error).toMatchObject({ end: "right", tapeSize: 30_000, pos: { line: 1, column: 3 } });
    expect([run.pointer, run.tape.length]).toEqual([29_999, 30_000]);
  });
});

describe("a growing tape, from the command line, in every tier", () => {
  const file = join(mkdtempSync(join(tmpdir(), "tape-")), "walk.b");
  writeFileSync(file, WALK);
  const walk = (main: string, args: readonly string[]) => runBun(main, [file, ...args], UNINSTRUMENTED);
  const expected = "\x01".repeat(100_000);

  test.each([["interp"], ["template"], ["lir"], ["opt"], ["fast"], ["fast-unchecked"]])("chapter 10's main.ts --tier %s: 100,000 cells without --tape", async (tier) => {
    const r = await walk("chapters/10-faster-code/main.ts", ["--tier", tier]);
    expect([r.exitCode, r.stderr.includes("error"), r.stdout === expected]).toEqual([0, false, true]);
  });

  test.each([["tiered"], ["interpreter"], ["opt"], ["js"], ["js-opt"], ["tiered-js"]])("chapter 11's main.ts --tier %s: 100,000 cells without --tape", async (tier) => {
    const r = await walk("chapters/11-tiering/main.ts", ["--tier", tier]);
    expect([r.exitCode, r.stderr.includes("error"), r.stdout === expected]).toEqual([0, false, true]);
  });

  test("chapter 13's main.ts (WebAssembly, its memory grown by the host): 100,000 cells without --tape", async () => {
    const r = await walk("chapters/13-wasm-backend/main.ts", []);
    expect([r.exitCode, r.stderr.includes("error"), r.stdout === expected]).toEqual([0, false, true]);
  });

  test("--tape N is still a fixed tape of N cells", async () => {
    const r = await walk("chapters/10-faster-code/main.ts", ["--tape", "30000"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("error: '>' moved the pointer off the right end of the tape, to cell 30000");
  });
});
