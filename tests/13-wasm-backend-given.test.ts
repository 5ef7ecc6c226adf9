// Chapter 13, what the workbook gives the reader: the instruction table and its decoder, the
// verifier's check before lowering, and the memory's limit.
import { describe, expect, test } from "bun:test";
import { instructionAt, INSTRUCTIONS } from "../chapters/13-wasm-backend/instructions.ts";
import { LirVerifyError } from "../chapters/08-lir/errors.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { borrowMemory, pooledMemories, returnMemory, WasmMemoryError } from "../chapters/13-wasm-backend/memory-pool.ts";
import { WasmProgram } from "../chapters/13-wasm-backend/wasm-program.ts";

describe("function bodies", () => {
  test("the instruction table has one name per opcode, and the decoder finds each", () => {
    for (const [name, { code }] of Object.entries(INSTRUCTIONS)) expect(instructionAt(code)).toBe(name as keyof typeof INSTRUCTIONS);
    expect(instructionAt(0xfd)).toBeUndefined();
  });
});

describe("the module's interface with its host", () => {
  test("the LIR must verify: the module checks bounds only where the LIR says", () => {
    expect(() => new WasmProgram(parseLir("add [1] 1"))).toThrow(LirVerifyError);
  });
});

describe("memory", () => {
  test("more memory than WebAssembly has (65,536 pages of 64 KiB) is an error that says what to do", () => {
    const held = Array.from({ length: pooledMemories() }, () => borrowMemory(1)); // empty the pool
    expect(() => borrowMemory(70_000)).toThrow(WasmMemoryError); // a new memory
    returnMemory(borrowMemory(1));
    expect(() => borrowMemory(70_000)).toThrow("give the program a shorter tape (--tape N, or the tapeSize option)"); // a pooled one, grown
    for (const m of held) returnMemory(m);
  });
});
