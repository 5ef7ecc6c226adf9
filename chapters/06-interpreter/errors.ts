// The errors a Brainfuck program can cause. Every tier raises these same classes with the same
// messages, so a differential test can compare errors as plainly as it compares output.
import { formatPos, type SourcePos } from "./source.ts";

// #region brainfuck-error
/** Anything wrong with a Brainfuck program, found while parsing or running it. */
export class BrainfuckError extends Error {
  override name = "BrainfuckError";
  /** The message without its position, for tools that print the position their own way. */
  readonly detail: string;

  /** The message is "line:column: detail" (formatPos), or the detail alone when there is no position. */
  constructor(
    readonly pos: SourcePos | null,
    detail: string,
  ) {
    super(pos === null ? detail : `${formatPos(pos)}: ${detail}`);
    this.detail = detail;
  }
}
// #endregion

/** An unmatched `[` or `]`. Raised by the parser, before anything runs. */
export class BrainfuckSyntaxError extends BrainfuckError {
  override name = "BrainfuckSyntaxError";
  declare readonly pos: SourcePos;

  constructor(
    pos: SourcePos,
    readonly bracket: "[" | "]",
    /** How many other `[` were left open too (only for an unmatched `[`). */
    othersOpen = 0,
  ) {
    super(
      pos,
      bracket === "["
        ? `unmatched '[': this loop is never closed` +
            (othersOpen > 0 ? ` (nor are ${othersOpen} more after it)` : "") +
            `. Add the missing ']', or remove this '['.`
        : `unmatched ']': no '[' before it is left open for it to close. Remove it, or add the missing '['.`,
    );
  }
}

// #region tape-bounds-error
/** The pointer moved off one end of the tape. The move is not made: the pointer stays on the edge cell. */
export class TapeBoundsError extends BrainfuckError {
  override name = "TapeBoundsError";
  declare readonly pos: SourcePos;

  constructor(
    pos: SourcePos,
    readonly end: "left" | "right",
    readonly tapeSize: number,
  ) {
    super(
      pos,
      end === "right"
        ? `'>' moved the pointer off the right end of the tape, to cell ${tapeSize}: the tape has ` +
            `${tapeSize} cells (0 to ${tapeSize - 1}). If the program needs more, give it a longer ` +
            `tape (--tape N, or the tapeSize option).`
        : `'<' moved the pointer off the left end of the tape, to cell -1: the pointer starts on ` +
            `cell 0, the leftmost of the ${tapeSize} cells. A longer tape (--tape N) will not help: ` +
            `look for a '<' too many, or a program written for a tape that extends to the left.`,
    );
  }
}
// #endregion

/** The program used up its steps: it ran `maxSteps` commands and was stopped before the next one. */
export class StepLimitError extends BrainfuckError {
  override name = "StepLimitError";
  declare readonly pos: SourcePos;

  constructor(
    pos: SourcePos,
    readonly maxSteps: number,
  ) {
    super(
      pos,
      `stopped here after ${maxSteps} steps, the limit: the program may loop forever. If it only ` +
        `needs longer, raise the limit (--max-steps N, or the maxSteps option).`,
    );
  }
}
