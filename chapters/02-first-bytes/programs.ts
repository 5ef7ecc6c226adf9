// The chapter's machine code, written by hand: each instruction with the bytes that encode it.
// tests/02-first-bytes.test.ts assembles the same text with GNU as and checks every byte.

export interface Instruction {
  /** Intel syntax, as GNU as (.intel_syntax noprefix) reads it. */
  readonly asm: string;
  readonly bytes: readonly number[];
}

export interface Program {
  readonly name: string;
  /** The C prototype the code implements under the System V calling convention. */
  readonly c: string;
  readonly code: readonly Instruction[];
}

// #region return-42
export const RETURN_42: Program = {
  name: "return42",
  c: "int return42(void)",
  code: [
    { asm: "mov eax, 42", bytes: [0xb8, 0x2a, 0x00, 0x00, 0x00] }, // B8+r: mov r32, imm32 (r = 0, eax)
    { asm: "ret", bytes: [0xc3] },
  ],
};
// #endregion return-42

// #region add-four
export const ADD_FOUR: Program = {
  name: "addFour",
  c: "long addFour(long x)",
  code: [
    { asm: "mov rax, rdi", bytes: [0x48, 0x89, 0xf8] }, // 48: 64-bit operands; 89: move register to register; f8: rax <- rdi
    { asm: "add rax, 4", bytes: [0x48, 0x83, 0xc0, 0x04] }, // 48: 64-bit operands; 83 c0: add to rax an imm8, sign-extended
    { asm: "ret", bytes: [0xc3] },
  ],
};
// #endregion add-four

// #region add
export const ADD: Program = {
  name: "add",
  c: "long add(long a, long b)",
  code: [
    { asm: "mov rax, rdi", bytes: [0x48, 0x89, 0xf8] }, // first argument
    { asm: "add rax, rsi", bytes: [0x48, 0x01, 0xf0] }, // 01: add register to register; f0: rax += rsi
    { asm: "ret", bytes: [0xc3] },
  ],
};
// #endregion add

export const PROGRAMS: readonly Program[] = [RETURN_42, ADD_FOUR, ADD];

/**
 * RETURN_42 with any 32-bit number: the immediate is stored little-endian, low byte first, and the
 * asm reads `mov eax, ${n}` with n in decimal as given (so returnConstant(42) is RETURN_42).
 */
export function returnConstant(n: number): Program {
  const imm = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
  return {
    name: `return${n}`,
    c: `int return${n}(void)`,
    code: [
      { asm: `mov eax, ${n}`, bytes: [0xb8, ...imm] },
      { asm: "ret", bytes: [0xc3] },
    ],
  };
}

/** The program as one run of bytes, ready to copy into a page. */
export function bytesOf(program: Program): number[] {
  return program.code.flatMap((i) => i.bytes);
}

/** "b8 2a 00 00 00": bytes the way disassemblers print them. */
export function hexBytes(bytes: ArrayLike<number>): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
