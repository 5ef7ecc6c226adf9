// The fast tier: chapter 9's passes, then this chapter's lowering, on chapter 7's runtime.
import type { Program } from "../06-interpreter/parser.ts";
import { gnuListing } from "../07-template-jit/listing.ts";
import { NativeProgram, type GeneratedCode } from "../07-template-jit/runtime.ts";
import type { NativeTier } from "../07-template-jit/tier.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { libcScanIo } from "../09-optimizer/libc-scan.ts";
import { optimize } from "../09-optimizer/optimize.ts";
import { linearLoops } from "./linear-loops.ts";
import { detectSimd } from "./cpu.ts";
import { fastToX86, type FastCode, type FastOptions, type Simd } from "./fast-lowering.ts";

// #region tier
/** Chapter 9's passes, then this chapter's one: the LIR the fast tier compiles. */
export function fastOptimize(lowered: Lir): Lir {
  return linearLoops(optimize(lowered).lir);
}

/** The fast tier's choices; the vector width is the CPU's best unless `simd` says otherwise. */
export type FastJitOptions = Partial<FastOptions>;

/** The machine code of optimized LIR, for this CPU (or the `simd` asked for). */
export function fastCode(lir: Lir, options: FastJitOptions = {}): FastCode {
  const simd: Simd = options.simd ?? detectSimd();
  return fastToX86(lir, libcScanIo(), { ...options, simd });
}

/** What the runtime loads. */
function generated(code: FastCode): GeneratedCode {
  const { asm, sites } = code;
  return { tier: "fast", code: asm.finish(), sites, listing: () => gnuListing(asm) };
}

/** Load optimized LIR as a runnable program. */
export function loadFast(lir: Lir, options: FastJitOptions = {}): { program: NativeProgram; code: FastCode } {
  const code = fastCode(lir, options);
  return { program: NativeProgram.load(generated(code)), code };
}

/** loadFast, and where the code went (what a perf map needs). */
export function loadFastLocated(lir: Lir, options: FastJitOptions = {}): { program: NativeProgram; code: FastCode; address: number } {
  const { program, code } = loadFast(lir, options);
  return { program, code, address: program.address };
}

export function fastTier(options: FastJitOptions = {}): NativeTier {
  return { name: "fast", compile: (program: Program) => loadFast(fastOptimize(lower(program)), options).program };
}

/** The fast tier, with AVX2 scans when the CPU has them. */
export const fastJit: NativeTier = fastTier();
/** The same with SSE2 scans on any CPU: how the tests reach the SSE2 path on an AVX2 machine. */
export const fastSse2Jit: NativeTier = fastTier({ simd: "sse2" });
// #endregion tier
