// The template JIT as a native tier: generate the code (generate.ts) with libc's real write and
// read, and hand it to the runtime, which loads it and runs it.
import { Asm } from "../05-control-flow/labels.ts";
import type { Program } from "../06-interpreter/parser.ts";
import { generate, type GeneratorHooks } from "./generate.ts";
import { gnuListing } from "./listing.ts";
import { NativeProgram, libcIo, type GeneratedCode } from "./runtime.ts";
import type { NativeTier } from "./tier.ts";

// #region tier
export const templateJit: NativeTier = {
  name: "template",
  // Code compiled to run keeps no listing (it would hold every instruction's operands): a listing
  // asked for generates the code again, to the same bytes.
  compile: (program: Program): NativeProgram =>
    NativeProgram.load({ ...templateCode(program, new Asm({ listing: false })), listing: () => templateCode(program).listing() }),
};

/** The code of `program` as the runtime loads it; `hooks`, if any, add code at its loop tests. */
export function templateCode(program: Program, a: Asm = new Asm(), hooks?: GeneratorHooks): GeneratedCode {
  const { sites } = generate(program, libcIo(), a, hooks);
  return { tier: "template", code: a.finish(), sites, listing: () => gnuListing(a) };
}
// #endregion tier
