// Every tier of the book, made safe to hand a hostile program: each one takes a step limit and a
// time limit, and none refuses a program for its shape. Each tier's code is compiled again with fuel
// (fuel.ts, through the code generators' hook at each loop test) the first time a run asks for
// limits, and run with the fuel extension of chapter 7's runtime (limits.ts); a program nested
// deeper than the LIR's passes can recurse falls back to the template JIT.
import { Asm } from "../05-control-flow/labels.ts";
import type { Program } from "../06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../06-interpreter/semantics.ts";
import { NativeProgram, type GeneratedCode } from "../07-template-jit/runtime.ts";
import { templateCode, templateJit } from "../07-template-jit/template-jit.ts";
import type { CompiledProgram, NativeTier } from "../07-template-jit/tier.ts";
import { LirNestingError } from "../08-lir/errors.ts";
import type { LoopEdge } from "../08-lir/codegen-x86.ts";
import type { Lir, Op } from "../08-lir/lir.ts";
import { lirCode, lirJit } from "../08-lir/lir-jit.ts";
import { optimizedCode, optJit } from "../09-optimizer/jit.ts";
import { collectIfGrown } from "../09-optimizer/collect.ts";
import { optimize, tooDeepToOptimize } from "../09-optimizer/optimize.ts";
import { fastJit, fastOptimize, fastSse2Jit } from "../10-faster-code/jit.ts";
import { lowerPiece, partsOf } from "../10-faster-code/pieces.ts";
import { eagerTieredJit, tieredJit } from "../11-tiering/tiered-jit.ts";
import { Fuel, type FuelSite } from "./fuel.ts";
import { limitsOf, runLimited, type LimitedIO, type LimitedStats } from "./limits.ts";

/** A program's code with fuel compiled in: its code generator, with Fuel at its loop-test hook. */
export type FueledCode = (program: Program, a: Asm, fuel: Fuel) => GeneratedCode;

// #region with-fuel
/**
 * A tier that takes limits: runs without any go to `tier`'s own code, untouched; the first run with
 * a limit compiles the program again with fuel (`fueled`), and that twin runs every limited run,
 * with chapter 7's runtime extended by the fuel fields and statuses. Fuel costs a read-modify-write
 * at every loop test, so a run that asks for no limit never pays for it. The tier's own code is
 * compiled at once (a program the tier refuses is refused here), and freed when the twin is made:
 * a big program's two compiles then take the memory of one; a later run without limits compiles
 * the tier's own code again.
 */
export function withFuel(tier: NativeTier, fueled: FueledCode): NativeTier {
  return {
    name: tier.name,
    compile(program: Program): CompiledProgram {
      let inner: CompiledProgram | null = tier.compile(program);
      const name = inner.tier;
      const own = (): CompiledProgram => (inner ??= tier.compile(program));
      let twin: { readonly code: NativeProgram; readonly sites: (site: number) => FuelSite | undefined } | null = null;
      const runWithStats = (opts: RunOptions = {}, io: LimitedIO = {}): { result: RunResult; stats: LimitedStats } => {
        const limits = limitsOf(opts, io);
        if (limits === null) return own().runWithStats(opts, io);
        if (twin === null) {
          inner?.free();
          inner = null;
          collectIfGrown(); // what the tier's own compile left is garbage now, before the twin's compile
          const a = new Asm({ listing: false }); // the twin's listing is never shown: listing() is the tier's own
          const fuel = new Fuel(a);
          const generated = fueled(program, a, fuel);
          collectIfGrown(); // the buffers the code outgrew, before the code is copied into its pages
          twin = { code: NativeProgram.load(generated), sites: (site) => fuel.site(site) };
        }
        return runLimited(twin.code, twin.sites, limits, opts, io);
      };
      return {
        tier: name,
        get codeSize() {
          return own().codeSize;
        },
        run: (opts = {}, io = {}): RunResult => runWithStats(opts, io).result,
        runWithStats,
        code: () => own().code(),
        listing: () => own().listing(),
        free() {
          inner?.free();
          inner = null;
          twin?.code.free();
          twin = null;
        },
        [Symbol.dispose]() {
          this.free();
        },
      };
    },
  };
}
// #endregion with-fuel

// #region fueled-tiers
/** What a twin does to each piece's LIR: nothing (chapter 8's), chapter 9's passes, or the fast tier's. */
export type TwinPasses = ((lir: Lir) => Lir) | null;

/** Chapter 9's passes, as the optimizing JIT runs them. */
const optPasses: TwinPasses = (lir) => optimize(lir).lir;

/**
 * A program's LIR for a twin, a piece at a time (chapter 10's parts: its pieces, and the edges of a
 * loop too big for one): each piece lowered at any depth, then given to `passes`, each piece after
 * the first beginning midway. A program nested deeper than the passes take gets none, as the tiers'
 * own code does (tooDeepToOptimize): the twin runs what the tier runs. The twin's compile then holds
 * one piece's LIR at a time, as the fast tier's does: the pieces before the one being lowered to code
 * are garbage, and are collected as the pass manager collects a pass's input (collect.ts).
 */
function* twinPieces(program: Program, passes: TwinPasses): Generator<Lir | LoopEdge> {
  const run = tooDeepToOptimize(program) === null ? passes : null;
  let index = 0;
  for (const piece of partsOf(program)) {
    if ("edge" in piece) {
      index++;
      yield piece; // a loop too big for one piece: its tests are loop tests too, and spend fuel
      continue;
    }
    const lowered = lowerPiece(piece, index++, { maxNesting: Infinity });
    yield run === null ? lowered : run(lowered);
    collectIfGrown(); // the pieces before this one
  }
}

/**
 * The LIR a twin runs, as one program: its pieces in order, each loop too big for one piece made a
 * loop again around its parts. Its loop tests are the twin's, one for one, so this is what a fueled
 * run is compared with (interpretLir on it stops where the twin does).
 */
export function twinLir(program: Program, passes: TwinPasses): Lir {
  const open: { readonly outer: Op[]; readonly edge: LoopEdge }[] = [];
  let ops: Op[] = [];
  let lines = program.lines;
  for (const part of twinPieces(program, passes)) {
    lines = part.lines;
    if (!("edge" in part)) for (const op of part.ops) ops.push(op);
    else if (part.edge === "open") {
      open.push({ outer: ops, edge: part });
      ops = [];
    } else {
      const { outer, edge } = open.pop()!;
      outer.push({ kind: "loop", off: 0, body: ops, pos: edge.pos, end: edge.end });
      ops = outer;
    }
  }
  return { ops, lines };
}

/** Each native tier with fuel: the same code generator, with Fuel at its hook. */
export const fueledTemplateJit: NativeTier = withFuel(templateJit, (program, a, fuel) => templateCode(program, a, fuel));
export const fueledLirJit: NativeTier = withFuel(lirJit, (program, a, fuel) => lirCode(twinPieces(program, null), "lir", a, fuel));
/**
 * The twin of a tier with passes: chapter 9's lowering of its LIR; for a program too deep for the
 * passes, chapter 8's code, as the tier's own code is then (chapter 9's lowering recurses too).
 */
function optimizedTwin(passes: TwinPasses, name: string): FueledCode {
  return (program, a, fuel) =>
    tooDeepToOptimize(program) === null ? optimizedCode(twinPieces(program, passes), name, a, fuel) : lirCode(twinPieces(program, null), name, a, fuel);
}
export const fueledOptJit: NativeTier = withFuel(optJit, optimizedTwin(optPasses, "opt"));
/**
 * Chapter 10's tiers: their register loops and vector scans have no loop tests to hook, so their
 * twin is chapter 9's lowering of the fast tier's own LIR, whose every loop test spends a unit.
 */
const fastTwin: FueledCode = optimizedTwin(fastOptimize, "fast");
export const fueledFastJit: NativeTier = withFuel(fastJit, fastTwin);
export const fueledFastSse2Jit: NativeTier = withFuel(fastSse2Jit, fastTwin);

/** The passes of each kind of twin, by the LIR its fuel counts: what twinLir is given for it. */
export const TWIN_PASSES: Readonly<Record<"lir" | "opt" | "fast", TwinPasses>> = { lir: null, opt: optPasses, fast: fastOptimize };

/**
 * The tiered JIT, under limits. Its interpreter counts no loop tests, and its compiled loops are
 * optimized units whose loop tests are not the program's; so its twin does not tier at all: it is the
 * baseline code of chapter 8 with fuel, which stops exactly where interpretLir does.
 */
export function limitedTiered(tiered: NativeTier): NativeTier {
  return withFuel(tiered, (program, a, fuel) => lirCode(twinPieces(program, null), tiered.name, a, fuel));
}
// #endregion fueled-tiers


// #region fallback
/**
 * A tier that hands what it refuses to another: the LIR tiers refuse programs nested deeper than
 * `maxNesting` (their passes recurse once per level), and the template JIT, which does not recurse,
 * compiles them instead. The result says which tier ran, so nothing is hidden.
 */
export function withFallback(tier: NativeTier, fallback: NativeTier): NativeTier {
  return {
    name: tier.name,
    compile(program: Program): CompiledProgram {
      try {
        return tier.compile(program);
      } catch (e) {
        if (!(e instanceof LirNestingError)) throw e;
        return fallback.compile(program);
      }
    },
  };
}
// #endregion fallback

// #region tiers
/** The native tiers, each taking limits and any program. */
export const HOSTILE_TIERS = {
  template: fueledTemplateJit,
  lir: withFallback(fueledLirJit, fueledTemplateJit),
  opt: withFallback(fueledOptJit, fueledTemplateJit),
  tiered: withFallback(limitedTiered(tieredJit), fueledTemplateJit),
} as const satisfies Record<string, NativeTier>;

export type HostileTierName = keyof typeof HOSTILE_TIERS;

/** What the differential tests run for "tiered": nearly every loop goes native part-way through. */
export const eagerHostileTiered: NativeTier = withFallback(limitedTiered(eagerTieredJit), fueledTemplateJit);
// #endregion tiers
