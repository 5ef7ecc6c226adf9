// A big program, compiled a piece at a time. The passes and the code generator hold all the LIR
// they are given, and the LIR of a 5 MB program is hundreds of megabytes. So the fast tier cuts a
// program between its top-level commands into pieces of about PIECE commands each, and lowers,
// optimizes and generates code for one piece after the other, into one assembler: a piece's LIR is
// garbage once its code is made, and memory grows with the piece, not the program. What a cut
// costs: the passes know nothing of the tape where a piece other than the first begins (its LIR
// begins "midway"), and a move they deferred is made at the cut. A program of one piece compiles
// to the code of the whole.
import { Program } from "../06-interpreter/parser.ts";
import type { LineIndex } from "../06-interpreter/source.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";

// #region cuts
/** How many commands a piece has before it is cut, at the next top-level command. */
export const PIECE = 1 << 16;

/** The pieces of `program`, as ranges of commands [from, to), each cut at the top level once it has `size` commands. */
export function cuts(program: Program, size = PIECE): [from: number, to: number][] {
  const { commands, length } = program;
  const pieces: [number, number][] = [];
  let from = 0;
  let depth = 0;
  for (let i = 0; i < length; i++) {
    const c = commands.charCodeAt(i);
    if (c === OPEN) depth++;
    else if (c === CLOSE) depth--;
    if (depth === 0 && i + 1 - from >= size) {
      pieces.push([from, i + 1]);
      from = i + 1;
    }
  }
  if (from < length || length === 0) pieces.push([from, length]);
  return pieces;
}

const OPEN = "[".charCodeAt(0);
const CLOSE = "]".charCodeAt(0);
// #endregion cuts

// #region stretch
/**
 * Commands from..to of a program (whole loops only), as a program of its own: the same source, so
 * the same offsets, and the whole program's lines, made once rather than once per piece.
 */
export class Stretch extends Program {
  constructor(
    readonly whole: Program,
    from: number,
    to: number,
  ) {
    const match = whole.match.slice(from, to);
    let depth = 0;
    let open = 0;
    for (let i = 0; i < match.length; i++) {
      if (match[i]! < 0) continue;
      match[i] = match[i]! - from; // a partner's index, counted from the piece's first command
      open += match[i]! > i ? 1 : -1;
      if (open > depth) depth = open;
    }
    super(whole.source, whole.commands.slice(from, to), whole.offsets.subarray(from, to), match, depth);
  }

  override get lines(): LineIndex {
    return this.whole.lines;
  }
}
// #endregion stretch

// #region pieces
/** The pieces of `program`, in order: the program itself when it is one piece, else each a Stretch. */
export function* piecesOf(program: Program, size = PIECE): Generator<Program> {
  for (const [from, to] of cuts(program, size)) yield from === 0 && to === program.length ? program : new Stretch(program, from, to);
}

/**
 * The lowered LIR of a program's piece number `index`: the first begins at the program's start, every
 * other one midway (chapter 9's `begins`), where the passes know nothing of the tape.
 */
export function lowerPiece(piece: Program, index: number, options?: { readonly maxNesting?: number }): Lir {
  return { ...lower(piece, options), begins: index === 0 ? "start" : "midway" };
}
// #endregion pieces
