// The pass manager: passes by name, run in order, with the op count after each, so a reader (and
// `--stats`, and the bench) can see what each one buys, and a test can run any one alone.
import { LirVerifyError, MAX_NESTING } from "../08-lir/errors.ts";
import type { Program } from "../06-interpreter/parser.ts";
import { listsWithin, type Lir } from "../08-lir/lir.ts";
import { verify } from "../08-lir/verify.ts";
import { collectIfGrown } from "./collect.ts";
import "./ops.ts"; // the ops the passes make: muladd, scan, guard
import { clearLoops } from "./passes/clear-loops.ts";
import { deadCode } from "./passes/dead-code.ts";
import { foldOffsets } from "./passes/fold-offsets.ts";
import { foldRuns } from "./passes/fold-runs.ts";
import { hoistGuards } from "./passes/hoist-guards.ts";
import { knownValues } from "./passes/known-values.ts";
import { mulLoops } from "./passes/mul-loops.ts";
import { scanLoops } from "./passes/scan-loops.ts";

// #region passes
export interface Pass {
  readonly name: string;
  readonly run: (lir: Lir) => Lir;
}

export const PASSES: readonly Pass[] = [
  { name: "fold-runs", run: foldRuns },
  { name: "fold-offsets", run: foldOffsets },
  { name: "clear-loops", run: clearLoops },
  { name: "mul-loops", run: mulLoops },
  { name: "scan-loops", run: scanLoops },
  { name: "dead-code", run: deadCode },
  { name: "known-values", run: knownValues },
  { name: "hoist-guards", run: hoistGuards },
];

/** The default order: offsets first, since they turn loop bodies into the shapes the idioms match. */
export const DEFAULT_PIPELINE: readonly string[] = [
  "fold-offsets",
  "fold-runs",
  "clear-loops",
  "mul-loops",
  "scan-loops",
  "dead-code",
  "known-values",
  "hoist-guards",
];
// #endregion

export class UnknownPassError extends Error {
  override name = "UnknownPassError";
}

// #region optimize
export interface PassStats {
  /** The pass that just ran, or "input" for the LIR before any. */
  readonly pass: string;
  readonly ops: number;
  readonly loops: number;
  readonly ms: number;
}

export interface Optimized {
  readonly lir: Lir;
  /** One entry per stage; none when `stats` was false. */
  readonly stats: readonly PassStats[];
}

export interface OptimizeOptions {
  /** The passes to run, in order (DEFAULT_PIPELINE by default). */
  readonly passes?: readonly string[];
  /**
   * Verify the LIR after every pass, so that a pass that breaks the rule is named at once (its
   * PassBrokeLirError). Off by default: code generation verifies what it is given, once, and a
   * compile should not pay for walking the program again after each pass. The tests turn it on.
   */
  readonly verifyEach?: boolean;
  /**
   * Count each stage's ops and loops as it is made (the default). A compile that reports nothing
   * turns it off: counting walks the whole program once per stage.
   */
  readonly stats?: boolean;
  /**
   * Ask for a full collection between passes when memory has grown (collect.ts; the default). A
   * caller that optimizes a small part of a program at a time turns it off: each LIR it drops is
   * small enough for the engine's own collections, and what does grow the resident set then is
   * what the caller keeps, which no collection frees.
   */
  readonly collect?: boolean;
}

/** A pass left LIR that does not verify: the pass's name, and the verifier's error as the cause. */
export class PassBrokeLirError extends Error {
  override name = "PassBrokeLirError";
}

/**
 * The LIR to optimize, or a function that makes it. Given the function, the pass manager holds the
 * only reference to the LIR it returns, which is garbage once the first pass has run; given the
 * LIR, the caller's frame keeps it alive until optimize returns (for a big program, tens of megabytes).
 */
export type LirSource = Lir | (() => Lir);

/**
 * Run the passes named in `opts.passes` (DEFAULT_PIPELINE by default) in order, each looked up with
 * passNamed before any runs (an unknown name is its UnknownPassError). The stats: one entry per stage,
 * "input" first, then one per pass, with the ops and loops it left (countOps, countLoops) and its time.
 * Between passes, a full collection if memory has grown enough to be worth one (collect.ts), unless
 * `opts.collect` is false.
 */
export function optimize(source: LirSource, opts: OptimizeOptions = {}): Optimized {
  const passes = (opts.passes ?? DEFAULT_PIPELINE).map(passNamed);
  let lir = typeof source === "function" ? source() : source;
  // Each stage is counted as soon as it is made, not kept: the LIR a pass was given is garbage
  // once the next pass has its own, and a big program's stages would not all fit in memory at once.
  const count = opts.stats ?? true;
  const collect = opts.collect ?? true;
  const stats: PassStats[] = count ? [stageStats("input", lir, 0)] : [];
  for (const pass of passes) {
    const started = performance.now();
    lir = pass.run(lir);
    const ms = performance.now() - started;
    if (collect) collectIfGrown(); // the LIR the pass was given is garbage now
    if (opts.verifyEach) verifyAfter(pass, lir);
    if (count) stats.push(stageStats(pass.name, lir, ms));
  }
  return { lir, stats };
}
// #endregion

/** countOps and countLoops of one stage, in one walk. */
function stageStats(pass: string, lir: Lir, ms: number): PassStats {
  let ops = 0;
  let loops = 0;
  for (const list of listsWithin(lir.ops)) {
    ops += list.length;
    for (let i = 0; i < list.length; i++) if (list[i]!.kind === "loop") loops++;
  }
  return { pass, ops, loops, ms };
}

function verifyAfter(pass: Pass, lir: Lir): void {
  try {
    verify(lir);
  } catch (e) {
    if (!(e instanceof LirVerifyError)) throw e;
    throw new PassBrokeLirError(`the pass '${pass.name}' left LIR that does not verify: ${e.message}`, { cause: e });
  }
}

/**
 * The passes recurse once per level of nesting, so they take programs nested at most MAX_NESTING
 * deep (chapter 8's errors.ts). A tier handed a deeper one runs chapter 8's code for it, unoptimized.
 * Why, for --stats; or null when the passes take it. A loop of the LIR is a bracket pair of the
 * program, so the program's own depth answers before anything is lowered.
 */
export function tooDeepToOptimize(program: Program): string | null {
  const depth = program.depth;
  return depth <= MAX_NESTING ? null : `loops nested ${depth} deep, past the ${MAX_NESTING} the passes take: compiled unoptimized, as the LIR JIT compiles it`;
}

export function passNamed(name: string): Pass {
  const pass = PASSES.find((p) => p.name === name);
  if (!pass) throw new UnknownPassError(`there is no pass '${name}': the passes are ${PASSES.map((p) => p.name).join(", ")}`);
  return pass;
}

// #region format-stats
/** The stats as a table: one line per pass, what it left, and the change it made. */
export function formatStats(stats: readonly PassStats[]): string {
  const width = Math.max(...stats.map((s) => s.pass.length));
  const lines = [`${"pass".padEnd(width)}    ops  loops`];
  let prev: PassStats | null = null;
  for (const s of stats) {
    const change = prev === null ? "" : `  (${signed(s.ops - prev.ops)} ops, ${signed(s.loops - prev.loops)} loops)`;
    lines.push(`${s.pass.padEnd(width)} ${String(s.ops).padStart(6)} ${String(s.loops).padStart(6)}${change}`);
    prev = s;
  }
  return lines.join("\n");
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
// #endregion
