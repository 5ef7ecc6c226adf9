// Errors of the native runtime. A Brainfuck program's own mistakes are chapter 6's BrainfuckErrors,
// returned in the RunResult; these are thrown, because no RunResult can describe them.
import { BrainfuckError } from "../06-interpreter/errors.ts";
import type { SourcePos } from "../06-interpreter/source.ts";

/** An option a native tier cannot honour, rejected rather than ignored. */
export class UnsupportedOptionError extends Error {
  override name = "UnsupportedOptionError";
}

/** The generated code's write or read failed: the output went nowhere, or the input is unreadable. */
export class NativeIOError extends Error {
  override name = "NativeIOError";
}

/** The generated code and the runtime disagree: a bug in a code generator, not in the program. */
export class GeneratedCodeError extends Error {
  override name = "GeneratedCodeError";
}

// #region timeout-error
/**
 * The run passed its wall-clock limit (chapter 12). Like StepLimitError it is returned in the
 * RunResult, with the output made so far; unlike it, where it stops depends on the machine.
 */
export class TimeoutError extends BrainfuckError {
  override name = "TimeoutError";
  declare readonly pos: SourcePos;

  constructor(
    pos: SourcePos,
    readonly timeoutMs: number,
  ) {
    super(
      pos,
      `stopped here after ${timeoutMs} ms, the time limit: the program may loop forever. If it only ` +
        `needs longer, raise the limit (--timeout MS, or the timeoutMs option).`,
    );
  }
}
// #endregion timeout-error
