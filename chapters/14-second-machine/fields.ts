// Every A64 instruction is one 32-bit word made of fields at fixed positions. These helpers check a
// value against its field's width before it goes in, so that a number too big never spills into the
// neighbouring field: the word would still be an instruction, just a different one.
import { Reject } from "./errors.ts";
import type { Reg, RegSize } from "./registers.ts";

/** Whether `n` is a whole number that fits `bits` bits unsigned. */
export function fitsUnsigned(n: number, bits: number): boolean {
  return Number.isInteger(n) && n >= 0 && n < 2 ** bits;
}

/** Whether `n` is a whole number that fits `bits` bits two's complement. */
export function fitsSigned(n: number, bits: number): boolean {
  return Number.isInteger(n) && n >= -(2 ** (bits - 1)) && n < 2 ** (bits - 1);
}

/** `n` in two's complement, cut to its field's `bits` (already checked to fit). */
export function signedField(n: number, bits: number): number {
  return n & ((1 << bits) - 1);
}

// #region register-31
/**
 * The five bits of `r` for an operand position where register 31 is `means`. sp where the position
 * means xzr (or the reverse) is refused: the word would silently use the other one.
 */
export function regField(r: Reg, means: "sp" | "zr", operand: string): number {
  if (r.role !== "general" && r.role !== means) {
    const other = means === "sp" ? (r.size === 64 ? "sp" : "wsp") : r.size === 64 ? "xzr" : "wzr";
    throw new Reject(
      `${r.name} is not allowed as the ${operand}: there register 31 is ${other}, not ${r.name}` +
        (r.role === "zr"
          ? " (put zero in a register first, or use a form whose register 31 is xzr)"
          : operand === "destination"
            ? ` (write the result to another register, then mov ${r.name}, x9)`
            : ` (copy it into a register first: mov x9, ${r.name})`),
    );
  }
  return r.id;
}
// #endregion register-31

// #region same-size
/** The size all of `regs` share, which sets sf; a w register next to an x one is refused. */
export function sameSize(...regs: readonly Reg[]): RegSize {
  const size = regs[0]!.size;
  const odd = regs.find((r) => r.size !== size);
  if (odd) {
    throw new Reject(
      `mixes 64-bit (x) and 32-bit (w) registers (${regs.map((r) => r.name).join(", ")}): the instruction works at one width, ` +
        `set by its sf bit; write them all as x or all as w`,
    );
  }
  return size;
}
// #endregion same-size

/** sf: bit 31 of a data-processing word, 1 for 64-bit operations. */
export const sf = (size: RegSize): number => (size === 64 ? 1 << 31 : 0);
