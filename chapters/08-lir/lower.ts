// Brainfuck -> LIR, the direct translation: a run of the same command becomes one op, a loop
// becomes a loop, and every op works on cell [0]. Nothing clever: it is still the program as written.
import type { Instr, Program } from "../06-interpreter/parser.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import { MAX_NESTING, nestingError } from "./errors.ts";
import { wrapSigned, type Lir, type Op } from "./lir.ts";

// #region lower
/**
 * One op per run of the same command (`add` with wrapSigned, dropped when it wraps to 0; `move` with
 * one step position per command, which checks itself), a `loop [0]` per loop (its `[` and `]`
 * positions), `in`/`out` on [0]. maxNesting: the deepest loop nesting accepted (MAX_NESTING unless told:
 * see errors.ts). A loop deeper than that is errors.ts's nestingError, at its `[`.
 */
export function lower(program: Program, { maxNesting = MAX_NESTING }: { readonly maxNesting?: number } = {}): Lir {
  const code = program.code;
  const root: Op[] = [];
  // The loops still open, innermost last: the body being filled, the `[` that opened it.
  const open: { body: Op[]; start: Instr }[] = [];
  let ops = root;
  let i = 0;
  while (i < code.length) {
    const instr = code[i]!;
    const n = runLength(code, i);
    switch (instr.op) {
      case "+":
      case "-": {
        const k = wrapSigned(instr.op === "+" ? n : -n);
        if (k !== 0) ops.push({ kind: "add", off: 0, k, pos: instr.pos });
        break;
      }
      case ">":
      case "<":
        ops.push({ kind: "move", delta: instr.op === ">" ? n : -n, steps: positions(code, i, n) });
        break;
      case ".":
        ops.push({ kind: "out", off: 0, pos: instr.pos });
        break;
      case ",":
        ops.push({ kind: "in", off: 0, pos: instr.pos });
        break;
      case "[":
        if (open.length === maxNesting) throw nestingError(instr.pos, maxNesting);
        open.push({ body: ops, start: instr });
        ops = [];
        break;
      case "]": {
        const { body: outer, start } = open.pop()!; // the parser matched every bracket
        outer.push({ kind: "loop", off: 0, body: ops, pos: start.pos, end: instr.pos });
        ops = outer;
        break;
      }
    }
    i += n;
  }
  return { ops: root };
}

/** How many times code[i]'s command repeats from i: runs of + - < > fold, anything else is 1. */
function runLength(code: readonly Instr[], i: number): number {
  const op = code[i]!.op;
  if (op !== "+" && op !== "-" && op !== ">" && op !== "<") return 1;
  let n = 1;
  while (i + n < code.length && code[i + n]!.op === op) n++;
  return n;
}
// #endregion

function positions(code: readonly Instr[], from: number, n: number): SourcePos[] {
  const out: SourcePos[] = [];
  for (let j = from; j < from + n; j++) out.push(code[j]!.pos);
  return out;
}
