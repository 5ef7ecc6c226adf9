// Run a Brainfuck program with the fast tier (or any earlier one), or print its machine code:
//   bun chapters/10-faster-code/main.ts prog.b [--tier interp|template|lir|opt|fast|fast-unchecked] [--stats[=json]] [--tape N] [--eof ...]
//   bun chapters/10-faster-code/main.ts prog.b --emit=lir|opt-lir|asm|hex
//   bun chapters/10-faster-code/main.ts prog.b --perf-map       (writes /tmp/perf-<pid>.map, for `perf report`)
// --simd sse2|avx2|libc forces how scans compare (the default is what the CPU has); --no-registers
// keeps every cell in memory, as chapter 9 does; --no-block-checks tests each check where it is.
// --tier fast-unchecked tests the tape once per block of ops (moves included), before it, instead of
// once per op (loops in registers and scans keep their own tests); it exists to measure what the
// checks cost, and ends as every tier does when a command leaves the tape.
// The earlier tiers run as chapter 9's main.ts runs them.
// This is the command; main.ts starts it, from its bytecode bundle when it can (shared/start-up.ts).
import { readFileSync } from "node:fs";
import { optionalValue } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { interpret } from "../06-interpreter/interpreter.ts";
import { parse } from "../06-interpreter/parser.ts";
import type { RunOptions } from "../06-interpreter/semantics.ts";
import { fdSink } from "../06-interpreter/write-all.ts";
import { hexDump } from "../07-template-jit/listing.ts";
import type { CompiledProgram, RunStats } from "../07-template-jit/tier.ts";
import { CliError, diagnostic, parseLirArgs, readSource, type LirInvocation } from "../08-lir/cli.ts";
import { nativeSettings } from "../07-template-jit/runtime.ts";
import { LirError, MAX_NESTING } from "../08-lir/errors.ts";
import { loadLir } from "../08-lir/lir-jit.ts";
import { lower } from "../08-lir/lower.ts";
import { print } from "../08-lir/print.ts";
import { tooDeepToOptimize } from "../09-optimizer/optimize.ts";
import { commandTiers, compileMs, isTierName, prepare, stopwatch, type StageTimes, type TierName } from "../09-optimizer/tiers.ts";
import type { Simd } from "./fast-lowering.ts";
import { fastCode, fastOptimize, fastPieces, loadFastLocated, type FastJitOptions, type PieceTimes } from "./jit.ts";
import { perfRegions, writePerfMap } from "./perf-map.ts";
import { sourceListing } from "./source-listing.ts";
import "./tiers.ts"; // registers the fast tiers

const USAGE = `usage: bun chapters/10-faster-code/main.ts (prog.b | -e CODE) [--tier ${commandTiers().map((t) => t.name).join("|")}] [--emit=lir|opt-lir|asm|hex] [--stats[=json]] [--perf-map] [--simd sse2|avx2|libc] [--no-registers] [--no-block-checks] [--tape N] [--eof unchanged|zero|max]

Run a Brainfuck program with the fast tier (or any earlier one), or print its code. Standard input is
the program's input, standard output its output. Without a program, a built-in demo.

  -e CODE             the program itself, instead of a file
  --tier T            ${commandTiers().map((t) => `${t.name}: ${t.title}`).join("; ")} (default fast)
  --emit=FORM         print instead of running: lir, opt-lir (the fast tier's LIR), asm or hex (its code)
  --stats[=json]      stage times and code size on stderr (=json: one line of JSON)
  --perf-map          write /tmp/perf-<pid>.map, for perf report
  --simd KIND         how scans compare: sse2, avx2 or libc (default: what the CPU has)
  --no-registers      keep every cell in memory, as chapter 9 does
  --no-block-checks   test each bounds check where it is
  --tape N            a fixed tape of N cells (default: a tape that grows to the right)
  --eof MODE          what ',' leaves in the cell at the end of the input: unchanged, zero or max
  -h, --help          this text`;

interface Options {
  readonly tier: string;
  readonly fast: FastJitOptions;
  readonly json: boolean;
  readonly perfMap: boolean;
}

// #region fast-prepare
/**
 * Parse, then lower, optimize and compile with the fast tier a piece at a time (fastPieces), timing
 * each stage as chapter 9's prepare does: lowering and the passes are the pieces' times added up, and
 * code generation is the rest.
 */
function prepareFast(name: string, source: string, o: Options): { compiled: CompiledProgram; times: StageTimes; fallback?: string } {
  const lap = stopwatch();
  const program = parse(source);
  const parseMs = lap();
  const fallback = tooDeepToOptimize(program); // chapter 8's stages take any depth, the passes do not
  if (fallback !== null) {
    const lowered = lower(program, { maxNesting: Infinity });
    const lowerMs = lap();
    return { compiled: loadLir(lowered, o.tier), times: { parseMs, lowerMs, codegenMs: lap() }, fallback };
  }
  const t: PieceTimes = { lowerMs: 0, optimizeMs: 0 };
  const pieces = () => fastPieces(program, o.fast.piece, t);
  const { program: compiled, code, address } = loadFastLocated(pieces, o.perfMap ? { ...o.fast, loopRegions: true } : o.fast);
  const times = { parseMs, lowerMs: t.lowerMs, optimizeMs: t.optimizeMs, codegenMs: lap() - t.lowerMs - t.optimizeMs };
  if (o.perfMap) console.error(`perf map: ${writePerfMap(address, perfRegions(code, name))}`);
  return { compiled, times };
}
// #endregion fast-prepare

function run(name: string, source: string, inv: LirInvocation, o: Options): boolean {
  const opts: RunOptions = { tapeSize: inv.tapeSize, eof: inv.eof, ...(inv.maxSteps === undefined ? {} : { maxSteps: inv.maxSteps }) };
  if (isTierName(o.tier)) return runEarlier(name, source, inv, o.tier, o, opts);
  const { compiled, times, fallback } = prepareFast(name, source, o);
  if (inv.stats && fallback !== undefined && !o.json) console.error(`${name}: ${o.tier}: ${fallback}`);
  const started = performance.now();
  let outcome: ReturnType<CompiledProgram["runWithStats"]>;
  try {
    outcome = compiled.runWithStats(opts, { inputFd: 0, outputFd: 1 });
  } finally {
    compiled.free();
  }
  const runMs = performance.now() - started;
  const error = outcome.result.error;
  if (error) console.error(diagnostic(name, error));
  if (inv.stats) console.error(statsLine(o.tier, name, times, runMs, outcome.stats, compiled.codeSize, o.json));
  return error === null;
}

/** The earlier tiers: chapter 9's prepare, and the same report. The interpreter reads its input first. */
function runEarlier(name: string, source: string, inv: LirInvocation, tier: TierName, o: Options, opts: RunOptions): boolean {
  const prepared = prepare(source, tier);
  const compiled = prepared.compiled;
  if (inv.stats && prepared.fallback !== undefined && !o.json) console.error(`${name}: ${tier}: ${prepared.fallback}`);
  if (compiled === null) {
    const input = source.includes(",") ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
    const result = interpret(prepared.program, { ...opts, input }, fdSink(1)); // streamed
    if (result.error) console.error(diagnostic(name, result.error));
    return result.error === null;
  }
  const started = performance.now();
  try {
    const { result, stats } = compiled.runWithStats(opts, { inputFd: 0, outputFd: 1 });
    if (result.error) console.error(diagnostic(name, result.error));
    if (inv.stats) console.error(statsLine(o.tier, name, prepared.times, performance.now() - started, stats, compiled.codeSize, o.json));
    return result.error === null;
  } finally {
    compiled.free();
  }
}

function statsLine(tier: string, name: string, t: StageTimes, runMs: number, stats: RunStats, codeSize: number, json: boolean): string {
  if (json) return JSON.stringify({ tier, ...t, compileMs: compileMs(t), runMs, codeMs: stats.runMs, codeSize });
  return `${name}: compiled to ${codeSize} bytes in ${compileMs(t).toFixed(1)} ms, ran in ${runMs.toFixed(1)} ms (${stats.runMs.toFixed(1)} ms in the code), ${stats.writes} writes, ${stats.reads} reads`;
}

// #region emit
function emit(source: string, inv: LirInvocation, o: Options, own = false): void {
  const program = parse(source);
  if (inv.emit === "lir" || inv.emit === "opt-lir") {
    const lowered = lower(program, { maxNesting: inv.emit === "lir" ? Infinity : MAX_NESTING }); // printing takes any depth
    // The whole program's LIR, optimized as one piece; the code below is what runs, made a piece at a time.
    return void process.stdout.write(print(inv.emit === "lir" ? lowered : fastOptimize(lowered), { positions: inv.positions }));
  }
  // Bytes need no listing (a listing keeps every instruction's operands: for a big program, gigabytes).
  const hex = inv.emit === "hex";
  const code = fastCode(() => fastPieces(program, o.fast.piece), hex ? { ...o.fast, listing: false } : o.fast);
  console.log(hex ? hexDump(code.asm.finish()) : sourceListing(code, own));
}
// #endregion emit

/** Chapter 8's options and this chapter's, every one checked before the program is read; null after --help. */
function options(argv: readonly string[]): { inv: LirInvocation; o: Options } | null {
  const stats = optionalValue(argv, "stats", "json");
  const parsed = parseLirArgs(stats.argv, USAGE, ["lir", "opt-lir", "asm", "hex"], {
    tier: { type: "string" },
    simd: { type: "string" },
    "no-registers": { type: "boolean" },
    "no-block-checks": { type: "boolean" },
    "perf-map": { type: "boolean" },
  });
  if (parsed === null) return null;
  const { values, ...inv } = parsed;
  const tiers = commandTiers().map((t) => t.name);
  const tier = values.tier ?? "fast";
  if (!tiers.includes(tier)) throw new CliError(`--tier must be ${tiers.join(", ")}, not '${tier}'`, USAGE);
  const simd = values.simd;
  if (simd !== undefined && simd !== "sse2" && simd !== "avx2" && simd !== "libc") throw new CliError(`--simd must be sse2, avx2 or libc, not '${simd}'`, USAGE);
  // The native tiers count no steps: their refusal of --max-steps comes now, before a file is read.
  if (tier !== "interp" && inv.maxSteps !== undefined && inv.emit === null) nativeSettings({ maxSteps: inv.maxSteps });
  const fast: FastJitOptions = {
    registers: values["no-registers"] !== true,
    blockChecks: values["no-block-checks"] !== true,
    unchecked: tier === "fast-unchecked",
    ...(simd === undefined ? {} : { simd: simd as Simd }),
  };
  return { inv, o: { tier, fast, json: stats.given, perfMap: values["perf-map"] === true } };
}

/** A loop by steps of 2 (not a multiply loop: it may never reach 0) runs in registers; `[<]` is a SIMD scan. */
const DEMO = "++++++++++[-->+++++++++++++<]>.[-]>+>+>+>+[<]++++++++++.";

runMain(() => {
  const parsed = options(process.argv.slice(2));
  if (parsed === null) return; // --help
  const { inv, o } = parsed;
  const name = inv.file ?? "-e";
  const source = inv.code ?? (inv.file === null ? DEMO : readSource(inv.file, USAGE));
  if (inv.file === null) console.log(`No program given, so here is ${DEMO}, and the fast tier's code for it (the program's own part):\n`);
  try {
    if (inv.emit !== null) emit(source, inv, o);
    else if (inv.file === null) {
      emit(source, { ...inv, emit: "asm" }, o, true);
      console.log("\nIts output:");
      if (!run(name, source, inv, o)) process.exitCode = 1;
      console.log();
    } else if (!run(name, source, inv, o)) process.exitCode = 1;
  } catch (e) {
    if (!(e instanceof BrainfuckError || e instanceof LirError)) throw e;
    console.error(diagnostic(name, e));
    process.exitCode = 1;
  }
});
