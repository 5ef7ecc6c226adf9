// Guard hoisting: a multiply loop inside a loop that walks the tape gets a guard (mul-loops), and
// the guard is tested at every turn of the walk, although its answer cannot change. If the walk goes
// left, a guard's cells to the right of the pointer only come further inside the tape at each turn,
// and its cells to the left are ones the loop's `known` range already proves at every turn. So the
// answer at the first turn is the answer at every turn: test it once, before the loop, and run a
// copy of the loop without the guards (its `known` range grown by their cells) when it holds, or
// the loop as it was when it does not. The same, mirrored, for a walk to the right; and a balanced
// loop, which never moves, needs no argument at all.
import { isBalanced, type Lir, type LoopOp, type Op, type Range } from "../../08-lir/lir.ts";
import { hull, spanTo } from "../../08-lir/verify.ts";
import { rewrite } from "../rewrite.ts";
import { type GuardOp } from "../ops.ts";

// #region hoist-guards
export function hoistGuards(lir: Lir): Lir {
  return { ...lir, ops: rewrite(lir.ops, (op) => (op.kind === "loop" ? hoisted(op) ?? op : op)) };
}

/** `guard cells { loop without its guards } else { loop }`, or null when no guard can go. */
function hoisted(loop: LoopOp): Op[] | null {
  if (!loop.body.some((op) => op.kind === "guard")) return null; // most loops: nothing to hoist
  const walk = stride(loop.body);
  if (walk === null) return null;
  const known: Range = loop.known ?? spanTo(loop.off);
  let cells: Range | null = null;
  let at = 0; // the body's moves so far: a guard's cells, from the pointer at the start of the turn
  const fast: Op[] = [];
  for (const op of loop.body) {
    if (op.kind === "move") at += op.delta;
    const shifted = op.kind === "guard" ? { lo: op.cells.lo + at, hi: op.cells.hi + at } : null;
    if (op.kind !== "guard" || !straight(op) || !steady(shifted!, walk, known)) {
      fast.push(op);
      continue;
    }
    cells = cells === null ? shifted : hull(cells, shifted!);
    fast.push(...op.then);
  }
  if (cells === null) return null;
  // Each turn of the copy starts with the guards' cells on the tape, as well as what the loop knew.
  // A balanced loop with no `known` range of its own starts from what is known on entry, which the
  // guard grew; one that has a range needs it grown too.
  const faster: LoopOp = walk === 0 && loop.known === undefined ? { ...loop, body: fast } : { ...loop, known: hull(known, cells), body: fast };
  return [{ kind: "guard", cells, then: [faster], otherwise: [loop], pos: loop.pos }];
}
// #endregion hoist-guards

/** How far each turn of the body moves the pointer, or null if that is not the same every turn. */
function stride(body: readonly Op[]): number | null {
  let d = 0;
  for (const op of body) {
    if (op.kind === "move") d += op.delta;
    else if (op.kind === "scan") return null;
    else if (op.kind === "loop" && !isBalanced(op.body)) return null;
    else if (op.kind === "guard" && !(isBalanced(op.then) && isBalanced(op.otherwise))) return null;
  }
  return d;
}

/** A guard whose fast branch is straight-line code: adds, sets and muladds (what mul-loops makes). */
function straight(g: GuardOp): boolean {
  return g.then.every((op) => op.kind === "add" || op.kind === "set" || op.kind === "muladd" || op.kind === "check");
}

/**
 * Is the guard's answer the same at every turn? Walking left (walk < 0), cells right of the pointer
 * stay on the tape once they are; cells left of it must be ones the loop knows at every turn.
 */
function steady(cells: Range, walk: number, known: Range): boolean {
  if (walk < 0) return cells.lo >= known.lo;
  if (walk > 0) return cells.hi <= known.hi;
  return true;
}
