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
import { DEFAULT_PIPELINE, optimize, tooDeepToOptimize, type PassStats } from "./optimize.ts";

// #region tiers
/** This chapter's tiers, in the order the book builds them. */
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

// #region registry
/**
 * One tier of the book, as every command that lists tiers sees it: the CLIs' --tier, the benchmark's
 * columns, the test harness and the fuzzer. This chapter registers its four; a later chapter registers
 * its own from its own folder, after them, so the registry is the book's order.
 */
export interface TierEntry {
  readonly name: string;
  /** For tables: "template JIT". */
  readonly label: string;
  /** For --help: "template JIT (chapter 7)". */
  readonly title: string;
  /** The main.ts (from the repository root) that runs it, and the --tier it is there (null: the main's own, no flag); null: no command runs it alone. */
  readonly command: { readonly main: string; readonly tier: string | null } | null;
  /** Its NativeTier: the module (from the repository root) and the export; null when it is not one (the interpreter). */
  readonly native: { readonly module: string; readonly export: string } | null;
}

const REGISTRY: TierEntry[] = [];

export class TierRegistryError extends Error {
  override name = "TierRegistryError";
}

/** Add a tier after those registered so far; a name is registered once. */
export function registerTier(entry: TierEntry): void {
  if (REGISTRY.some((t) => t.name === entry.name)) throw new TierRegistryError(`a tier named '${entry.name}' is registered already: pick another name`);
  REGISTRY.push(entry);
}

/** Every tier registered, in the book's order. */
export function registeredTiers(): readonly TierEntry[] {
  return [...REGISTRY];
}

/** The tiers a command line can name: those a main.ts runs. */
export function commandTiers(): readonly TierEntry[] {
  return REGISTRY.filter((t) => t.command !== null);
}

/** The tier of that name, or a TierRegistryError that lists the tiers there are. */
export function tierNamed(name: string): TierEntry {
  const t = REGISTRY.find((t) => t.name === name);
  if (t === undefined) throw new TierRegistryError(`there is no tier '${name}': the tiers are ${REGISTRY.map((t) => t.name).join(", ")}`);
  return t;
}

const MAIN = "chapters/09-optimizer/main.ts";
const LABELS: Readonly<Record<TierName, string>> = { interp: "interpreter", template: "template JIT", lir: "LIR JIT", opt: "optimizing JIT" };
const NATIVE: Readonly<Record<TierName, TierEntry["native"]>> = {
  interp: null,
  template: { module: "chapters/07-template-jit/template-jit.ts", export: "templateJit" },
  lir: { module: "chapters/08-lir/lir-jit.ts", export: "lirJit" },
  opt: { module: "chapters/09-optimizer/jit.ts", export: "optJit" },
};
for (const name of TIERS) registerTier({ name, label: LABELS[name], title: TIER_TITLES[name], command: { main: MAIN, tier: name }, native: NATIVE[name] });
// #endregion registry

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
  /** Why the opt tier compiled the program without its passes (tooDeepToOptimize), if it did. */
  readonly fallback?: string;
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
  const fallback = tier === "opt" ? tooDeepToOptimize(program) : null;
  if (tier === "lir" || fallback !== null) {
    const lowered = lower(program, { maxNesting: Infinity }); // chapter 8's stages take any depth
    const lowerMs = lap();
    const compiled = loadLir(lowered, tier);
    return { tier, program, compiled, times: { parseMs, lowerMs, codegenMs: lap() }, passes: null, ...(fallback === null ? {} : { fallback }) };
  }
  // The passes get a function that lowers, not the lowered LIR: a local here would keep that LIR
  // alive through every pass (LirSource).
  let lowerMs = 0;
  const lowering = (): Lir => {
    const lowered = lower(program);
    lowerMs = lap();
    return lowered;
  };
  const optimized = optimize(lowering, { passes });
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
