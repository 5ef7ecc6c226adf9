// The WebAssembly backend as a tier, the way the book's other tiers are used: from a parsed
// Brainfuck program, through chapter 8's lowering and chapter 9's optimizer, to a program that runs.
import type { Program } from "../06-interpreter/parser.ts";
import { lower } from "../08-lir/lower.ts";
import { optimize } from "../09-optimizer/optimize.ts";
import "../09-optimizer/collect-bun.ts"; // the collections between passes, in Bun
import { WasmProgram } from "./wasm-program.ts";

// #region tier
export interface WasmTierOptions {
  /** Run chapter 9's default pipeline first (default true); false compiles the lowered LIR as is. */
  readonly optimize?: boolean;
}

export function compileToWasm(program: Program, opts: WasmTierOptions = {}): WasmProgram {
  const lowered = lower(program);
  return new WasmProgram(opts.optimize === false ? lowered : optimize(lowered).lir);
}

export const wasmTier = { name: "wasm", compile: (program: Program): WasmProgram => compileToWasm(program) } as const;
// #endregion
