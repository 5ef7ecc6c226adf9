// The second backend as a native tier: lower, run chapter 9's passes (unless asked not to), generate
// A64 with the rule table, and hand the code to chapter 7's runtime, which loads and runs it as it
// runs the x86-64 code: the same context block, statuses, site table and RunResult.
import { bunFFI } from "../01-pages/ffi.ts";
import { pageSize } from "../01-pages/pages.ts";
import type { Program } from "../06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../06-interpreter/semantics.ts";
import type { IoImports } from "../07-template-jit/context.ts";
import type { RunMemory } from "../07-template-jit/run-memory.ts";
import { NativeProgram, PLAIN_RUN, libcIo, type GeneratedCode, type RunExtension } from "../07-template-jit/runtime.ts";
import type { CompiledProgram, NativeTier, RunIO, RunStats } from "../07-template-jit/tier.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { optimize, tooDeepToOptimize } from "../09-optimizer/optimize.ts";
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
  const lir = lower(program, { maxNesting: Infinity });
  return opt && tooDeepToOptimize(lir) === null ? optimize(lir).lir : lir;
}
// #endregion code

// #region tier
/** A loaded A64 program: chapter 7's NativeProgram, run with A64_RUN. */
export class A64Program implements CompiledProgram {
  readonly tier: string;
  readonly codeSize: number;
  readonly #native: NativeProgram;

  constructor(generated: GeneratedCode) {
    this.#native = NativeProgram.load(generated);
    this.tier = this.#native.tier;
    this.codeSize = this.#native.codeSize;
  }

  run(opts?: RunOptions, io?: RunIO): RunResult {
    return this.runWithStats(opts, io).result;
  }

  runWithStats(opts: RunOptions = {}, io: RunIO = {}): { result: RunResult; stats: RunStats } {
    return this.#native.runWithStats(opts, io, A64_RUN);
  }

  code(): Uint8Array {
    return this.#native.code();
  }

  listing(): string {
    return this.#native.listing();
  }

  free(): void {
    this.#native.free();
  }

  [Symbol.dispose](): void {
    this.#native[Symbol.dispose]();
  }
}

export function a64Tier(opt = true): NativeTier {
  const name = opt ? "a64" : "a64-lir";
  return { name, compile: (program: Program) => new A64Program(a64Code(a64Lir(program, opt), name)) };
}

export const a64Jit: NativeTier = a64Tier();
// #endregion tier

// #region touched
let mincore: ((addr: number, length: number, vec: number) => number) | undefined;

/**
 * A plain run, except for one thing. After a growing tape's run, chapter 7's RunMemory asks mincore(2)
 * which pages the program touched, through bun:ffi opened for x86-64 hosts only, though mincore is
 * the kernel's and not machine code. Here the memory answers with the same question asked as a Linux
 * one: the same pages, the same cells.
 */
export const A64_RUN: RunExtension = {
  ...PLAIN_RUN,
  start: (memory) => {
    memory.touchedCells = () => touchedCells(memory);
  },
};

function touchedCells(memory: RunMemory): number {
  const page = pageSize();
  const first = Math.floor(memory.tapeAddress / page) * page;
  const pages = Math.ceil((memory.tapeAddress + memory.tape.length - first) / page);
  const resident = new Uint8Array(pages);
  const ffi = bunFFI("Chapter 15 (the touched part of a tape)", "linux");
  mincore ??= ffi.dlopen("libc.so.6", { mincore: { args: ["ptr", "usize", "ptr"], returns: "i32" } }).symbols.mincore;
  if (mincore(first, pages * page, ffi.ptr(resident)) !== 0) return memory.tape.length;
  let last = pages - 1;
  while (last >= 0 && (resident[last]! & 1) === 0) last--;
  return Math.max(0, Math.min(memory.tape.length, first + (last + 1) * page - memory.tapeAddress));
}
// #endregion touched
