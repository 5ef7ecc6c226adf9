// Where `.` puts its bytes. A run either keeps them, in a buffer that grows by doubling, and answers
// with one Uint8Array (what a test compares); or streams them: it holds a block and hands it to an
// OutputSink when it is full, and the rest at the end, so a program that prints forever runs in
// constant memory and whoever reads its output sees it as it comes.
import { writeSync } from "node:fs";

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

// #region write-all
/** Writing the output failed: most often because its reader has gone (EPIPE), and the run is stopped. */
export class OutputWriteError extends Error {
  override name = "OutputWriteError";

  constructor(
    readonly fd: number,
    /** The errno name, "EPIPE", as node:fs reports it. */
    readonly code: string,
    /** What it means, "broken pipe". */
    readonly reason: string,
  ) {
    super(
      `writing the output to file descriptor ${fd} failed: ${code} (${reason})` +
        (code === "EPIPE"
          ? `: its reader has closed it (as head does once it has enough), so the run stops here. ` +
            `To keep all of the output, send it to a file or to a reader that reads to the end.`
          : ""),
    );
  }
}

/**
 * Write all of `bytes` to `fd`, synchronously: a write that takes part of them is followed by another
 * for the rest, and a failure stops the caller with an OutputWriteError. Synchronous, because an
 * asynchronous write that fails is only reported later, while the program goes on printing.
 */
export function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      const code = errorCode(e);
      // A non-blocking pipe that is full: wait a millisecond for its reader, then try again.
      if (code === "EAGAIN") Atomics.wait(PAUSE, 0, 0, 1);
      else throw new OutputWriteError(fd, code, reasonOf(e, code));
    }
  }
}

/** A sink that writes each block to `fd` with writeAll. */
export function fdSink(fd: number): OutputSink {
  return { write: (bytes) => writeAll(fd, bytes) };
}
// #endregion write-all

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function errorCode(e: unknown): string {
  const code = typeof e === "object" && e !== null && "code" in e ? e.code : undefined;
  return typeof code === "string" ? code : "an error";
}

/** node:fs says "EPIPE: broken pipe, write": the reason is the part between the code and the call. */
function reasonOf(e: unknown, code: string): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.replace(`${code}: `, "").replace(/, write$/, "");
}
