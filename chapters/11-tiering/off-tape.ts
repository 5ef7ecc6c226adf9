// Which command left the tape. An op that moves (or checks) several cells at once is stopped before
// any of its steps, with the pointer where the op began; replaying its steps one at a time finds the
// first that leaves, and the pointer stays on the edge cell, as in the interpreter. Chapter 7's
// runtime does the same for machine code; this one is for the tiers that run without bun:ffi.
import { TapeBoundsError } from "../06-interpreter/errors.ts";
import type { LineIndex } from "../06-interpreter/source.ts";
import type { Reach } from "../08-lir/lir.ts";

// #region off-tape
export function firstStepOff(reaches: readonly Reach[], p: number, tapeSize: number, lines: LineIndex): { error: TapeBoundsError; pointer: number } {
  for (const { off, pos } of reaches) {
    const cell = p + off;
    if (cell < 0) return { error: new TapeBoundsError(lines.pos(pos), "left", tapeSize), pointer: 0 };
    if (cell >= tapeSize) return { error: new TapeBoundsError(lines.pos(pos), "right", tapeSize), pointer: tapeSize - 1 };
  }
  throw new OffTapeMismatchError(
    `none of the ${reaches.length} step(s) from cell ${p} leaves a tape of ${tapeSize} cells, yet the code reported ` +
      `a step off the tape: its bounds test and the op's reaches disagree`,
  );
}
// #endregion off-tape

/** A tier said the pointer left the tape where it did not: a bug in that tier's code. */
export class OffTapeMismatchError extends Error {
  override name = "OffTapeMismatchError";
}
