// A big program, compiled a piece at a time. The passes and the code generator hold all the LIR
// they are given, and the LIR of a 5 MB program is hundreds of megabytes. So the fast tier cuts a
// program between its top-level commands into pieces of about PIECE commands each, and lowers,
// optimizes and generates code for one piece after the other, into one assembler: a piece's LIR is
// garbage once its code is made, and memory grows with the piece, not the program. What a cut
// costs: the passes know nothing of the tape where a piece other than the first begins (its LIR
// begins "midway"), and a move they deferred is made at the cut. A program of one piece compiles
// to the code of the whole. A loop bigger than a piece is opened instead, its body cut the same way,
// and closed (partsOf), so that no loop, however big, makes a piece of its size.
import { Program } from "../06-interpreter/parser.ts";
import type { LineIndex } from "../06-interpreter/source.ts";
import type { LoopEdge } from "../08-lir/codegen-x86.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";

// #region cuts
/** How many commands a piece has before it is cut, at the next top-level command. */
export const PIECE = 1 << 14;

/**
 * The pieces of `program`, as ranges of commands [from, to), each cut at the top level once it has
 * `size` commands; or the pieces of the commands `from`..`to` alone (whole loops), cut at their
 * own top level.
 */
export function cuts(program: Program, size = PIECE, from = 0, to = program.length): [from: number, to: number][] {
  const { commands } = program;
  const pieces: [number, number][] = [];
  let start = from;
  let depth = 0;
  for (let i = from; i < to; i++) {
    const c = commands.charCodeAt(i);
    if (c === OPEN) depth++;
    else if (c === CLOSE) depth--;
    if (depth === 0 && i + 1 - start >= size) {
      pieces.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (start < to || from === to) pieces.push([start, to]);
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
  for (const [from, to] of cuts(program, size)) yield stretch(program, from, to);
}

/** Commands from..to of `program` as a program: the program itself when that is all of it. */
function stretch(program: Program, from: number, to: number): Program {
  return from === 0 && to === program.length ? program : new Stretch(program, from, to);
}
// #endregion pieces

// #region parts
/**
 * The parts of `program`, in order, for chapter 8's generate: its pieces, as piecesOf cuts them,
 * except that a loop bigger than a piece is not one. It is opened (a LoopEdge), its body is cut
 * into parts the same way, and it is closed, so that no part is much bigger than `size` commands,
 * however the program nests. The loops are found with a stack of what is left to do, not by
 * recursion: a big loop can hold a big loop, and so on.
 */
export function* partsOf(program: Program, size = PIECE): Generator<Program | LoopEdge> {
  const { commands, match, offsets } = program;
  // Last first: a range of commands [from, to) to cut, or the edge that closes a loop.
  const todo: (readonly [from: number, to: number] | LoopEdge)[] = [[0, program.length]];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if ("edge" in next) {
      yield next;
      continue;
    }
    const [from, to] = next;
    let big = to; // the first loop at the range's top level that is bigger than a piece, if any
    for (let i = from; i < to; i = commands.charCodeAt(i) === OPEN ? match[i]! + 1 : i + 1) {
      if (commands.charCodeAt(i) === OPEN && match[i]! + 1 - i > size) {
        big = i;
        break;
      }
    }
    for (const [a, b] of cuts(program, size, from, big)) if (b > a || program.length === 0) yield stretch(program, a, b);
    if (big === to) continue;
    const close = match[big]!;
    const loop = { pos: offsets[big]!, end: offsets[close]!, lines: program.lines };
    todo.push([close + 1, to], { edge: "close", ...loop }, [big + 1, close]);
    yield { edge: "open", ...loop };
  }
}
// #endregion parts

/**
 * The lowered LIR of a program's piece number `index`: the first begins at the program's start, every
 * other one midway (chapter 9's `begins`), where the passes know nothing of the tape.
 */
export function lowerPiece(piece: Program, index: number, options?: { readonly maxNesting?: number }): Lir {
  return { ...lower(piece, options), begins: index === 0 ? "start" : "midway" };
}
