// The fast tier: chapter 9's passes, then this chapter's lowering, on chapter 7's runtime.
import { Asm } from "../05-control-flow/labels.ts";
import type { Program } from "../06-interpreter/parser.ts";
import { gnuListing } from "../07-template-jit/listing.ts";
import { NativeProgram, type GeneratedCode } from "../07-template-jit/runtime.ts";
import type { NativeTier } from "../07-template-jit/tier.ts";
import { loadLir } from "../08-lir/lir-jit.ts";
import type { LoopEdge } from "../08-lir/codegen-x86.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { libcScanIo } from "../09-optimizer/libc-scan.ts";
import { optimize, tooDeepToOptimize, type LirSource, type OptimizeOptions } from "../09-optimizer/optimize.ts";
import { knownChecks } from "./known-checks.ts";
import { linearLoops } from "./linear-loops.ts";
import { detectSimd } from "./cpu.ts";
import { fastToX86, type FastCode, type FastOptions, type Simd } from "./fast-lowering.ts";
import { PIECE, lowerPiece, partsOf } from "./pieces.ts";

// #region tier
/** Chapter 9's passes, then this chapter's two: the LIR the fast tier compiles. */
export function fastOptimize(lowered: LirSource, { collect = true }: Pick<OptimizeOptions, "collect"> = {}): Lir {
  return knownChecks(linearLoops(optimize(lowered, { stats: false, collect }).lir));
}

/**
 * What the fast tier compiles: optimized LIR, or a function that makes a program's optimized LIR in
 * parts (fastPieces), afresh at each call.
 */
export type FastSource = Lir | (() => Iterable<Lir | LoopEdge>);

/**
 * The fast tier's choices; the vector width is the CPU's best unless `simd` says otherwise. A
 * listing is kept when `listing` is true (the default for fastCode, which is for looking at code).
 * `piece`: how many commands a piece of a program has before it is cut (PIECE unless told).
 */
export type FastJitOptions = Partial<FastOptions> & { readonly listing?: boolean; readonly piece?: number };

/** The machine code of optimized LIR (or of its parts), for this CPU (or the `simd` asked for). */
export function fastCode(lir: FastSource, options: FastJitOptions = {}): FastCode {
  const simd: Simd = options.simd ?? detectSimd();
  return fastToX86(typeof lir === "function" ? lir() : lir, libcScanIo(), { ...options, simd }, new Asm({ listing: options.listing ?? true }));
}

/**
 * What the runtime loads. Code compiled to run keeps no listing (it would hold every instruction's
 * operands): when someone asks for one, the same LIR is compiled again with one, to the same bytes.
 */
function generated(lir: FastSource, code: FastCode, options: FastJitOptions): GeneratedCode {
  const { asm, sites } = code;
  const listing = () => gnuListing(options.listing === false ? fastCode(lir, { ...options, listing: true }).asm : asm);
  return { tier: "fast", code: asm.finish(), sites, listing };
}

/** Load optimized LIR (or its parts) as a runnable program (without a listing unless `listing` asks for one). */
export function loadFast(lir: FastSource, options: FastJitOptions = {}): { program: NativeProgram; code: FastCode } {
  const compile = { listing: false, ...options, simd: options.simd ?? detectSimd() };
  const code = fastCode(lir, compile);
  return { program: NativeProgram.load(generated(lir, code, compile)), code };
}

/** loadFast, and where the code went (what a perf map needs). */
export function loadFastLocated(lir: FastSource, options: FastJitOptions = {}): { program: NativeProgram; code: FastCode; address: number } {
  const { program, code } = loadFast(lir, options);
  return { program, code, address: program.address };
}

export function fastTier(options: FastJitOptions = {}): NativeTier {
  return {
    name: "fast",
    // Too deep for the passes: chapter 8's code, unoptimized (tooDeepToOptimize).
    compile: (program: Program) =>
      tooDeepToOptimize(program) === null
        ? loadFast(() => fastPieces(program, options.piece), options).program
        : loadLir(() => lower(program, { maxNesting: Infinity }), "fast"),
  };
}

/** The fast tier, with AVX2 scans when the CPU has them. */
export const fastJit: NativeTier = fastTier();
/** The same with SSE2 scans on any CPU: how the tests reach the SSE2 path on an AVX2 machine. */
export const fastSse2Jit: NativeTier = fastTier({ simd: "sse2" });
// #endregion tier

// #region pieces
/** How long a program's pieces took to lower and to optimize, so far (fastPieces adds to it). */
export interface PieceTimes {
  lowerMs: number;
  optimizeMs: number;
}

/**
 * The LIR the fast tier compiles, a part of the program at a time (pieces.ts): each piece is lowered
 * and optimized when the code generator asks for it, once the part before is lowered to code; the
 * edges of a loop too big for one piece go to the code generator as they are.
 */
export function* fastPieces(program: Program, size = PIECE, times?: PieceTimes): Generator<Lir | LoopEdge> {
  let index = 0; // the parts so far: only the first begins at the program's start
  for (const piece of partsOf(program, size)) {
    if ("edge" in piece) {
      index++;
      yield piece;
      continue;
    }
    let started = performance.now();
    const lir = fastOptimize(() => {
      const lowered = lowerPiece(piece, index++); // made inside: the passes hold the only reference (LirSource)
      const now = performance.now();
      if (times) times.lowerMs += now - started;
      started = now;
      return lowered;
    }, { collect: false }); // a piece is small: its passes' garbage is the engine's own collections' to take
    if (times) times.optimizeMs += performance.now() - started;
    yield lir;
  }
}

// #endregion pieces
