// The one place the book's command lines write a run's output to a file descriptor: synchronously,
// all of the bytes, and a failed write (most often a reader that has gone) stops the run.
import { writeSync } from "node:fs";
import type { OutputSink } from "./output-buffer.ts";

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
    super(`writing the output to file descriptor ${fd} failed: ${code} (${reason})` + closedPipeAdvice(code));
  }
}

/** What a reader of the message can do about a failed write, when there is something to say. */
export function closedPipeAdvice(code: string): string {
  return code === "EPIPE"
    ? `: its reader has closed it (as head does once it has enough), so the run stops here. ` +
        `To keep all of the output, send it to a file or to a reader that reads to the end.`
    : "";
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
