// The one definition of what a Brainfuck program does, shared by every tier of the book: the
// options a run takes, the result it produces, and how two results are compared.
import type { BrainfuckError } from "./errors.ts";

// #region options
/** What `,` stores when the input is exhausted: leave the cell alone, store 0, or store 255. */
export type EofBehavior = "unchanged" | "zero" | "max";

export interface RunOptions {
  /** The bytes `,` reads, in order (default: none). */
  readonly input?: Uint8Array;
  /**
   * A fixed tape of this many cells. Without it, the tape grows: DEFAULT_TAPE_SIZE cells at first,
   * more to the right whenever the pointer passes the last, up to tapeLimit. The pointer starts on
   * cell 0, the leftmost, either way.
   */
  readonly tapeSize?: number;
  /** How many cells a growing tape may reach (default DEFAULT_TAPE_LIMIT); a fixed tape ignores it. */
  readonly tapeLimit?: number;
  /** Default "unchanged". */
  readonly eof?: EofBehavior;
  /**
   * The step limit: the most steps the program may take (default: no limit). A step is one executed command:
   * each `+ - < > . ,`, and each test of a `[` or `]`.
   */
  readonly maxSteps?: number;
}

export const DEFAULT_TAPE_SIZE = 30000;
/** 64 Mi cells: room for the programs that assume an unbounded tape, and a clear stop for a runaway `>`. */
export const DEFAULT_TAPE_LIMIT = 2 ** 26;
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
  /** Cells at the start: the fixed tape's, or the growing tape's first DEFAULT_TAPE_SIZE. */
  readonly tapeSize: number;
  /** The tape grows to the right on demand, up to tapeLimit; a fixed tape has tapeLimit = tapeSize. */
  readonly growable: boolean;
  readonly tapeLimit: number;
  readonly eof: EofBehavior;
  readonly maxSteps: number;
}

const EOF_BEHAVIORS: readonly EofBehavior[] = ["unchanged", "zero", "max"];
/** A tape larger than this is a mistake, not a program's need (awib, the largest here, needs 48,305). */
export const MAX_TAPE_SIZE = 2 ** 30;

export function settingsOf(opts: RunOptions = {}): Settings {
  const { input = new Uint8Array(0), eof = "unchanged", maxSteps = Infinity } = opts;
  const growable = opts.tapeSize === undefined;
  const tapeLimit = growable ? (opts.tapeLimit ?? DEFAULT_TAPE_LIMIT) : opts.tapeSize!;
  if (!Number.isInteger(tapeLimit) || tapeLimit < 1 || tapeLimit > MAX_TAPE_SIZE) {
    const what = growable ? "tapeLimit" : "tapeSize";
    throw new RangeError(`${what} must be a whole number of cells from 1 to ${MAX_TAPE_SIZE}, not ${tapeLimit}`);
  }
  const tapeSize = growable ? Math.min(DEFAULT_TAPE_SIZE, tapeLimit) : tapeLimit;
  if (!EOF_BEHAVIORS.includes(eof)) {
    throw new RangeError(`eof must be one of ${EOF_BEHAVIORS.join(", ")}, not '${String(eof)}'`);
  }
  if (maxSteps !== Infinity && !(Number.isSafeInteger(maxSteps) && maxSteps >= 0)) {
    throw new RangeError(`maxSteps must be a whole number of steps, 0 or more, not ${maxSteps}`);
  }
  return { input, tapeSize, growable, tapeLimit, eof, maxSteps };
}

// #region growing-tape
/**
 * The cells a growing tape needs to hold cell `needed`: double, or more if that is short, and never
 * past the limit. Growing by doubling keeps the copying to about one cell per cell the tape has.
 */
export function grownSize(current: number, needed: number, limit: number): number {
  return Math.min(limit, Math.max(2 * current, needed + 1));
}

/**
 * What a run's result holds of its tape. A fixed tape: all of it. A growing tape: its first cells,
 * up to the last one that is not 0 or holds the pointer, and never fewer than it had at the start,
 * so that every tier gives the same tape however its own grew. `used`: no cell at or past it has
 * been written (a tier that knows this spares the scan of the cells nothing touched).
 */
export function resultTape(tape: Uint8Array, pointer: number, settings: Settings, used = tape.length): Uint8Array {
  if (!settings.growable) return tape;
  let last = Math.min(used, tape.length) - 1;
  while (last >= 0 && tape[last] === 0) last--;
  return tape.subarray(0, Math.max(settings.tapeSize, last + 1, pointer + 1));
}
// #endregion growing-tape

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
