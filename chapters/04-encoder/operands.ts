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

function address(size: MemSize, args: Address): Mem {
  const [a, b, c, d] = args as readonly unknown[];
  let base: Gpr | Rip | null = null, index: Gpr | null = null, scale: unknown = 1, disp: unknown = 0;
  if (typeof a === "number" || typeof a === "bigint") disp = a;
  // Four arguments are base, index, scale, disp even when the index is null: qword(rbx, null, 1, 8).
  else if (args.length > 2 || (b !== null && typeof b === "object")) [base, index, scale, disp] = [a as Gpr | null, (b ?? null) as Gpr | null, c ?? 1, d ?? 0];
  else [base, disp] = [a as Gpr | Rip, b ?? 0];
  return { kind: "mem", size, base, index, scale: scale as number, disp: disp as Num, disp32: false };
}

/** A memory operand whose size comes from the other operand: `lea(rax, mem(rbx, 8))`. */
export const mem = (...a: Address): Mem => address(0, a);
export const byte = (...a: Address): Mem => address(8, a);
export const word = (...a: Address): Mem => address(16, a);
export const dword = (...a: Address): Mem => address(32, a);
export const qword = (...a: Address): Mem => address(64, a);
export const xmmword = (...a: Address): Mem => address(128, a);
export const ymmword = (...a: Address): Mem => address(256, a);

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
