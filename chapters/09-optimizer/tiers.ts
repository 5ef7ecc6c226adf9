// Every tier of the book so far behind one function, timed stage by stage: what main.ts runs for
// --tier, and what --stats reports. Parse, lower, optimize and generate code are separate steps here
// (a NativeTier's compile() does them all at once) so that each can be timed.
import { parse, type Program } from "../06-interpreter/parser.ts";
import { templateJit } from "../07-template-jit/template-jit.ts";
import type { CompiledProgram } from "../07-template-jit/tier.ts";
import { loadLir } from "../08-lir/lir-jit.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { loadOptimized } from "./jit.ts";
import { DEFAULT_PIPELINE, optimize, type PassStats } from "./optimize.ts";

// #region tiers
/** The tiers, in the order the book builds them. */
export const TIERS = ["interp", "template", "lir", "opt"] as const;
export type TierName = (typeof TIERS)[number];

export const TIER_TITLES: Readonly<Record<TierName, string>> = {
  interp: "interpreter (chapter 6)",
  template: "template JIT (chapter 7)",
  lir: "LIR JIT, no passes (chapter 8)",
  opt: "optimizing JIT (chapter 9)",
};
// #endregion tiers

export function isTierName(name: string): name is TierName {
  return (TIERS as readonly string[]).includes(name);
}

/** Milliseconds each stage took; a stage the tier does not have is left out. */
export interface StageTimes {
  readonly parseMs: number;
  readonly lowerMs?: number;
  readonly optimizeMs?: number;
  /** Machine code generated, assembled and loaded (mapped, copied, sealed). */
  readonly codegenMs?: number;
}

/** A program made ready to run by a tier: compiled code (null for the interpreter) and how long each stage took. */
export interface Prepared {
  readonly tier: TierName;
  readonly program: Program;
  readonly compiled: CompiledProgram | null;
  readonly times: StageTimes;
  /** The optimizer's pass table (opt only). */
  readonly passes: readonly PassStats[] | null;
}

// #region prepare
/** Parse `source` and compile it with `tier`, timing each stage. Throws chapter 6's syntax errors. */
export function prepare(source: string, tier: TierName, passes: readonly string[] = DEFAULT_PIPELINE): Prepared {
  const lap = stopwatch();
  const program = parse(source);
  const parseMs = lap();
  if (tier === "interp") return { tier, program, compiled: null, times: { parseMs }, passes: null };
  if (tier === "template") {
    const compiled = templateJit.compile(program);
    return { tier, program, compiled, times: { parseMs, codegenMs: lap() }, passes: null };
  }
  const lowered: Lir = lower(program);
  const lowerMs = lap();
  if (tier === "lir") {
    const compiled = loadLir(lowered, "lir");
    return { tier, program, compiled, times: { parseMs, lowerMs, codegenMs: lap() }, passes: null };
  }
  const optimized = optimize(lowered, { passes });
  const optimizeMs = lap();
  const compiled = loadOptimized(optimized.lir);
  return { tier, program, compiled, times: { parseMs, lowerMs, optimizeMs, codegenMs: lap() }, passes: optimized.stats };
}
// #endregion prepare

/** A stopwatch: each call returns the milliseconds since the previous one (or since it was made). */
export function stopwatch(): () => number {
  let t = performance.now();
  return () => {
    const now = performance.now();
    const ms = now - t;
    t = now;
    return ms;
  };
}

/** Parse + lower + optimize + codegen: the time before the program's first instruction runs. */
export function compileMs(times: StageTimes): number {
  return times.parseMs + (times.lowerMs ?? 0) + (times.optimizeMs ?? 0) + (times.codegenMs ?? 0);
}
