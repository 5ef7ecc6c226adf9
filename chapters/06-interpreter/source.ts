// Where a command sits in the program text. Every error a tier reports points back here.

// #region source-pos
/**
 * A position in a Brainfuck source string. `offset` indexes the JS string (UTF-16 units, so
 * `source[offset]` is the command); `line` and `column` are 1-based, for people: a column counts
 * characters (code points), a tab counts as one, and only "\n" starts a new line.
 */
export interface SourcePos {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** "3:14": line and column, the way compilers print them. */
export function formatPos(pos: SourcePos): string {
  return `${pos.line}:${pos.column}`;
}
// #endregion
