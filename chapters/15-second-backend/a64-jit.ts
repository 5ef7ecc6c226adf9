// The second backend as a native tier: lower, run chapter 9's passes (unless asked not to), generate
// A64 with the rule table, and hand the code to chapter 7's runtime, which loads and runs it as it
// runs the x86-64 code: the same context block, statuses, site table and RunResult.
import type { Program } from "../06-interpreter/parser.ts";
import type { IoImports } from "../07-template-jit/context.ts";
import { NativeProgram, libcIo, type GeneratedCode } from "../07-template-jit/runtime.ts";
import type { NativeTier } from "../07-template-jit/tier.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { optimize, tooDeepToOptimize } from "../09-optimizer/optimize.ts";
import "../09-optimizer/collect-bun.ts"; // the collections between passes, in Bun
import { lowerToA64, type A64Code } from "./lowering.ts";
import { A64_RULES } from "./rules.ts";

// #region code
/** The A64 code of `lir`, with `imports` as the addresses of write and read. */
export function lirToA64(lir: Lir, imports: IoImports): A64Code {
  return lowerToA64(lir, imports, A64_RULES);
}

/** What chapter 7's NativeProgram.load takes: the words as bytes, the site table, the listing. */
export function a64Code(lir: Lir, tier = "a64"): GeneratedCode {
  const { asm, sites } = lirToA64(lir, libcIo());
  return { tier, code: asm.bytes(), sites, listing: () => asm.text() };
}

/** The LIR a program runs as: lowered, and optimized by chapter 9's passes unless `opt` is false. */
export function a64Lir(program: Program, opt = true): Lir {
  if (opt && tooDeepToOptimize(program) === null) return optimize(() => lower(program)).lir;
  return lower(program, { maxNesting: Infinity });
}
// #endregion code

// #region tier
export function a64Tier(opt = true): NativeTier {
  const name = opt ? "a64" : "a64-lir";
  return { name, compile: (program: Program) => NativeProgram.load(a64Code(a64Lir(program, opt), name)) };
}

export const a64Jit: NativeTier = a64Tier();
// #endregion tier
