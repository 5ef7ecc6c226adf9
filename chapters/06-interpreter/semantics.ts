// The one definition of what a Brainfuck program does, shared by every tier of the book: the
// options a run takes, the result it produces, and how two results are compared.
import type { BrainfuckError } from "./errors.ts";

// #region options
/** What `,` stores when the input is exhausted: leave the cell alone, store 0, or store 255. */
export type EofBehavior = "unchanged" | "zero" | "max";

export interface RunOptions {
  /** The bytes `,` reads, in order (default: none). */
  readonly input?: Uint8Array;
  /** Number of cells (default DEFAULT_TAPE_SIZE). The pointer starts on cell 0, the leftmost. */
  readonly tapeSize?: number;
  /** Default "unchanged". */
  readonly eof?: EofBehavior;
  /**
   * The step limit: the most steps the program may take (default: no limit). A step is one executed command:
   * each `+ - < > . ,`, and each test of a `[` or `]`.
   */
  readonly maxSteps?: number;
}

export const DEFAULT_TAPE_SIZE = 30000;
// #endregion

// #region result
/**
 * What a run produced. A runtime error is part of the result, not thrown: the output written before
 * it and the tape at that moment are results too, and every tier must agree on them.
 */
export interface RunResult {
  readonly output: Uint8Array;
  readonly tape: Uint8Array;
  /** The cell the pointer is on at the end (on an off-tape error: the edge cell it did not leave). */
  readonly pointer: number;
  readonly error: BrainfuckError | null;
}
// #endregion

/** RunOptions with every default filled in and every value checked. No limit is Infinity. */
export interface Settings {
  readonly input: Uint8Array;
  readonly tapeSize: number;
  readonly eof: EofBehavior;
  readonly maxSteps: number;
}

const EOF_BEHAVIORS: readonly EofBehavior[] = ["unchanged", "zero", "max"];
/** A tape larger than this is a mistake, not a program's need (awib, the largest here, needs 48,305). */
export const MAX_TAPE_SIZE = 2 ** 30;

export function settingsOf(opts: RunOptions = {}): Settings {
  const { input = new Uint8Array(0), tapeSize = DEFAULT_TAPE_SIZE, eof = "unchanged", maxSteps = Infinity } = opts;
  if (!Number.isInteger(tapeSize) || tapeSize < 1 || tapeSize > MAX_TAPE_SIZE) {
    throw new RangeError(`tapeSize must be a whole number of cells from 1 to ${MAX_TAPE_SIZE}, not ${tapeSize}`);
  }
  if (!EOF_BEHAVIORS.includes(eof)) {
    throw new RangeError(`eof must be one of ${EOF_BEHAVIORS.join(", ")}, not '${String(eof)}'`);
  }
  if (maxSteps !== Infinity && !(Number.isSafeInteger(maxSteps) && maxSteps >= 0)) {
    throw new RangeError(`maxSteps must be a whole number of steps, 0 or more, not ${maxSteps}`);
  }
  return { input, tapeSize, eof, maxSteps };
}

// #region eof
/** The value `,` stores at end of input, given the cell's current value. */
export function eofValue(eof: EofBehavior, current: number): number {
  switch (eof) {
    case "unchanged":
      return current;
    case "zero":
      return 0;
    case "max":
      return 255;
  }
}
// #endregion

// #region compare
/**
 * Why `actual` is not `expected`, one line per difference, or null when they are the same run.
 * Errors are compared by class and message (the message holds the position).
 */
export function describeDifference(expected: RunResult, actual: RunResult): string | null {
  const diffs: string[] = [];
  const e = expected.error;
  const a = actual.error;
  if (e?.name !== a?.name || e?.message !== a?.message) {
    diffs.push(`error: expected ${describeError(e)}, got ${describeError(a)}`);
  }
  const out = firstDifference(expected.output, actual.output);
  if (out !== null) {
    diffs.push(
      `output differs from byte ${out}: expected ${showBytes(expected.output, out)}, got ${showBytes(actual.output, out)}` +
        ` (lengths ${expected.output.length} and ${actual.output.length})`,
    );
  }
  if (expected.pointer !== actual.pointer) {
    diffs.push(`pointer: expected cell ${expected.pointer}, got cell ${actual.pointer}`);
  }
  if (expected.tape.length !== actual.tape.length) {
    diffs.push(`tape size: expected ${expected.tape.length} cells, got ${actual.tape.length}`);
  } else {
    const cell = firstDifference(expected.tape, actual.tape);
    if (cell !== null) diffs.push(`tape differs at cell ${cell}: expected ${expected.tape[cell]}, got ${actual.tape[cell]}`);
  }
  return diffs.length === 0 ? null : diffs.join("\n");
}

export function sameResult(expected: RunResult, actual: RunResult): boolean {
  return describeDifference(expected, actual) === null;
}
// #endregion

function describeError(e: BrainfuckError | null): string {
  return e === null ? "no error" : `${e.name} "${e.message}"`;
}

/** The first index where the two differ (including where one ends), or null when they are equal. */
function firstDifference(a: Uint8Array, b: Uint8Array): number | null {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? null : n;
}

/** Up to 16 bytes from `from`, as a quoted string with escapes: "Hi\n\xff", or (end) past the end. */
export function showBytes(bytes: Uint8Array, from = 0, count = 16): string {
  if (from >= bytes.length) return "(end)";
  let s = "";
  for (const b of bytes.subarray(from, from + count)) s += escapeByte(b);
  return `"${s}"${from + count < bytes.length ? "..." : ""}`;
}

function escapeByte(b: number): string {
  if (b === 0x0a) return "\\n";
  if (b === 0x09) return "\\t";
  if (b === 0x22 || b === 0x5c) return "\\" + String.fromCharCode(b);
  if (b >= 0x20 && b < 0x7f) return String.fromCharCode(b);
  return "\\x" + b.toString(16).padStart(2, "0");
}
