// The logical immediate: and, orr, eor and ands take a 64-bit (or 32-bit) constant in 13 bits. Not
// any constant: a pattern. An element of 2, 4, 8, 16, 32 or 64 bits holds a run of ones, rotated
// right by some amount, and the element repeats to fill the register. N:immr:imms says which: the
// element size and the run's length in N:imms, the rotation in immr. 5,334 values of 2^64 qualify.
import { Reject } from "./errors.ts";
import type { RegSize } from "./registers.ts";

export interface Bitmask {
  /** 1 only for a 64-bit element. */
  readonly n: number;
  /** How far right the run of ones is rotated within its element. */
  readonly immr: number;
  /** The element size (as leading ones) and the run's length minus one. */
  readonly imms: number;
}

const mask = (bits: number): bigint => (1n << BigInt(bits)) - 1n;

/** `value` as an unsigned number of `size` bits; a negative one is taken in two's complement. */
export function unsignedOf(value: number | bigint, size: RegSize): bigint {
  if (typeof value === "number" && !Number.isSafeInteger(value)) {
    throw new Reject(`${value} is not a whole number that a double holds exactly: write it as a bigint (${value}n is not exact either; use hex)`);
  }
  const v = BigInt(value);
  if (v < -(1n << BigInt(size - 1)) || v > mask(size)) {
    throw new Reject(`${value} does not fit ${size} bits: a ${size === 64 ? "x" : "w"} register holds ${size}`);
  }
  return v & mask(size);
}

// #region encode-bitmask
/**
 * N:immr:imms for `value` in a `size`-bit register, or the reason there is none: the smallest element
 * that repeats to make the value, which must be a run of ones rotated right (not all ones, not zero).
 */
export function encodeBitmask(value: bigint, size: RegSize): Bitmask | string {
  if (value === 0n || value === mask(size)) {
    return `${value === 0n ? "0" : "all ones"} is one of the two values with no run to rotate (a bitmask has at least one 0 and one 1)`;
  }
  let element: number = size;
  while (element > 2) { // halve while both halves are the same: the value is that smaller element, repeated
    const half = element / 2;
    if (((value >> BigInt(half)) & mask(half)) !== (value & mask(half))) break;
    element = half;
  }
  const bits = value & mask(element);
  const ones = bits.toString(2).split("").filter((b) => b === "1").length;
  const run = mask(ones); // the run of ones before rotation, at the bottom of the element
  for (let immr = 0; immr < element; immr++) {
    const rotated = ((run >> BigInt(immr)) | (run << BigInt(element - immr))) & mask(element);
    if (rotated === bits) {
      return { n: element === 64 ? 1 : 0, immr, imms: ((-2 * element) & 0x3f) | (ones - 1) };
    }
  }
  const repeats = element === size ? `it does not repeat in any smaller element` : `it repeats every ${element} bits`;
  const shown = element <= 16 ? `0b${bits.toString(2).padStart(element, "0")}` : `0x${bits.toString(16)}`;
  return `${repeats}, and its ${element}-bit element ${shown} is not one run of ones, rotated`;
}
// #endregion encode-bitmask

/** The value N:immr:imms stands for in a `size`-bit register (what a disassembler does with the fields). */
export function decodeBitmask({ n, immr, imms }: Bitmask, size: RegSize): bigint {
  const len = 31 - Math.clz32((n << 6) | (~imms & 0x3f)); // the highest set bit of N:NOT(imms)
  const element = 1 << len;
  const ones = (imms & (element - 1)) + 1;
  const run = mask(ones);
  const r = immr & (element - 1);
  let bits = ((run >> BigInt(r)) | (run << BigInt(element - r))) & mask(element);
  for (let e = element; e < size; e *= 2) bits |= bits << BigInt(e);
  return bits & mask(size);
}

/** The bitmask fields of an instruction's constant, or a Reject that says why the pattern fails. */
export function bitmaskOf(value: number | bigint, size: RegSize): Bitmask {
  const v = unsignedOf(value, size);
  const b = encodeBitmask(v, size);
  if (typeof b === "string") {
    throw new Reject(
      `0x${v.toString(16)} is not a logical immediate: it must be an element of 2, 4, 8, 16, 32 or 64 bits, ` +
        `a run of ones rotated right, repeated to fill ${size} bits; here ${b}. Put it in a register (mov) and use the register form`,
    );
  }
  return b;
}
