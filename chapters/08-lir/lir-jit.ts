// The LIR JIT as a native tier: lower the program (no optimization at all), generate x86-64 from
// the LIR, and hand the code to chapter 7's runtime, which loads it and runs it.
import { Asm } from "../05-control-flow/labels.ts";
import type { Program } from "../06-interpreter/parser.ts";
import type { GeneratorHooks } from "../07-template-jit/generate.ts";
import { gnuListing } from "../07-template-jit/listing.ts";
import { NativeProgram, libcIo, type GeneratedCode } from "../07-template-jit/runtime.ts";
import type { NativeTier } from "../07-template-jit/tier.ts";
import { X86Lowering, type LoopEdge } from "./codegen-x86.ts";
import type { Lir } from "./lir.ts";
import { lower } from "./lower.ts";

// #region tier
/**
 * Load the machine code of `lir` as a runnable program of the tier named `tier`. Code compiled to run
 * keeps no listing (it would hold every instruction's operands): a listing asked for compiles again.
 * Given a function that makes the LIR rather than the LIR, the program keeps the function, not the
 * LIR, for a listing nobody may ask for: a big program's LIR is garbage once its code is made.
 */
export function loadLir(lir: Lir | (() => Lir), tier: string): NativeProgram {
  const made = () => (typeof lir === "function" ? lir() : lir);
  const code = lirCode(made(), tier, new Asm({ listing: false }));
  return NativeProgram.load({ ...code, listing: () => lirCode(made(), tier).listing() });
}

/** The code of `lir` (or of a program's LIR in parts) as the runtime loads it; `hooks`, if any, add code at its loop tests. */
export function lirCode(lir: Lir | Iterable<Lir | LoopEdge>, tier: string, a: Asm = new Asm(), hooks?: GeneratorHooks): GeneratedCode {
  const { sites } = new X86Lowering(libcIo(), a).generate(lir, hooks);
  return { tier, code: a.finish(), sites, listing: () => gnuListing(a) };
}

export const lirJit: NativeTier = {
  name: "lir",
  compile: (program: Program) => loadLir(() => lower(program, { maxNesting: Infinity }), "lir"), // its stages take any depth
};
// #endregion tier
