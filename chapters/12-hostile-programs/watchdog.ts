// A time limit for code that counts no time: the interpreter of chapter 6 runs in a worker thread,
// and the worker is terminated at the deadline. JavaScript cannot be stopped from outside on the
// same thread; a worker can be, wherever it is, even inside a loop that never yields.
import type { Program } from "../06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../06-interpreter/semantics.ts";
import { OutputWriteError } from "../06-interpreter/write-all.ts";
import { fromWire, type WireResult } from "./wire.ts";

/** What the worker is asked to run, and where its output goes (the result, without `outputFd`). */
export interface WorkerRequest {
  readonly source: string;
  readonly opts: RunOptions;
  readonly outputFd?: number;
}

/** The worker's answer: the run's result, or the write that failed and stopped it. */
export type WorkerAnswer = WireResult | { readonly writeFailed: { readonly fd: number; readonly code: string; readonly reason: string } };

// #region time-limit-error
/** A run stopped from outside at its deadline: nothing of it is left but the output it streamed. */
export class TimeLimitError extends Error {
  override name = "TimeLimitError";

  constructor(
    readonly timeoutMs: number,
    /** Whether the run streamed its output: what it wrote before the deadline stays written. */
    readonly streamed = false,
  ) {
    super(
      `the interpreter ran past the time limit of ${timeoutMs} ms and was stopped; ` +
        (streamed ? `the output it still held, not yet written, is lost with it. ` : `its output is lost with it. `) +
        `If the program only needs longer, raise the limit (--timeout MS); a native tier stops at the limit itself and keeps the output.`,
    );
  }
}
// #endregion time-limit-error

// #region interpret-with-timeout
/**
 * Chapter 6's interpret(), in a worker that is terminated after `timeoutMs`. With `outputFd`, the
 * worker streams the output to that file descriptor itself, and a failed write ends the run.
 */
export function interpretWithTimeout(program: Program, opts: RunOptions, timeoutMs: number, outputFd?: number): Promise<RunResult> {
  const worker = new Worker(new URL("./interpret-worker.ts", import.meta.url).href);
  return new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new TimeLimitError(timeoutMs, outputFd !== undefined));
    }, timeoutMs);
    worker.onmessage = (e: MessageEvent<WorkerAnswer>) => {
      clearTimeout(timer);
      worker.terminate();
      const answer = e.data;
      if ("writeFailed" in answer) reject(new OutputWriteError(answer.writeFailed.fd, answer.writeFailed.code, answer.writeFailed.reason));
      else resolve(fromWire(answer));
    };
    worker.onerror = (e: ErrorEvent) => {
      clearTimeout(timer);
      worker.terminate();
      reject(new Error(`the interpreter's worker failed: ${e.message}`));
    };
    const request: WorkerRequest = { source: program.source, opts, ...(outputFd === undefined ? {} : { outputFd }) };
    worker.postMessage(request);
  });
}
// #endregion interpret-with-timeout
