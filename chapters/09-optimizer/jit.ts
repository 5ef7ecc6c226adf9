// The optimizing JIT as a native tier: lower, run the passes, generate x86-64 with the optimizing
// lowering, and hand the code to chapter 7's runtime.
import { Asm } from "../05-control-flow/labels.ts";
import type { Program } from "../06-interpreter/parser.ts";
import type { GeneratorHooks } from "../07-template-jit/generate.ts";
import { gnuListing } from "../07-template-jit/listing.ts";
import { NativeProgram, type GeneratedCode } from "../07-template-jit/runtime.ts";
import type { NativeTier } from "../07-template-jit/tier.ts";
import { loadLir } from "../08-lir/lir-jit.ts";
import type { LoopEdge } from "../08-lir/codegen-x86.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { OptLowering } from "./codegen-opt.ts";
import { libcScanIo } from "./libc-scan.ts";
import { DEFAULT_PIPELINE, optimize, tooDeepToOptimize } from "./optimize.ts";
import "./collect-bun.ts"; // the collections between passes, in Bun

// #region tier
/**
 * Load optimized LIR as a runnable program. Code compiled to run keeps no listing (it would hold every
 * instruction's operands): when someone asks for one, the same LIR is compiled again with one. Given
 * a function that makes the LIR, the program keeps the function, not the LIR (as chapter 8's loadLir).
 */
export function loadOptimized(lir: Lir | (() => Lir), tier = "opt"): NativeProgram {
  const made = () => (typeof lir === "function" ? lir() : lir);
  const code = optimizedCode(made(), tier, new Asm({ listing: false }));
  return NativeProgram.load({ ...code, listing: () => optimizedCode(made(), tier).listing() });
}

/** The code of optimized LIR (or of a program's, in parts) as the runtime loads it; `hooks`, if any, add code at its loop tests. */
export function optimizedCode(lir: Lir | Iterable<Lir | LoopEdge>, tier: string, a: Asm = new Asm(), hooks?: GeneratorHooks): GeneratedCode {
  const { sites } = new OptLowering(libcScanIo(), a).generate(lir, hooks);
  return { tier, code: a.finish(), sites, listing: () => gnuListing(a) };
}

/**
 * The optimizing JIT with the given passes (all of them, in the default order, by default). A program
 * nested too deep for the passes (tooDeepToOptimize) gets the LIR JIT's code instead.
 */
export function optimizingJit(passes: readonly string[] = DEFAULT_PIPELINE): NativeTier {
  return {
    name: "opt",
    compile: (program: Program) =>
      tooDeepToOptimize(program) === null
        ? loadOptimized(() => optimize(() => lower(program), { passes, stats: false }).lir) // functions: nothing holds the LIR once its code is made
        : loadLir(() => lower(program, { maxNesting: Infinity }), "opt"),
  };
}

export const optJit: NativeTier = optimizingJit();
// #endregion tier
