// Immediates and displacements are numbers or bigints. JavaScript's bit operators work on 32 bits
// (`0xffffffff | 0 === -1`), so every range check here is plain arithmetic, and 64-bit values go
// through bigint.
import type { Num } from "./operands.ts";

/** A number or bigint as a safe integer number when it is one, else as a bigint; null if not an integer. */
export function normalize(v: Num): Num | null {
  if (typeof v === "bigint") return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v;
  return Number.isSafeInteger(v) ? v : null;
}

// Numbers are safe integers (normalize makes sure), so they always fit 64 bits; bigints are the
// values beyond 2^53, checked with bigint arithmetic.

/** -2^(bits-1) <= v < 2^(bits-1): v survives being sign-extended from `bits` bits. */
export function fitsSigned(v: Num, bits: number): boolean {
  if (typeof v === "number") return bits > 53 || (v >= -(2 ** (bits - 1)) && v < 2 ** (bits - 1));
  const half = 1n << BigInt(bits - 1);
  return v >= -half && v < half;
}

/** -2^(bits-1) <= v < 2^bits: v can be written in `bits` bits, read as signed or as unsigned. */
export function fitsBits(v: Num, bits: number): boolean {
  if (typeof v === "number") return bits > 53 || (v >= -(2 ** (bits - 1)) && v < 2 ** bits);
  return v >= -(1n << BigInt(bits - 1)) && v < 1n << BigInt(bits);
}

// #region fits-immediate
/**
 * Can `v`, a value of a `size`-bit operation, be stored in a `width`-bit immediate field? A field
 * narrower than the operation is sign-extended by the CPU, so 0xffffffff fits the imm8 of
 * `add eax, imm8` (it is -1) but not the imm32 of `add rax, imm32` (which would mean 0xffff...ffff).
 */
export function fitsImmediate(v: Num, width: number, size: number): boolean {
  if (!fitsBits(v, size)) return false;
  if (width >= size) return true;
  return fitsSigned(asSigned(v, size), width);
}
// #endregion fits-immediate

/** The signed reading of v's low `size` bits (v must already fit in `size` bits). */
export function asSigned(v: Num, size: number): Num {
  if (fitsSigned(v, size)) return v;
  return typeof v === "number" ? v - 2 ** size : v - (1n << BigInt(size));
}

/** v's low `bytes` bytes, little-endian (two's complement for negative values). */
export function littleEndian(v: Num, bytes: number): number[] {
  const out: number[] = [];
  if (bytes <= 4 && typeof v === "number") {
    for (let i = 0, x = v; i < bytes; i++, x = Math.floor(x / 256)) out.push(((x % 256) + 256) % 256);
    return out;
  }
  let x = BigInt.asUintN(bytes * 8, BigInt(v));
  for (let i = 0; i < bytes; i++, x >>= 8n) out.push(Number(x & 0xffn));
  return out;
}

/** How the listing writes a number: decimal while it is short, hex when the bits matter more. */
export function formatNumber(v: Num): string {
  if (typeof v === "number" && !Number.isInteger(v)) return String(v); // only in an error message
  const neg = v < 0;
  const abs = neg ? -BigInt(v) : BigInt(v);
  const text = abs < 0x10000n ? abs.toString() : `0x${abs.toString(16)}`;
  return neg ? `-${text}` : text;
}
