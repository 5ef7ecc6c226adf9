// LEB128, the variable-length integers WebAssembly uses for every count, index, size and
// constant: 7 bits per byte, low bits first, the high bit set on every byte but the last.

export class LebRangeError extends RangeError {
  override name = "LebRangeError";
}

/** Where encoded bytes go: an array, or chapter 4's ByteBuffer. */
export interface ByteSink {
  byte(b: number): void;
}

// #region unsigned
/**
 * n as unsigned LEB128: 624485 is e5 8e 26. For counts, sizes, indices and memory offsets (u32):
 * anything but a whole number from 0 to 2^32-1 is a LebRangeError.
 */
export function writeUnsigned(out: ByteSink, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff_ffff) {
    throw new LebRangeError(`an unsigned LEB128 here holds a whole number from 0 to 2^32-1 (a u32), not ${n}`);
  }
  for (;;) {
    const low = n % 128;
    n = Math.floor(n / 128);
    if (n === 0) return out.byte(low);
    out.byte(low | 0x80); // more to come
  }
}
// #endregion

// #region signed
/**
 * n as signed LEB128 (two's complement): -1 is 7f, 63 is 3f, 64 is c0 00. It stops when the rest
 * is all sign and the sign bit (0x40) of the last byte agrees. For i32.const and i64.const: a number
 * or bigint outside -2^(bits-1) .. 2^(bits-1)-1 (or a number that is not a safe integer) is a LebRangeError.
 */
export function writeSigned(out: ByteSink, n: number | bigint, bits: 32 | 64 = 32): void {
  const limit = 2 ** (bits - 1);
  if (typeof n === "number" ? !Number.isSafeInteger(n) || n < -limit || n >= limit : n < -BigInt(limit) || n >= BigInt(limit)) {
    throw new LebRangeError(`a signed LEB128 of ${bits} bits holds a whole number from -2^${bits - 1} to 2^${bits - 1}-1, not ${n}`);
  }
  if (typeof n === "number" && n >= -(2 ** 31) && n < 2 ** 31) {
    // It fits an int32, where >> shifts in copies of the sign bit: no BigInt needed.
    for (let v = n; ; ) {
      const low = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (low & 0x40) === 0) || (v === -1 && (low & 0x40) !== 0)) return out.byte(low);
      out.byte(low | 0x80);
    }
  }
  for (let v = BigInt(n); ; ) {
    const low = Number(v & 0x7fn);
    v >>= 7n;
    if ((v === 0n && (low & 0x40) === 0) || (v === -1n && (low & 0x40) !== 0)) return out.byte(low);
    out.byte(low | 0x80);
  }
}
// #endregion

/** unsigned LEB128 as an array of bytes. */
export function unsigned(n: number): number[] {
  const out: number[] = [];
  writeUnsigned({ byte: (b) => out.push(b) }, n);
  return out;
}

/** signed LEB128 as an array of bytes. */
export function signed(n: number | bigint, bits: 32 | 64 = 32): number[] {
  const out: number[] = [];
  writeSigned({ byte: (b) => out.push(b) }, n, bits);
  return out;
}

/** A decoded number and the offset just past it. */
export interface Decoded<T> {
  readonly value: T;
  readonly next: number;
}

export class LebDecodeError extends Error {
  override name = "LebDecodeError";
}

/** Read an unsigned LEB128 of at most 32 bits at `at`. */
export function readUnsigned(bytes: Uint8Array, at: number): Decoded<number> {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 5; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new LebDecodeError(`no unsigned LEB128 at byte ${at}: it runs past ${bytes.length > at + 5 ? "5 bytes, the most a u32 takes" : "the end of the module"}`);
}

/** Read a signed LEB128 of at most `bits` bits at `at`, as a BigInt (an i64 does not fit a number). */
export function readSigned(bytes: Uint8Array, at: number, bits: 32 | 64 = 32): Decoded<bigint> {
  let value = 0n;
  let shift = 0n;
  const most = Math.ceil(bits / 7);
  for (let i = at; i < bytes.length && i < at + most; i++) {
    const byte = bytes[i]!;
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
    if ((byte & 0x80) === 0) {
      if (byte & 0x40) value -= 1n << shift; // the sign bit of the last byte extends
      return { value, next: i + 1 };
    }
  }
  throw new LebDecodeError(`no signed LEB128 at byte ${at}: it runs past ${bytes.length > at + most ? `${most} bytes, the most an i${bits} takes` : "the end of the module"}`);
}
