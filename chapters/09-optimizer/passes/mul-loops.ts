// Multiply loops: `[->+++>+<<]` adds 3 × [0] to [1] and [0] to [2], then leaves [0] at 0. A loop
// whose body only adds constants, does not move, and changes its own cell by an odd step runs a
// number of times fixed by the cell, so its effect has a closed form: one muladd per target and a
// set. No branch: a muladd from a cell that holds 0 adds 0, which is what the loop would have done.
// A body that also sets other cells (`[>[-]+<-]`) has a closed form too, but the sets happen only if
// the loop runs at all: that one keeps a loop, which runs once at most (`if`, to the backend).
import { wrapSigned, wrapUnsigned, type AddOp, type Lir, type LoopOp, type Op, type SetOp } from "../../08-lir/lir.ts";
import { loopWith, rewrite } from "../rewrite.ts";

// #region mul-loops
export function mulLoops(lir: Lir): Lir {
  return { ...lir, ops: rewrite(lir.ops, (op) => (op.kind === "loop" ? closedForm(op) ?? op : op)) };
}

/** The loop's effect without the loop, or null when it is not a multiply loop. */
function closedForm(loop: LoopOp): Op[] | null {
  // Most loops hold a move, a loop or I/O: turn them away before making anything.
  for (const op of loop.body) if (op.kind !== "add" && op.kind !== "set" && op.kind !== "check") return null;
  let step = 0; // what one iteration adds to the loop's own cell
  let lo = Infinity; // the cells the body checks: lo..hi
  let hi = -Infinity;
  const added = new Map<number, number>(); // target offset -> what one iteration adds to it
  const assigned = new Map<number, number>(); // a cell the body sets -> its value when an iteration ends
  for (const op of loop.body) {
    if (op.kind === "check") {
      for (const { off } of op.reach) {
        lo = Math.min(lo, off);
        hi = Math.max(hi, off);
      }
    } else if (op.kind === "set" && op.off !== loop.off) {
      assigned.set(op.off, op.value);
      added.delete(op.off); // what was added before the set is gone
    } else if (op.kind !== "add") return null; // a move, a loop, I/O, a set of the counter: not a multiply loop
    else if (op.off === loop.off) step += op.k;
    else if (assigned.has(op.off)) assigned.set(op.off, wrapUnsigned(assigned.get(op.off)! + op.k));
    else added.set(op.off, (added.get(op.off) ?? 0) + op.k);
  }
  if (step % 2 === 0) return null; // an even step may never reach 0: keep the loop, and its hang
  const ops: Op[] = [];
  const inv = inverse(wrapSigned(step)); // once per loop: it is a search
  // forEach, not for-of: an iterator, and an array for every entry, would be made for each loop.
  added.forEach((k, dst) => {
    const factor = wrapSigned(-k * inv);
    if (factor !== 0) ops.push({ kind: "muladd", dst, src: loop.off, k: factor, pos: first(loop, "add", dst).pos });
  });
  assigned.forEach((value, off) => ops.push({ kind: "set", off, value, pos: first(loop, "set", off).pos }));
  ops.push({ kind: "set", off: loop.off, value: 0, pos: loop.pos });
  // With sets, run only if the loop would have run: a loop whose body ends by zeroing its cell.
  const closed: Op[] = assigned.size === 0 ? ops : [loopWith(loop, ops)];
  if (lo > hi) return closed;
  // The body checks cells it reaches: if one is off the tape, the loop fails there, after the adds
  // before it. So the closed form may run only when all of them are on the tape, which is tested
  // once, up front, and nearly always true; otherwise the loop runs as written, and fails as written.
  return [{ kind: "guard", cells: { lo, hi }, then: closed, otherwise: [loop], pos: loop.pos }];
}
// #endregion

// #region inverse
/**
 * The n with step × n = 1 (mod 256), for odd step. The loop runs n(v) times, where v + n·step = 0,
 * so n = -v · inverse(step), and a target gaining k per iteration gains v · (-k · inverse(step)).
 * An even step has no inverse: a RangeError.
 */
export function inverse(step: number): number {
  for (let n = 1; n < 256; n += 2) if (((step * n) & 255) === 1) return n; // & 255: mod 256, negative numbers too
  throw new RangeError(`${step} is even: it has no inverse modulo 256`);
}
// #endregion

/** The body's first add (or set) of cell `off`. A loop, not `find`: that makes a callback for every target. */
function first(loop: LoopOp, kind: "add" | "set", off: number): AddOp | SetOp {
  for (const op of loop.body) if (op.kind === kind && op.off === off) return op;
  throw new Error(`mul-loops: no ${kind} of [${off}] in the loop's body`);
}
