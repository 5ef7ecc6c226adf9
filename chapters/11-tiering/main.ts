// Run a Brainfuck program with the tiered JIT, or any other tier of the book, for comparison:
//   bun chapters/11-tiering/main.ts prog.b [--tier tiered|interpreter|opt|js|js-opt|tiered-js]
//        [--threshold N] [--stats[=json]] [--tape N] [--eof ...] [--max-steps N] [--input FILE] [--buffer BYTES] [--emit]
// Standard input is the program's input, standard output its output; errors are printed as
// "prog.b:3:14: error: ...", exit code 1. --stats shows the compiled loops and where the time went.
// Without a program, a tour of the chapter.
import { readFileSync } from "node:fs";
import { runMain } from "../../shared/main.ts";
import { errorLine, parseOrReport, readBytes, readProgram } from "../06-interpreter/cli.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { interpret } from "../06-interpreter/interpreter.ts";
import { parse, type Program } from "../06-interpreter/parser.ts";
import { describeDifference, type RunOptions, type RunResult } from "../06-interpreter/semantics.ts";
import { formatPos } from "../06-interpreter/source.ts";
import { fdSink } from "../06-interpreter/write-all.ts";
import type { RunIO } from "../07-template-jit/tier.ts";
import { diagnostic } from "../08-lir/cli.ts";
import { LirError, MAX_NESTING } from "../08-lir/errors.ts";
import { interpretLir } from "../08-lir/interpret-lir.ts";
import { loadLir } from "../08-lir/lir-jit.ts";
import { lower } from "../08-lir/lower.ts";
import { optJit } from "../09-optimizer/jit.ts";
import { USAGE, parseArgs, type TieringInvocation } from "./cli.ts";
import type { SwitchEvent } from "./counting-interpreter.ts";
import { compileToJs, nestingDepth } from "./futamura.ts";
import { OptimizedJsProgram, TieredJsProgram, settingsWithoutStepLimit } from "./js-tiers.ts";
import { ms, formatTiering } from "./stats.ts";
import { DEFAULT_THRESHOLD, TieredProgram } from "./tiered-jit.ts";

// #region demo-programs
const HELLO = `++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.>>.<-.<.+++.------.--------.>>+.>++.`;
// The alphabet, with a busy pause after each letter (examples/busy.b: the chapter's figures run it too).
const BUSY = readFileSync(new URL("./examples/busy.b", import.meta.url), "utf8");
// Prints cells forever to the right, counting up: it falls off a 40-cell tape inside a compiled loop.
const RUNAWAY = `++++++++[>++++++<-]>[.+>+<[->+<]>]`;
// #endregion demo-programs

// #region run
/** What --stats reports: a sentence or a table for people, and the figures for --stats=json. */
interface Figures {
  readonly text: string;
  /** Everything spent compiling: before the run (opt, js) or during it (tiered). */
  readonly compileMs: number;
  /** The run, and the part of it inside generated code. */
  readonly runMs: number;
  readonly codeMs: number;
  readonly codeSize: number;
}

function run(program: Program, inv: TieringInvocation, input: Uint8Array | null): { error: BrainfuckError | null; figures: Figures } {
  const opts: RunOptions = {
    tapeSize: inv.tapeSize,
    eof: inv.eof,
    ...(inv.maxSteps === undefined ? {} : { maxSteps: inv.maxSteps }),
    ...(input === null ? {} : { input }),
  };
  // The native tiers read and write the real file descriptors: no byte goes through JavaScript.
  const io: RunIO = { outputFd: 1, ...(input === null ? { inputFd: 0 } : {}), ...(inv.buffer === null ? {} : { bufferSize: inv.buffer }) };
  const depth = nestingDepth(program);
  if (depth > MAX_NESTING && inv.tier !== "js" && inv.tier !== "opt") return runUnprofiled(program, inv, opts, io, input, depth);
  switch (inv.tier) {
    case "tiered":
    case "interpreter": {
      const threshold = inv.tier === "interpreter" ? Infinity : inv.threshold ?? DEFAULT_THRESHOLD;
      using tiered = new TieredProgram(program, threshold);
      const { result, stats } = tiered.runWithStats(opts, io);
      if (inv.emit) console.error(tiered.listing());
      const { compileMs, totalMs, codeMs } = stats.times;
      const text = formatTiering(stats.loops, stats.times, { threshold, target: "x86-64", rows: 20 });
      return { error: result.error, figures: { text, compileMs, runMs: totalMs, codeMs, codeSize: tiered.codeSize } };
    }
    case "opt": {
      const started = performance.now();
      using compiled = optJit.compile(program);
      const compileMs = performance.now() - started;
      const { result, stats } = compiled.runWithStats(opts, io);
      const runMs = performance.now() - started - compileMs;
      const text = `compiled whole in ${ms(compileMs)} (${compiled.codeSize} bytes of code), ran in ${ms(runMs)}`;
      return { error: result.error, figures: { text, compileMs, runMs, codeMs: stats.runMs, codeSize: compiled.codeSize } };
    }
    default:
      return runJs(program, inv, { ...opts, input: input ?? stdinFor(program) });
  }
}
// #endregion run

/**
 * The profile, the loop units and the passes recurse on the LIR, so a program nested deeper than
 * MAX_NESTING runs as chapter 8 runs it, whole and unoptimized: the native tier with the LIR JIT's
 * code, the others (in memory, like the JS tiers) with the LIR interpreter. --stats says so.
 */
function runUnprofiled(program: Program, inv: TieringInvocation, opts: RunOptions, io: RunIO, input: Uint8Array | null, depth: number): { error: BrainfuckError | null; figures: Figures } {
  settingsWithoutStepLimit(opts, inv.tier); // refused as the tier itself refuses it
  const lir = lower(program, { maxNesting: Infinity });
  const started = performance.now();
  const why = `loops nested ${depth} deep, past the ${MAX_NESTING} this tier takes`;
  if (inv.tier === "tiered") {
    using compiled = loadLir(lir, inv.tier);
    const compileMs = performance.now() - started;
    const { result, stats } = compiled.runWithStats(opts, io);
    const runMs = performance.now() - started - compileMs;
    const text = `${why}: compiled whole by the LIR JIT in ${ms(compileMs)} (${compiled.codeSize} bytes of code), ran in ${ms(runMs)}`;
    return { error: result.error, figures: { text, compileMs, runMs, codeMs: stats.runMs, codeSize: compiled.codeSize } };
  }
  const result = interpretLir(lir, { ...opts, input: input ?? stdinFor(program) }, fdSink(1));
  const runMs = performance.now() - started;
  return { error: result.error, figures: { text: `${why}: run by the LIR interpreter in ${ms(runMs)}`, compileMs: 0, runMs, codeMs: 0, codeSize: 0 } };
}

/** The JS tiers run in memory: the whole input first; the output streams to standard output. */
function runJs(program: Program, inv: TieringInvocation, opts: RunOptions): { error: BrainfuckError | null; figures: Figures } {
  const started = performance.now();
  const js = inv.tier === "js" ? compileToJs(program) : inv.tier === "js-opt" ? new OptimizedJsProgram(program) : null;
  if (js !== null && inv.emit) {
    console.log(js.source);
    return { error: null, figures: { text: `${js.codeSize} characters of JavaScript`, compileMs: 0, runMs: 0, codeMs: 0, codeSize: js.codeSize } };
  }
  let result: RunResult;
  let figures: Figures;
  if (js !== null) {
    const compileMs = performance.now() - started;
    result = js.run(opts, fdSink(1));
    const runMs = performance.now() - started - compileMs;
    const fallback = "fallback" in js && js.fallback !== null ? ` (not run: ${js.fallback})` : "";
    const text = `${js.tier}: ${js.codeSize} characters of JavaScript made in ${ms(compileMs)}${fallback}, ran in ${ms(runMs)}`;
    figures = { text, compileMs, runMs, codeMs: runMs, codeSize: js.codeSize };
  } else {
    const threshold = inv.threshold ?? DEFAULT_THRESHOLD;
    const run = new TieredJsProgram(program, threshold).runWithStats(opts, fdSink(1));
    const text = formatTiering(run.loops, run.times, { threshold, target: "JavaScript", rows: 20 });
    const codeSize = run.loops.reduce((n, l) => n + (l.code?.codeSize ?? 0), 0);
    figures = { text, compileMs: run.times.compileMs, runMs: run.times.totalMs, codeMs: run.times.codeMs, codeSize };
    result = run.result;
  }
  return { error: result.error, figures };
}

// #region tour
async function tour(): Promise<void> {
  console.log("Why tier: the same two programs three ways. Compile-everything-first pays for the whole");
  console.log("program before the first byte; the interpreter pays on every step; tiering pays for what is hot.\n");
  console.log(`  ${"".padEnd(8)} ${"interpreter only".padStart(18)} ${"compile all, then run".padStart(24)} ${"tiered".padStart(28)}`);
  for (const [name, source] of [["hello.b", HELLO], ["busy.b", BUSY]] as const) console.log(compareModes(name, parse(source)));

  console.log(`\nTier-ups on busy.b, threshold 100: every switch hands over the pointer and the pending output.\n`);
  const events: SwitchEvent[] = [];
  using busy = new TieredProgram(parse(BUSY), 100, (e) => events.push(e));
  const { stats } = busy.runWithStats();
  for (const e of events.slice(0, 8)) {
    const what = e.kind === "exit" ? "back to the interpreter" : e.kind === "osr" ? `OSR into x86-64 after ${e.iterations} iterations` : "into x86-64 at the loop's test";
    console.log(`  loop ${formatPos(e.at).padEnd(5)} ${what.padEnd(38)} pointer ${String(e.p).padStart(2)}, ${e.pending} byte(s) pending`);
  }
  console.log(`  ... ${events.length} switches in all\n`);
  console.log(formatTiering(stats.loops, stats.times, { threshold: 100, target: "x86-64" }));

  console.log(`\nAn error inside a compiled loop: runaway.b falls off a 40-cell tape in x86-64 code.`);
  using runaway = new TieredProgram(parse(RUNAWAY), 4);
  const off = runaway.runWithStats({ tapeSize: 40 });
  const reference = interpret(parse(RUNAWAY), { tapeSize: 40 });
  console.log(`  ${errorLine("runaway.b", off.result.error!)}`);
  console.log(`  ${off.result.output.length} bytes of output before it; against chapter 6's interpreter: ${describeDifference(reference, off.result) ?? "the same output, tape, pointer and error"}`);

  console.log(`\nThe first Futamura projection: chapter 6's interpreter specialized to "+[>++<-]", as JavaScript:\n`);
  console.log(compileToJs(parse("+[>++<-]")).source.split("\n").map((l) => "  " + l).join("\n"));

  console.log(`\nBun's JIT as a backend, on busy.b (compile + run):`);
  for (const [tier, make] of [
    ["js (chapter 6, specialized)", () => compileToJs(parse(BUSY))],
    ["js-opt (chapter 9's LIR, specialized)", () => new OptimizedJsProgram(parse(BUSY))],
  ] as const) {
    const t = performance.now();
    const js = make();
    const compiled = performance.now();
    js.run();
    console.log(`  ${tier.padEnd(40)} ${ms(compiled - t).padStart(9)} + ${ms(performance.now() - compiled).padStart(9)}`);
  }
  const t = performance.now();
  using native = optJit.compile(parse(BUSY));
  const compiled = performance.now();
  native.run();
  console.log(`  ${"opt (chapter 9's x86-64)".padEnd(40)} ${ms(compiled - t).padStart(9)} + ${ms(performance.now() - compiled).padStart(9)}`);
}

/** One line of the tour's table: the program run three ways, in this process, output captured. */
function compareModes(name: string, program: Program): string {
  let t = performance.now();
  using interpreted = new TieredProgram(program, Infinity);
  interpreted.run();
  const interpreter = performance.now() - t;
  t = performance.now();
  using whole = optJit.compile(program);
  const compileMs = performance.now() - t;
  whole.run();
  const wholeMs = performance.now() - t;
  using tiered = new TieredProgram(program, DEFAULT_THRESHOLD);
  const { times } = tiered.runWithStats().stats;
  const split = `${ms(times.compileMs)} compiling`;
  return `  ${name.padEnd(8)} ${ms(interpreter).padStart(18)} ${`${ms(compileMs)} + ${ms(wholeMs - compileMs)}`.padStart(24)} ${`${ms(times.totalMs)} (${split})`.padStart(28)}`;
}
// #endregion tour

/** Standard input, for a program that reads (a terminal would otherwise wait for Ctrl-D). */
function stdinFor(program: Program): Uint8Array {
  return program.commands.includes(",") ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
}

runMain(async () => {
  const inv = parseArgs(process.argv.slice(2));
  if (inv === null) return; // --help
  if (inv.file === null && inv.code === null) return tour();
  const name = inv.file ?? "-e";
  // Flags first (parseArgs), then the files, then the parse: a bad --input costs no compile.
  const input = inv.input === null ? null : readBytes(inv.input, USAGE);
  const source = inv.code ?? readProgram(name, USAGE);
  const started = performance.now();
  const program = parseOrReport(name, source, console.error);
  if (program === null) {
    process.exitCode = 1;
    return;
  }
  const parseMs = performance.now() - started;
  let outcome: ReturnType<typeof run>;
  try {
    outcome = run(program, inv, input);
  } catch (e) {
    // A program the LIR refuses (nested too deep) is reported like a syntax error: file:line:col: error:.
    if (!(e instanceof LirError)) throw e;
    console.error(diagnostic(name, e));
    process.exitCode = 1;
    return;
  }
  const { error, figures } = outcome;
  if (error) console.error(errorLine(name, error));
  if (inv.stats) {
    const { text, ...numbers } = figures;
    console.error(inv.json ? JSON.stringify({ tier: inv.tier, parseMs, ...numbers, compileMs: parseMs + numbers.compileMs }) : `${name}: ${text}`);
  }
  if (error) process.exitCode = 1;
});
