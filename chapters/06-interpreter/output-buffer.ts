// Where `.` puts its bytes. A run either keeps them, in a buffer that grows by doubling, and answers
// with one Uint8Array (what a test compares); or streams them: it holds a block and hands it to an
// OutputSink when it is full, and the rest at the end, so a program that prints forever runs in
// constant memory and whoever reads its output sees it as it comes. (Writing to a file descriptor is
// write-all.ts's: this module runs in a browser too.)

// #region output-buffer
/** Where a streaming run's output goes: blocks of bytes, in program order, as the run makes them. */
export interface OutputSink {
  /** Take these bytes now: the run reuses the memory they are in once the call returns. */
  write(bytes: Uint8Array): void;
}

/** How much a streaming run holds before it writes: one write per 64 KiB. */
export const OUTPUT_BLOCK_SIZE = 64 * 1024;

export class OutputBuffer {
  private buf: Uint8Array;
  private length = 0;

  /** Without a sink the buffer keeps everything; with one it holds at most `blockSize` bytes. */
  constructor(
    private readonly sink: OutputSink | null = null,
    blockSize = OUTPUT_BLOCK_SIZE,
  ) {
    this.buf = new Uint8Array(sink === null ? 256 : blockSize);
  }

  push(byte: number): void {
    if (this.length === this.buf.length) this.full();
    this.buf[this.length++] = byte;
  }

  /** Hand what is held to the sink (without one, keep it): when the buffer is full, and at the end. */
  flush(): void {
    if (this.sink === null || this.length === 0) return;
    this.sink.write(this.buf.subarray(0, this.length));
    this.length = 0;
  }

  /** A copy of the bytes held: the whole output without a sink, nothing after a final flush. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private full(): void {
    if (this.sink !== null) return this.flush();
    const bigger = new Uint8Array(this.buf.length * 2);
    bigger.set(this.buf);
    this.buf = bigger;
  }
}
// #endregion output-buffer
