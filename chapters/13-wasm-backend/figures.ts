// The figures chapter 13's prose quotes: the WebAssembly backend on the book's own programs, in one
// process, beside the two native JITs it can be compared with: chapter 9's on the same optimized
// LIR, and chapter 7's templates against this backend given the same unoptimized LIR. It prints one
// JSON object, for a `run figures=wasm` block of the README.
//   bun chapters/13-wasm-backend/figures.ts [name ...]
import { readFileSync } from "node:fs";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { installedPrograms } from "../../shared/programs.ts";
import { parse } from "../06-interpreter/parser.ts";
import type { RunResult } from "../06-interpreter/semantics.ts";
import { templateJit } from "../07-template-jit/template-jit.ts";
import { loadPrograms, type BenchProgram } from "../09-optimizer/bench.ts";
import { loadOptimized } from "../09-optimizer/jit.ts";
import { optimize } from "../09-optimizer/optimize.ts";
import { decodeModule } from "./decode.ts";
import { WasmProgram } from "./wasm-program.ts";

/** The book's programs (always there), whose modules the prose describes. */
export const FIGURE_PROGRAMS: readonly string[] = ["pascal", "circle", "cipher", "times", "collatz"];

/** The one that runs long enough, in every tier, for its times to mean something. */
export const TIMED_PROGRAM = "collatz";

export class FiguresError extends Error {
  override name = "FiguresError";
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;
const milliseconds = (ms: number): string => `${ms.toFixed(1)} ms`;
const times = (x: number): string => `${x.toFixed(2)}×`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

interface Runnable {
  runWithStats(opts: BenchProgram["options"]): { readonly result: RunResult; readonly stats: { readonly runMs: number } };
}

/**
 * The best of `runs` runs of each, taken in turn so that a slow moment of the machine hits all of
 * them; once only if a round takes over a second.
 */
function bestOf(p: BenchProgram, tiers: readonly Runnable[], runs: number): number[] {
  const best = tiers.map(() => Infinity);
  let took = 0;
  for (let i = 0; i < runs && took < 1000; i++) {
    took = 0;
    tiers.forEach((t, k) => {
      const { result, stats } = t.runWithStats(p.options);
      if (result.error !== null || !sameBytes(result.output, p.expected)) throw new FiguresError(`${p.name}: wrong output from tier ${k}`);
      best[k] = Math.min(best[k]!, stats.runMs);
      took += stats.runMs;
    });
  }
  return best;
}

/**
 * For each program NAME, its optimized module: NAMEModule, NAMEFunctions, NAMEGenerate (LIR to
 * bytes), NAMECompile (the engine's). All are made before anything runs, so that no engine is busy
 * optimizing one program's code while the next is compiled.
 */
export function moduleFigures(programs: readonly BenchProgram[]): Record<string, string> {
  const out: Record<string, string> = {};
  let generateMax = 0;
  for (const p of programs) {
    const { code, generateMs, compileMs } = new WasmProgram(optimize(p.lowered).lir).variant(false);
    out[`${p.name}Module`] = kib(code.bytes.length);
    out[`${p.name}Functions`] = String(decodeModule(code.bytes).functions.length);
    out[`${p.name}Generate`] = milliseconds(generateMs);
    out[`${p.name}Compile`] = milliseconds(compileMs);
    generateMax = Math.max(generateMax, generateMs);
  }
  out.generateMax = milliseconds(generateMax);
  return out;
}

/**
 * One program's run in four tiers: the optimized module (wasm) beside chapter 9's x86-64 of the same
 * LIR (opt, and optRatio = wasm / x86-64); the module of the unoptimized LIR (lowered) beside
 * chapter 7's templates (template, and templateRatio = wasm / x86-64).
 */
export function runFigures(p: BenchProgram, runs = 3): Record<string, string> {
  const optimized = optimize(p.lowered).lir;
  using native = loadOptimized(optimized);
  using templates = templateJit.compile(parse(readFileSync(p.file, "utf8")));
  const tiers = [new WasmProgram(optimized), native, templates, new WasmProgram(p.lowered)];
  const [wasm, opt, template, lowered] = bestOf(p, tiers, runs) as [number, number, number, number];
  return {
    timed: p.name,
    wasm: seconds(wasm),
    opt: seconds(opt),
    optRatio: times(wasm / opt),
    template: seconds(template),
    lowered: seconds(lowered),
    templateRatio: times(lowered / template),
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

const USAGE = `bun chapters/13-wasm-backend/figures.ts [name ...]

The figures chapter 13 quotes, as one JSON object: for each program its optimized module (NAMEModule,
NAMEFunctions, NAMEGenerate, NAMECompile); and for ${TIMED_PROGRAM} (or the last program named) its run
in Bun beside chapter 9's x86-64 of the same LIR (wasm, opt, optRatio), and this backend beside
chapter 7's template JIT on the unoptimized LIR (lowered, template, templateRatio), each the best of
up to three. By default ${FIGURE_PROGRAMS.join(", ")}.

  -h, --help    this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { allowPositionals: true, options: {} });
    if (args === null) return;
    const names = args.positionals.length > 0 ? args.positionals : FIGURE_PROGRAMS;
    const programs = installedPrograms(names);
    const loaded = loadPrograms(programs);
    const timed = loaded.find((p) => p.name === TIMED_PROGRAM) ?? loaded[loaded.length - 1]!;
    console.log(JSON.stringify({ ...moduleFigures(loaded), ...runFigures(timed) }));
  });
}
