// Every tier of the book, made safe to hand a hostile program: each one takes a step limit and a
// time limit, and none refuses a program for its shape. The JITs of chapters 7 to 9 compile fuel in
// when a run asks for limits (fuel.ts of chapter 7); this file adds what is left: the tiered JIT
// under limits, and a fallback for programs nested deeper than the LIR's passes can recurse.
import type { Program } from "../06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../06-interpreter/semantics.ts";
import { NativeProgram, limitsOf } from "../07-template-jit/runtime.ts";
import { fueledTemplateJit } from "../07-template-jit/template-jit.ts";
import type { CompiledProgram, NativeTier, RunIO, RunStats } from "../07-template-jit/tier.ts";
import { LirNestingError } from "../08-lir/errors.ts";
import { lirCode, lirJit } from "../08-lir/lir-jit.ts";
import { lower } from "../08-lir/lower.ts";
import { optJit } from "../09-optimizer/jit.ts";
import { eagerTieredJit, tieredJit } from "../11-tiering/tiered-jit.ts";

// #region limited-tiered
/**
 * The tiered JIT, under limits. Its interpreter counts no fuel, and its compiled loops are optimized
 * units whose loop tests are not the program's; so a run with limits does not tier: it runs the
 * baseline code of chapter 8 compiled with fuel, which stops exactly where interpretLir does.
 */
export function limitedTiered(tiered: NativeTier): NativeTier {
  return {
    name: tiered.name,
    compile(program: Program): CompiledProgram {
      const inner = tiered.compile(program);
      let fueled: NativeProgram | null = null;
      const pick = (opts: RunOptions, io: RunIO): CompiledProgram => {
        if (limitsOf(opts, io) === null) return inner;
        fueled ??= NativeProgram.load(lirCode(lower(program), tiered.name, true));
        return fueled;
      };
      return {
        tier: inner.tier,
        get codeSize() {
          return inner.codeSize;
        },
        run: (opts = {}, io = {}): RunResult => pick(opts, io).run(opts, io),
        runWithStats: (opts = {}, io = {}): { result: RunResult; stats: RunStats } => pick(opts, io).runWithStats(opts, io),
        code: () => inner.code(),
        listing: () => inner.listing(),
        free() {
          inner.free();
          fueled?.free();
          fueled = null;
        },
        [Symbol.dispose]() {
          this.free();
        },
      };
    },
  };
}
// #endregion limited-tiered

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
  lir: withFallback(lirJit, fueledTemplateJit),
  opt: withFallback(optJit, fueledTemplateJit),
  tiered: withFallback(limitedTiered(tieredJit), fueledTemplateJit),
} as const satisfies Record<string, NativeTier>;

export type HostileTierName = keyof typeof HOSTILE_TIERS;

/** What the differential tests run for "tiered": nearly every loop goes native part-way through. */
export const eagerHostileTiered: NativeTier = withFallback(limitedTiered(eagerTieredJit), fueledTemplateJit);
// #endregion tiers
