// A loop cut out of its program, to be compiled alone, and what it must be told about the place it is
// entered. Inside the whole program, the verifier of chapter 8 proved which cells are on the tape at
// the loop's head; the loop alone starts with nothing proved. A `check` of exactly those cells, placed
// before the loop, hands the proof over: it costs a compare or two on entry, and it cannot fail. And
// not every pass of chapter 9 may run on it.
import type { LineIndex } from "../06-interpreter/source.ts";
import { isBalanced, type Lir, type LoopOp, type Op, type Range, type Reach } from "../08-lir/lir.ts";
import { afterMove, hull, intersect, spanTo } from "../08-lir/verify.ts";
import { DEFAULT_PIPELINE, optimize } from "../09-optimizer/optimize.ts";
import { afterScan } from "../09-optimizer/ops.ts";

// #region proved-at-heads
/**
 * For every loop of `lir`, the cells (offsets from the pointer) known to be on the tape each time
 * the loop tests its cell: on entry and at every back edge. It follows verify.ts's rules, so on a
 * program that verifies, every cell of each range really is on the tape there.
 */
export function provedAtLoopHeads(lir: Lir): Map<LoopOp, Range> {
  const heads = new Map<LoopOp, Range>();
  walk(lir.ops, { lo: 0, hi: 0 }, heads);
  return heads;
}

function walk(ops: readonly Op[], r: Range, heads: Map<LoopOp, Range>): Range {
  for (const op of ops) {
    switch (op.kind) {
      case "check":
        for (const { off } of op.reach) r = hull(r, spanTo(off));
        break;
      case "move":
        r = afterMove(r, op.delta);
        break;
      case "scan":
        r = afterScan(r, op.stride);
        break;
      case "loop": {
        // What holds at every test is the loop's invariant, not what was known on entry.
        const balanced = isBalanced(op.body);
        const start = op.known ?? (balanced ? r : spanTo(op.off));
        heads.set(op, start);
        const end = walk(op.body, start, heads);
        if (!balanced) r = intersect(r, end);
        break;
      }
      case "guard":
        r = intersect(walk(op.then, hull(r, op.cells), heads), walk(op.otherwise, r, heads));
        break;
      default:
        break; // add, set, muladd, in, out: they use cells, they prove none
    }
  }
  return r;
}
// #endregion proved-at-heads

// #region loop-unit
/**
 * The loop as a program of its own: a check of the cells proved at its head (the verifier wants
 * them reached one step at a time, outwards), then the loop, beginning midway (chapter 9's `begins`).
 * It verifies, so every pass and the code generator accept it.
 */
export function loopUnit(loop: LoopOp, proved: Range, lines: LineIndex): Lir {
  const reach: Reach[] = [];
  const at = (off: number): Reach => ({ off, pos: loop.pos });
  for (let off = 1; off <= proved.hi; off++) reach.push(at(off));
  for (let off = -1; off >= proved.lo; off--) reach.push(at(off));
  // Not the program's start, where every cell is 0: the passes know nothing of the tape here.
  return { ops: reach.length === 0 ? [loop] : [{ kind: "check", reach }, loop], lines, begins: "midway" };
}
// #endregion loop-unit

// #region loop-passes
/**
 * Chapter 9's pipeline but hoist-guards. The unit begins midway (loopUnit says so), so dead-code and
 * known-values start from nothing known: started from "every cell is 0", true only where a program
 * starts, they would delete the loop (its cell is "known" to be 0) or fold in values the tape does
 * not hold. Hoisting guards copies a loop into both branches of a guard, which makes a unit's code
 * several times bigger, in a compile the running program waits for.
 */
export const LOOP_PASSES: readonly string[] = DEFAULT_PIPELINE.filter((p) => p !== "hoist-guards");

export function optimizeLoop(unit: Lir): Lir {
  return optimize(unit, { passes: LOOP_PASSES }).lir;
}
// #endregion loop-passes
