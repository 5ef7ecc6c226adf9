// A byte buffer that grows by doubling: `.` appends one byte, the result is one Uint8Array.

export class OutputBuffer {
  private buf = new Uint8Array(256);
  private length = 0;

  push(byte: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = byte;
  }

  /** A copy of the bytes written so far, exactly as long as the output. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
