// Run folding: what lowering could not fold because it was not one run of one command. `+-+` is
// `add [0] 1`; `+>+<+`, once offsets are folded, is two adds to [0] around an add to [1], and they
// merge. Two adds to a cell merge when nothing between them reads or writes that cell or can fail
// (a check or move: when it fails, the tape is part of the result). Adjacent moves the same way
// merge too.
import { wrapSigned, type Lir, type Op } from "../../08-lir/lir.ts";
import { guardWith, keepSame, loopWith } from "../rewrite.ts";

// #region fold-runs
export function foldRuns(lir: Lir): Lir {
  return { ops: foldBody(lir.ops) };
}

function foldBody(ops: readonly Op[]): readonly Op[] {
  const out: (Op | null)[] = []; // null: an add that folded away to nothing
  let folded = false; // two ops became one (or none)
  // Cell -> the index in `out` of an add to it that a later add may join, if it lies past `since`:
  // a barrier moves `since` to the end of `out` rather than clearing the map.
  const open = new Map<number, number>();
  let since = 0;
  for (const op of ops) {
    switch (op.kind) {
      case "add": {
        const at = open.get(op.off);
        const prev = at === undefined || at < since ? null : out[at];
        if (at === undefined || prev?.kind !== "add") {
          open.set(op.off, out.length);
          out.push(op);
          break;
        }
        folded = true;
        const k = wrapSigned(prev.k + op.k);
        out[at] = k === 0 ? null : { kind: "add", off: prev.off, k, pos: prev.pos };
        if (k === 0) open.delete(op.off);
        break;
      }
      case "move": {
        const prev = out.at(-1);
        if (prev?.kind === "move" && Math.sign(prev.delta) === Math.sign(op.delta)) {
          folded = true;
          out[out.length - 1] = { kind: "move", delta: prev.delta + op.delta, steps: prev.steps.concat(op.steps) };
        } else {
          out.push(op);
        }
        since = out.length;
        break;
      }
      case "set":
      case "in":
      case "out":
        open.delete(op.off); // it reads or writes the cell: a later add cannot join an earlier one
        out.push(op);
        break;
      case "muladd":
        open.delete(op.dst);
        open.delete(op.src);
        out.push(op);
        break;
      case "loop":
        out.push(loopWith(op, foldBody(op.body)));
        since = out.length;
        break;
      case "guard":
        out.push(guardWith(op, foldBody(op.then), foldBody(op.otherwise)));
        since = out.length;
        break;
      case "check":
      case "scan":
        out.push(op);
        since = out.length;
        break;
    }
  }
  return folded ? out.filter((op) => op !== null) : keepSame(ops, out as Op[]);
}
// #endregion
