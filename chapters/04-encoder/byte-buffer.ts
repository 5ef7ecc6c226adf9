// Where the machine code goes: a Uint8Array that doubles when it fills up. Nothing outside keeps a
// view into it (growing replaces the array), so positions are always offsets, never pointers; the
// assembler holds the array only while it writes one instruction (room).

export class ByteBuffer {
  private data: Uint8Array;
  private end: number;

  constructor(capacity = 256) {
    this.data = new Uint8Array(Math.max(16, capacity));
    this.end = 0;
  }

  /** The number of bytes written so far, which is also the offset of the next byte. */
  get length(): number {
    return this.end;
  }

  // #region grow
  /** Make room for `n` more bytes (an instruction is at most 15), doubling as often as needed. */
  ensure(n: number): void {
    if (this.end + n > this.data.length) this.grow(n);
  }

  // Apart from ensure, so that ensure is small enough for the JIT to inline at every call.
  private grow(n: number): void {
    let size = this.data.length * 2;
    while (size < this.end + n) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.data.subarray(0, this.end));
    this.data = bigger;
  }

  /**
   * Room for `n` more bytes, and the array to write them into from `length` on: one check for a
   * whole instruction rather than one per byte. The caller writes at most `n`, then says how many
   * with `advance`; the array is good only until the buffer next grows.
   */
  room(n: number): Uint8Array {
    this.ensure(n);
    return this.data;
  }

  /** Count `n` bytes written into the array `room` gave. */
  advance(n: number): void {
    this.end += n;
  }
  // #endregion grow

  byte(b: number): void {
    if (this.end === this.data.length) this.grow(1);
    this.data[this.end++] = b;
  }

  bytes(bs: ArrayLike<number>): void {
    this.ensure(bs.length);
    for (let i = 0; i < bs.length; i++) this.data[this.end++] = bs[i]!;
  }

  /** `v` as `n` little-endian bytes, two's complement when negative (v must fit in n bytes). */
  int(v: number | bigint, n: number): void {
    this.ensure(n);
    if (typeof v === "number" && n <= 4) {
      for (let i = 0, x = v >>> 0; i < n; i++, x >>>= 8) this.data[this.end++] = x & 0xff;
      return;
    }
    let x = BigInt.asUintN(n * 8, BigInt(v));
    for (let i = 0; i < n; i++, x >>= 8n) this.data[this.end++] = Number(x & 0xffn);
  }

  at(offset: number): number {
    if (offset < 0 || offset >= this.end) throw new RangeError(`offset ${offset} is outside the ${this.end} bytes written`);
    return this.data[offset]!;
  }

  /** Overwrite bytes already written (a branch's displacement, once its target is known). */
  patch(offset: number, bs: ArrayLike<number>): void {
    if (offset < 0 || offset + bs.length > this.end) {
      throw new RangeError(`cannot patch ${bs.length} bytes at offset ${offset}: only ${this.end} bytes are written`);
    }
    this.data.set(bs, offset);
  }

  /** Overwrite `n` bytes (at most 4) at `offset` with the number `v`, little-endian: a branch's displacement. */
  patchInt(offset: number, v: number, n: 1 | 2 | 4): void {
    if (offset < 0 || offset + n > this.end) {
      throw new RangeError(`cannot patch ${n} bytes at offset ${offset}: only ${this.end} bytes are written`);
    }
    for (let i = 0, x = v >>> 0; i < n; i++, x >>>= 8) this.data[offset + i] = x & 0xff;
  }

  /**
   * The bytes written so far without copying them: a view of the buffer's array, for the one who
   * takes the finished code (megabytes, for a big program). Growing leaves it as it is; a patch shows in it.
   */
  view(): Uint8Array {
    return this.data.subarray(0, this.end);
  }

  /** A copy of bytes [start, end): the caller may keep it, the buffer may grow. */
  slice(start = 0, end = this.end): Uint8Array {
    return this.data.slice(start, Math.min(end, this.end));
  }
}
