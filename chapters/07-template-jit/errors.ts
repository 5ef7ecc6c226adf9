// Errors of the native runtime. A Brainfuck program's own mistakes are chapter 6's BrainfuckErrors,
// returned in the RunResult; these are thrown, because no RunResult can describe them.

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
