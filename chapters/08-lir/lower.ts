// Brainfuck -> LIR, the direct translation: a run of the same command becomes one op, a loop
// becomes a loop, and every op works on cell [0]. Nothing clever: it is still the program as written.
import type { Program } from "../06-interpreter/parser.ts";
import { runLength } from "../07-template-jit/generate.ts";
import { MAX_NESTING, nestingError } from "./errors.ts";
import { wrapSigned, type Lir, type Op, type Steps } from "./lir.ts";

// #region lower
/**
 * One op per run of the same command (`add` with wrapSigned, dropped when it wraps to 0; `move` with
 * one step position per command, as Steps, which checks itself), a `loop [0]` per loop (its `[` and `]`
 * positions), `in`/`out` on [0]; a run is what chapter 7's runLength says. maxNesting: the deepest
 * loop nesting accepted (MAX_NESTING unless told: see errors.ts). A loop deeper than that is
 * errors.ts's nestingError, at its `[`.
 */
export function lower(program: Program, { maxNesting = MAX_NESTING }: { readonly maxNesting?: number } = {}): Lir {
  const root: Op[] = [];
  // The loops still open, innermost last: the body being filled, the `[` that opened it.
  const open: { body: Op[]; start: number }[] = [];
  const at = program.offsets; // an op's positions are its commands' offsets (see lir.ts)
  let ops = root;
  let i = 0;
  while (i < program.length) {
    const op = program.op(i);
    const n = runLength(program, i);
    switch (op) {
      case "+":
      case "-": {
        const k = wrapSigned(op === "+" ? n : -n);
        if (k !== 0) ops.push({ kind: "add", off: 0, k, pos: at[i]! });
        break;
      }
      case ">":
      case "<":
        ops.push({ kind: "move", delta: op === ">" ? n : -n, steps: offsets(at, i, n) });
        break;
      case ".":
        ops.push({ kind: "out", off: 0, pos: at[i]! });
        break;
      case ",":
        ops.push({ kind: "in", off: 0, pos: at[i]! });
        break;
      case "[":
        if (open.length === maxNesting) throw nestingError(program.pos(i), maxNesting);
        open.push({ body: ops, start: at[i]! });
        ops = [];
        break;
      case "]": {
        const { body: outer, start } = open.pop()!; // the parser matched every bracket
        outer.push({ kind: "loop", off: 0, body: ops, pos: start, end: at[i]! });
        ops = outer;
        break;
      }
    }
    i += n;
  }
  return { ops: root, lines: program.lines };
}
// #endregion

/** The Steps of the n commands from `from`: the first offset alone when no comment is inside the run. */
function offsets(at: Uint32Array, from: number, n: number): Steps {
  if (at[from + n - 1]! - at[from]! === n - 1) return at[from]!;
  const out: number[] = [];
  for (let j = from; j < from + n; j++) out.push(at[j]!);
  return out;
}
