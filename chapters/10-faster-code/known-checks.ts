// Checks already answered. The verifier (chapter 8) walks a program with the range of cells known to
// be on the tape, and a check adds the cells it reaches to that range. A check whose every cell is
// already in the range cannot fail, and its test is wasted. chapter 9's guards leave such checks
// behind: a guard hoisted out of a loop tests the cells of the multiply loops inside it once, and
// the loop's fast copy still holds the checks of the cells between them and the pointer, which
// the guard's test has answered too (the tape has no holes). The same walk as the verifier's, and
// what the range already covers goes.
import { definitionOf } from "../08-lir/op-set.ts";
import { afterMove, hull, intersect, spanTo } from "../08-lir/verify.ts";
import { isBalanced, type CheckOp, type Lir, type Op, type Range } from "../08-lir/lir.ts";

// #region known-checks
export function knownChecks(lir: Lir): Lir {
  const ops = withoutKnown(lir.ops, { lo: 0, hi: 0 }).ops;
  return ops === lir.ops ? lir : { ...lir, ops };
}

/**
 * `ops` run from range `r`, without the checks `r` already covers where they stand, and the range
 * they leave (the verifier's): the same array when nothing went.
 */
function withoutKnown(ops: readonly Op[], r: Range): { ops: readonly Op[]; after: Range } {
  let out: Op[] | null = null; // made at the first change, as rewrite does
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    let kept: Op | null = op;
    switch (op.kind) {
      case "check":
        if (answered(op, r)) kept = null;
        else r = reached(op, r);
        break;
      case "move":
        r = afterMove(r, op.delta);
        break;
      case "add":
      case "set":
      case "in":
      case "out":
        break;
      case "loop": {
        // A balanced loop's turns start where it did, with what was known there; any other loop's,
        // with its own `known` range (the verifier has checked that each turn leaves it true).
        const balanced = isBalanced(op.body);
        const inner = withoutKnown(op.body, intersect(op.known ?? (balanced ? r : spanTo(op.off)), r));
        if (inner.ops !== op.body) kept = { ...op, body: inner.ops };
        if (!balanced) r = intersect(r, inner.after); // it may run no turn, or some
        break;
      }
      case "guard": {
        // The fast branch runs when the guard's cells are on the tape, and with them every cell
        // between them and the pointer.
        const then = withoutKnown(op.then, hull(r, op.cells));
        const otherwise = withoutKnown(op.otherwise, r);
        if (then.ops !== op.then || otherwise.ops !== op.otherwise) kept = { ...op, then: then.ops, otherwise: otherwise.ops };
        r = intersect(then.after, otherwise.after);
        break;
      }
      default: // the other ops keep their checks: only follow the range across them
        r = definitionOf(op).verify(op, r, { need: () => {}, walk: (inner, from) => withoutKnown(inner, from).after });
    }
    if (kept !== op && out === null) out = ops.slice(0, i);
    if (out !== null && kept !== null) out.push(kept);
  }
  return { ops: out ?? ops, after: r };
}

/** Every cell the check reaches is in the range already. */
function answered(check: CheckOp, r: Range): boolean {
  for (const { off } of check.reach) if (off < r.lo || off > r.hi) return false;
  return true;
}

/** The range after a check: each cell it reaches next to the range joins it (the verifier's rule). */
function reached(check: CheckOp, r: Range): Range {
  for (const { off } of check.reach) {
    if (off === r.hi + 1) r = { lo: r.lo, hi: off };
    else if (off === r.lo - 1) r = { lo: off, hi: r.hi };
  }
  return r;
}
// #endregion known-checks
