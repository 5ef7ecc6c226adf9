// A time limit for code that counts no time: the interpreter of chapter 6 runs in a worker thread,
// and the worker is terminated at the deadline. JavaScript cannot be stopped from outside on the
// same thread; a worker can be, wherever it is, even inside a loop that never yields.
import type { Program } from "../06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../06-interpreter/semantics.ts";
import { fromWire, type WireResult } from "./wire.ts";

// #region time-limit-error
/** A run stopped from outside at its deadline: nothing of it is left, output included. */
export class TimeLimitError extends Error {
  override name = "TimeLimitError";

  constructor(readonly timeoutMs: number) {
    super(
      `the interpreter ran past the time limit of ${timeoutMs} ms and was stopped; its output is lost with it. ` +
        `If the program only needs longer, raise the limit (--timeout MS); a native tier stops at the limit itself and keeps the output.`,
    );
  }
}
// #endregion time-limit-error

// #region interpret-with-timeout
/** Chapter 6's interpret(), in a worker that is terminated after `timeoutMs`. */
export function interpretWithTimeout(program: Program, opts: RunOptions, timeoutMs: number): Promise<RunResult> {
  const worker = new Worker(new URL("./interpret-worker.ts", import.meta.url).href);
  return new Promise<RunResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new TimeLimitError(timeoutMs));
    }, timeoutMs);
    worker.onmessage = (e: MessageEvent<WireResult>) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(fromWire(e.data));
    };
    worker.onerror = (e: ErrorEvent) => {
      clearTimeout(timer);
      worker.terminate();
      reject(new Error(`the interpreter's worker failed: ${e.message}`));
    };
    worker.postMessage({ source: program.source, opts });
  });
}
// #endregion interpret-with-timeout
