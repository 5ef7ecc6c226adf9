// Run folding: what lowering could not fold because it was not one run of one command. `+-+` is
// `add [0] 1`; `+>+<+`, once offsets are folded, is two adds to [0] around an add to [1], and they
// merge. Two adds to a cell merge when nothing between them reads or writes that cell or can fail
// (a check or move: when it fails, the tape is part of the result). Adjacent moves the same way
// merge too.
import { stepList, stepsOf, wrapSigned, type Lir, type MoveOp, type Op, type Steps } from "../../08-lir/lir.ts";
import { guardWith, keepSame, loopWith } from "../rewrite.ts";

// #region fold-runs
export function foldRuns(lir: Lir): Lir {
  return { ...lir, ops: new RunFolder().fold(lir.ops) };
}

class RunFolder {
  /**
   * Cell -> the place of an add to it that a later add may join. One map for every list, never
   * cleared (clearing a map costs about what making one does): each list numbers its places from its
   * own start, past every place numbered before, and an entry counts only if its place is one of this
   * list's, made since the list's last barrier.
   */
  private readonly open = new Map<number, number>();
  private places = 0;

  fold(ops: readonly Op[]): readonly Op[] {
    const out: (Op | null)[] = []; // null: an add that folded away to nothing
    let folded = false; // two ops became one (or none)
    const start = this.places; // out[i] is place start + i
    this.places += ops.length; // out never holds more than ops
    let since = 0; // the index in `out` just past the last barrier
    for (const op of ops) {
      switch (op.kind) {
        case "add": {
          const at = (this.open.get(op.off) ?? -1) - start; // an index in `out`, if the place is this list's
          const prev = at >= since && at < out.length ? out[at] : null;
          if (prev?.kind !== "add") {
            this.open.set(op.off, start + out.length);
            out.push(op);
            break;
          }
          folded = true;
          const k = wrapSigned(prev.k + op.k);
          out[at] = k === 0 ? null : { kind: "add", off: prev.off, k, pos: prev.pos };
          if (k === 0) this.open.delete(op.off);
          break;
        }
        case "move": {
          const prev = out[out.length - 1];
          if (prev?.kind === "move" && Math.sign(prev.delta) === Math.sign(op.delta)) {
            folded = true;
            out[out.length - 1] = { kind: "move", delta: prev.delta + op.delta, steps: joinSteps(prev, op) };
          } else {
            out.push(op);
          }
          since = out.length;
          break;
        }
        case "set":
        case "in":
        case "out":
          this.open.delete(op.off); // it reads or writes the cell: a later add cannot join an earlier one
          out.push(op);
          break;
        case "muladd":
          this.open.delete(op.dst);
          this.open.delete(op.src);
          out.push(op);
          break;
        case "loop":
          out.push(loopWith(op, this.fold(op.body)));
          since = out.length;
          break;
        case "guard":
          out.push(guardWith(op, this.fold(op.then), this.fold(op.otherwise)));
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
}
// #endregion

/** The steps of `a`, then of `b` (a move the same way): one number still, when b's run goes on where a's stopped. */
function joinSteps(a: MoveOp, b: MoveOp): Steps {
  return stepsOf(stepList(a.steps, Math.abs(a.delta)).concat(stepList(b.steps, Math.abs(b.delta))));
}
