// The template JIT as a native tier: generate the code (generate.ts) with libc's real write and
// read, and hand it to the runtime, which loads it and runs it.
import type { Program } from "../06-interpreter/parser.ts";
import { generate } from "./generate.ts";
import { gnuListing } from "./listing.ts";
import { NativeProgram, libcIo } from "./runtime.ts";
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
