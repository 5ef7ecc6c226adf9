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

// #region line-index
/** A low surrogate, paired or not: a text without one holds no pair, and needs no search for them. */
const SECOND_HALF = /[\udc00-\udfff]/;

/**
 * Offsets to lines and columns, for one source. It keeps where each line starts, and where the
 * characters that take two UTF-16 units are (an emoji is one column, not two); `pos` finds an
 * offset's line by binary search, or at once when it is on the line asked about last (a compiler
 * asks in source order). A compiler keeps offsets and asks this when it has something to say
 * to a person.
 */
export class LineIndex {
  /** The offset of each line's first character: starts[0] is 0, starts[k] follows the k-th "\n". */
  readonly #starts: number[] = [0];
  /** The offset of the second half of each surrogate pair, in order. */
  readonly #pairs: number[] = [];
  /** The line (1-based) of the last offset asked about. */
  #line = 1;

  constructor(source: string) {
    // indexOf and a regular expression search the text in native code: a big program has millions
    // of characters, and few of them are newlines or halves of a pair.
    for (let i = source.indexOf("\n"); i !== -1; i = source.indexOf("\n", i + 1)) this.#starts.push(i + 1);
    if (!SECOND_HALF.test(source)) return; // most programs: no character beyond U+FFFF
    for (let i = 0; i < source.length; i++) if (isSecondHalfOfPair(source, i)) this.#pairs.push(i);
  }

  /** The position of `offset`: its line, and its column counting code points. */
  pos(offset: number): SourcePos {
    const starts = this.#starts;
    let line = this.#line;
    if (offset < starts[line - 1]! || (line < starts.length && offset >= starts[line]!)) {
      line = this.#line = countAtMost(starts, offset); // the lines that start at or before it
    }
    const start = starts[line - 1]!;
    const halves = this.#pairs.length === 0 ? 0 : countAtMost(this.#pairs, offset) - countAtMost(this.#pairs, start);
    return { offset, line, column: offset - start + 1 - halves };
  }
}
// #endregion

/** How many of the sorted `xs` are ≤ x. */
function countAtMost(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** True for the low half of a surrogate pair: one character (say, an emoji) is two UTF-16 units. */
export function isSecondHalfOfPair(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xdc00 || c > 0xdfff || i === 0) return false;
  const prev = s.charCodeAt(i - 1);
  return prev >= 0xd800 && prev <= 0xdbff;
}
