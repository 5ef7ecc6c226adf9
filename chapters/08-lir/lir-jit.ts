// The LIR JIT as a native tier: lower the program (no optimization at all), generate x86-64 from
// the LIR, and hand the code to chapter 7's runtime, which loads it and runs it.
import type { Program } from "../06-interpreter/parser.ts";
import { gnuListing } from "../07-template-jit/listing.ts";
import { NativeProgram, libcIo, type GeneratedCode } from "../07-template-jit/runtime.ts";
import type { NativeTier } from "../07-template-jit/tier.ts";
import { lirToX86 } from "./codegen-x86.ts";
import type { Lir } from "./lir.ts";
import { lower } from "./lower.ts";

// #region tier
/** Load the machine code of `lir` as a runnable program of the tier named `tier`. */
export function loadLir(lir: Lir, tier: string): NativeProgram {
  return NativeProgram.load(lirCode(lir, tier));
}

/** The code of `lir`; with fuel compiled in (chapter 12) when a run asks for limits. */
export function lirCode(lir: Lir, tier: string, fuel = false): GeneratedCode {
  const { asm, sites, fuelSites } = lirToX86(lir, libcIo(), { fuel });
  const code = { tier, code: asm.finish(), sites, listing: () => gnuListing(asm) };
  return fuelSites ? { ...code, fuelSites } : { ...code, fueled: () => lirCode(lir, tier, true) };
}

export const lirJit: NativeTier = {
  name: "lir",
  compile: (program: Program) => loadLir(lower(program), "lir"),
};
// #endregion tier
