// The template JIT as a native tier: generate the code (generate.ts) with libc's real write and
// read, and hand it to the runtime, which loads it and runs it.
import type { Program } from "../06-interpreter/parser.ts";
import { generate } from "./generate.ts";
import { gnuListing } from "./listing.ts";
import { NativeProgram, libcIo, type GeneratedCode } from "./runtime.ts";
import type { NativeTier } from "./tier.ts";

// #region tier
export const templateJit: NativeTier = {
  name: "template",
  compile(program: Program): NativeProgram {
    const { asm, sites } = generate(program, libcIo());
    return NativeProgram.load({ tier: "template", code: asm.finish(), sites, listing: () => gnuListing(asm) });
  },
};
// #endregion tier

// #region fueled-tier
/**
 * Chapter 12's template JIT: the same code, and when a run asks for limits (maxSteps, timeoutMs),
 * the program compiled again with fuel, one unit per test of a `[` or a `]`.
 */
export const fueledTemplateJit: NativeTier = {
  name: "template",
  compile: (program: Program): NativeProgram => NativeProgram.load(templateCode(program)),
};

export function templateCode(program: Program, fuel = false): GeneratedCode {
  const { asm, sites, fuelSites } = generate(program, libcIo(), undefined, { fuel });
  const code = { tier: "template", code: asm.finish(), sites, listing: () => gnuListing(asm) };
  return fuelSites ? { ...code, fuelSites } : { ...code, fueled: () => templateCode(program, true) };
}
// #endregion fueled-tier
