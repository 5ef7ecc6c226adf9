// Memory operands and immediates. A memory operand is data too: base, index, scale, displacement
// and the size of what it points at. It is checked when an instruction uses it, so that the error
// can quote the whole instruction.
import type { Gpr, Reg, Rip } from "./registers.ts";

/** The size in bits of what a memory operand points at; 0 when the other operands must tell. */
export type MemSize = 0 | 8 | 16 | 32 | 64 | 128 | 256;
export type Scale = 1 | 2 | 4 | 8;
/** A displacement or immediate: a number, or a bigint where a number would lose precision. */
export type Num = number | bigint;

// #region mem
/** `[base + index*scale + disp]`, or `[rip + disp]`, or an absolute `[disp]`. */
export interface Mem {
  readonly kind: "mem";
  readonly size: MemSize;
  readonly base: Gpr | Rip | null;
  readonly index: Gpr | null;
  readonly scale: number;
  readonly disp: Num;
  /** Always encode a 32-bit displacement, even when 8 bits (or none) would do: a patchable site. */
  readonly disp32: boolean;
}

/** The ways to write an address; the sized helpers below (`qword(...)`) take the same arguments. */
export type Address =
  | [address: Num] //                                              [0x1000]
  | [base: Gpr<64> | Rip, disp?: Num] //                           [rbx+16], [rip+64]
  | [base: Gpr<64> | null, index: Gpr<64> | null | undefined, scale?: Scale, disp?: Num]; // [rbx+rcx*8+16], [rcx*8]
// #endregion mem

// The helpers take the arguments one by one rather than as a rest array: a code generator makes
// one for nearly every instruction, and an array each time is work for the garbage collector.
type Helper = (...a: Address) => Mem;

function sized(size: MemSize): Helper {
  return (a: Num | Gpr | Rip | null, b?: Num | Gpr | null, c?: number, d?: Num): Mem => {
    if (typeof a === "number" || typeof a === "bigint") return { kind: "mem", size, base: null, index: null, scale: 1, disp: a, disp32: false };
    // Base, index, scale, disp, even when the index is null: qword(rbx, null, 1, 8) is [rbx+8].
    if ((b !== undefined && typeof b === "object") || c !== undefined || d !== undefined) {
      return { kind: "mem", size, base: a, index: (b ?? null) as Gpr | null, scale: c ?? 1, disp: d ?? 0, disp32: false };
    }
    return { kind: "mem", size, base: a, index: null, scale: 1, disp: b ?? 0, disp32: false };
  };
}

/** A memory operand whose size comes from the other operand: `lea(rax, mem(rbx, 8))`. */
export const mem = sized(0);
export const byte = sized(8);
export const word = sized(16);
export const dword = sized(32);
export const qword = sized(64);
export const xmmword = sized(128);
export const ymmword = sized(256);

/** The same operand with a 32-bit displacement forced (GNU as spells this `{disp32}`). */
export function disp32(m: Mem): Mem {
  return { ...m, disp32: true };
}

// #region imm
/** An immediate that must keep its full width: no sign-extended imm8 form, no shift-by-1 form. */
export interface LongImm {
  readonly kind: "imm";
  readonly value: Num;
}
export type Imm = Num | LongImm;

export const longImm = (value: Num): LongImm => ({ kind: "imm", value });
// #endregion imm

export type Operand = Reg | Mem | Imm;

export const isMem = (op: Operand): op is Mem => typeof op === "object" && op.kind === "mem";
export const isImm = (op: Operand): op is Imm => typeof op !== "object" || op.kind === "imm";
export const immValue = (op: Imm): Num => (typeof op === "object" ? op.value : op);
