// What can be wrong with LIR itself, as opposed to the Brainfuck program it runs: text that does not
// parse, ops that touch a cell nobody checked, nesting deeper than a stage that recurses allows.
import { formatPos, type SourcePos } from "../06-interpreter/source.ts";

export class LirError extends Error {
  override name = "LirError";

  constructor(
    readonly pos: SourcePos,
    /** The message without its position. */
    readonly detail: string,
  ) {
    super(`${formatPos(pos)}: ${detail}`);
  }
}

/** LIR text that does not parse; the position is in the LIR text. */
export class LirSyntaxError extends LirError {
  override name = "LirSyntaxError";
}

/** An op that could read or write outside the tape: no check or move before it proves its cell is on it. */
export class LirVerifyError extends LirError {
  override name = "LirVerifyError";
}

/** Loops nested deeper than MAX_NESTING. */
export class LirNestingError extends LirError {
  override name = "LirNestingError";
}

// #region max-nesting
/**
 * The LIR is a tree. This chapter's stages walk it with explicit stacks, so any depth costs them
 * only memory, and this chapter's tiers take any depth (`lower(program, { maxNesting: Infinity })`);
 * a stage that recurses on the tree instead costs stack per level. Real programs nest a few dozen
 * loops deep (awib: 33); a generated one can nest 100,000. For such stages, lower refuses a program
 * nested deeper than this by default, and the interpreter, which does not recurse, runs it instead.
 */
export const MAX_NESTING = 1000;
// #endregion

export function nestingError(pos: SourcePos, limit: number = MAX_NESTING): LirNestingError {
  return new LirNestingError(
    pos,
    `this loop is nested ${limit + 1} loops deep; the LIR handles at most ${limit} (lower's maxNesting option). ` +
      `Run the program with the interpreter (chapter 6) or the template JIT (chapter 7), which have no such limit.`,
  );
}
