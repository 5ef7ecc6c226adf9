// The figures chapter 11's prose quotes, all measured on examples/busy.b, a short program whose loops
// run long: whole processes of main.ts with each tier (first byte of output, end, compile time); the
// tiered JIT at several thresholds; what an interpreted iteration and a loop's compile cost (the
// ski-rental arithmetic); and the machine code against Bun's JIT as a backend.
//   bun chapters/11-tiering/figures.ts [--out FILE]
// It prints one JSON object, for a `run figures=tiering` block of the chapter's README; with --out it
// also writes the process timings, for the chapter's first-output picture.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ROOT } from "../../shared/child.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { findProgram } from "../../shared/programs.ts";
import { interpretWithStats } from "../06-interpreter/interpreter.ts";
import { parse, type Program } from "../06-interpreter/parser.ts";
import type { RunResult } from "../06-interpreter/semantics.ts";
import { innerOps, type Lir, type LoopOp, type Op } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { optJit } from "../09-optimizer/jit.ts";
import { timeProcess, type TimedProgram, type Timing } from "./bench.ts";
import type { TierChoice } from "./cli.ts";
import { CountingInterpreter, Profile } from "./counting-interpreter.ts";
import { compileToJs } from "./futamura.ts";
import { freshMachine, MemoryIo, OptimizedJsProgram } from "./js-tiers.ts";
import { JsLoopCompiler } from "./lir-to-js.ts";
import { ms } from "./stats.ts";
import { DEFAULT_THRESHOLD, TieredProgram } from "./tiered-jit.ts";

export class FiguresError extends Error {
  override name = "FiguresError";
}

export const BUSY: TimedProgram = {
  name: "busy",
  file: resolve(ROOT, "chapters/11-tiering/examples/busy.b"),
  input: null,
  output: resolve(ROOT, "chapters/11-tiering/examples/busy.out"),
  short: false,
};

/** The strategies the chapter compares, as main.ts's --tier names them. */
export const PROCESS_TIERS: readonly TierChoice[] = ["interpreter", "opt", "tiered", "js-opt"];
/** The book's program the backends are compared on: its loops keep real work after the passes. */
export const BACKEND_PROGRAM = "times";
export const THRESHOLDS: readonly number[] = [10, 100, 1000, 10_000, 100_000];

/** The process timings --out writes: what the first-output picture draws. */
export interface FirstOutputFile {
  readonly program: string;
  readonly rows: readonly { readonly tier: string; readonly firstMs: number; readonly totalMs: number; readonly compileMs: number }[];
}

const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
const ns = (x: number) => `${x.toFixed(0)} ns`;

function timed<T>(f: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = f();
  return { value, ms: performance.now() - start };
}

function loopsOf(ops: readonly Op[], out: LoopOp[] = []): LoopOp[] {
  for (const op of ops) {
    if (op.kind === "loop") out.push(op);
    for (const inner of innerOps(op)) loopsOf(inner, out);
  }
  return out;
}

/** The counting interpreter alone on `lir`: its time, and the back edges it took (every loop's). */
function interpretedIterations(lir: Lir): { ms: number; iterations: number } {
  const profile = new Profile(lir);
  const m = freshMachine(30_000);
  const io = new MemoryIo(new Uint8Array(0), "unchanged");
  const { ms: took } = timed(() => new CountingInterpreter(profile, io, { threshold: Infinity, compiler: new JsLoopCompiler() }).run(m));
  const iterations = loopsOf(lir.ops).reduce((n, loop) => n + profile.stateOf(loop).iterations, 0);
  return { ms: took, iterations };
}

/** Whole processes of main.ts, one per tier, as a user meets them. */
async function processes(): Promise<Timing[]> {
  const rows: Timing[] = [];
  for (const tier of PROCESS_TIERS) {
    const t = await timeProcess(BUSY, tier, 60_000);
    if (!t.ok || t.firstMs === null || t.totalMs === null) throw new FiguresError(`busy.b with --tier ${tier}: ${t.note ?? "no output"}`);
    rows.push(t);
  }
  return rows;
}

export async function tieringFigures(): Promise<{ figures: Record<string, string>; picture: FirstOutputFile }> {
  const source = readFileSync(BUSY.file, "utf8");
  const program: Program = parse(source);
  const f: Record<string, string> = {};

  // The tour's first table, in a fresh process: cold, as a user's first run is. The interpreter's
  // run also gives the rent of the ski-rental arithmetic below: its time per back edge.
  const lir = lower(program);
  const rent = interpretedIterations(lir);
  {
    const compile = timed(() => optJit.compile(program));
    using whole = compile.value;
    const run = timed(() => whole.run());
    using tiered = new TieredProgram(program, DEFAULT_THRESHOLD);
    const { times, loops } = tiered.runWithStats().stats;
    f.tourInterpreter = ms(rent.ms);
    f.tourCompile = ms(compile.ms);
    f.tourRun = ms(run.ms);
    f.tourLoops = String(loops.length);
    f.tourTieredCompile = ms(times.compileMs);
    f.tourTiered = ms(times.totalMs);
  }
  f.steps = interpretWithStats(program).steps.toLocaleString("en-US");

  // Whole processes: the first byte and the end.
  const rows = await processes();
  for (const r of rows) {
    const key = r.column.replace("-", "");
    f[`${key}First`] = ms(r.firstMs!);
    f[`${key}Total`] = ms(r.totalMs!);
    f[`${key}CompileMs`] = ms(r.compileMs ?? 0);
  }
  const picture: FirstOutputFile = {
    program: "busy.b",
    rows: rows.map((r) => ({ tier: r.column, firstMs: r.firstMs!, totalMs: r.totalMs!, compileMs: r.compileMs ?? 0 })),
  };

  // The ski-rental arithmetic: rent (an interpreted iteration) against buy (a loop's compile), warm.
  const iterationNs = (rent.ms * 1e6) / rent.iterations;
  // A loop's compile, warm: the median of every loop compiled in three fresh programs, after one
  // run that warms the compiler's own code.
  const compiles: number[] = [];
  for (let i = 0; i < 4; i++) {
    using warm = new TieredProgram(program, DEFAULT_THRESHOLD);
    const { loops } = warm.runWithStats().stats;
    if (i > 0) compiles.push(...loops.map((l) => l.compileMs));
  }
  compiles.sort((a, b) => a - b);
  const compileMs = compiles[compiles.length >> 1]!;
  f.iterations = rent.iterations.toLocaleString("en-US");
  f.iteration = ns(iterationNs);
  f.loopCompile = ms(compileMs);
  f.breakEven = Math.round((compileMs * 1e6) / iterationNs).toLocaleString("en-US");

  // The sweep, warm, in this process: total time, compile time and loops compiled per threshold,
  // each from the faster of two fresh programs.
  for (const threshold of THRESHOLDS) {
    const runs = [0, 1].map(() => {
      using p = new TieredProgram(program, threshold);
      return p.runWithStats().stats;
    });
    const s = runs[0]!.times.totalMs <= runs[1]!.times.totalMs ? runs[0]! : runs[1]!;
    f[`t${threshold}Total`] = ms(s.times.totalMs);
    f[`t${threshold}Compile`] = ms(s.times.compileMs);
    f[`t${threshold}Loops`] = String(s.loops.length);
  }

  // Bun's JIT as a backend, on a program with real work left after the passes: each one's run (not
  // its compile), warm, best of three; the first projection's, which takes far longer, once.
  const bp = findProgram(BACKEND_PROGRAM);
  if (bp === null) throw new FiguresError(`${BACKEND_PROGRAM} is not installed`);
  const backend = parse(readFileSync(bp.file, "utf8"));
  const expected = readFileSync(bp.outputFile);
  const checked = (r: RunResult) => {
    if (r.error !== null || !Buffer.from(r.output).equals(expected)) throw new FiguresError(`${BACKEND_PROGRAM}.b printed the wrong output`);
  };
  const best = (run: () => RunResult) => Math.min(...[0, 1, 2].map(() => timed(() => checked(run())).ms));
  using native = optJit.compile(backend);
  checked(native.run());
  const jsOpt = new OptimizedJsProgram(backend);
  checked(jsOpt.run());
  const js = compileToJs(backend);
  const nativeMs = best(() => native.run());
  const jsOptMs = best(() => jsOpt.run());
  const jsMs = timed(() => checked(js.run())).ms;
  f.backendOpt = ms(nativeMs);
  f.backendJsOpt = ms(jsOptMs);
  f.backendJs = ms(jsMs);
  f.jsOptSlower = ratio(jsOptMs, nativeMs);
  f.jsSlower = ratio(jsMs, nativeMs);
  return { figures: f, picture };
}

const USAGE = `bun chapters/11-tiering/figures.ts [--out FILE]

The figures chapter 11 quotes, as one JSON object, all on examples/busy.b: whole processes of main.ts
with each of ${PROCESS_TIERS.join(", ")} (TIERFirst, TIERTotal, TIERCompileMs); the tour's table in this
process; an interpreted iteration against a loop's compile (iteration, loopCompile, breakEven); the
tiered JIT at thresholds ${THRESHOLDS.join(", ")} (tNTotal, tNCompile, tNLoops); and, on ${BACKEND_PROGRAM}.b,
the machine code against Bun's JIT (backendOpt, backendJsOpt, backendJs).

  --out FILE    also write the process timings there, as JSON, for the first-output picture
  -h, --help    this text`;

if (import.meta.main) {
  await runMain(async () => {
    const args = parseCommand(process.argv.slice(2), USAGE, { options: { out: { type: "string" } } });
    if (args === null) return;
    const { figures, picture } = await tieringFigures();
    if (args.values.out !== undefined) {
      const out = resolve(ROOT, args.values.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(picture));
    }
    console.log(JSON.stringify(figures));
  });
}
