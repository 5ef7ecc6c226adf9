// The shape most passes share: rewrite what is inside every loop and guard first, innermost out,
// then offer each op to the pass, which returns what replaces it: itself, another op, or a list of
// ops (empty for nothing). Most ops stay as they are, and returning one costs no array.
import type { LoopOp, Op } from "../08-lir/lir.ts";
import { type GuardOp } from "./ops.ts";

// #region rewrite
export function rewrite(ops: readonly Op[], replace: (op: Op) => Op | readonly Op[]): readonly Op[] {
  // Made at the first change: nothing changed means the same array, so that what was worked out
  // about it (isBalanced, written) still holds, and no copy was made for nothing.
  let out: Op[] | null = null;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const replaced = replace(rewriteInside(op, replace));
    if (out === null) {
      if (replaced === op) continue;
      out = ops.slice(0, i);
    }
    if (!isList(replaced)) out.push(replaced);
    else for (let j = 0; j < replaced.length; j++) out.push(replaced[j]!); // not push(...): spreading costs an iterator
  }
  return out ?? ops;
}

/** The op with what is inside it rewritten, or the op itself when that changed nothing. */
function rewriteInside(op: Op, replace: (op: Op) => Op | readonly Op[]): Op {
  if (op.kind === "loop") return loopWith(op, rewrite(op.body, replace));
  if (op.kind === "guard") return guardWith(op, rewrite(op.then, replace), rewrite(op.otherwise, replace));
  return op;
}

/** `before` itself when `after` holds the same ops, so that what was worked out about it still holds. */
export function keepSame(before: readonly Op[], after: readonly Op[]): readonly Op[] {
  if (after.length !== before.length) return after;
  for (let i = 0; i < after.length; i++) if (after[i] !== before[i]) return after;
  return before;
}

/** Is a pass's answer a list? Asking an array is quicker than asking ops of every kind for a `kind`. */
export function isList(replaced: Op | readonly Op[]): replaced is readonly Op[] {
  return Array.isArray(replaced);
}

/**
 * The loop with this body (and on cell `off`): the loop itself when neither changed. Written out
 * field by field rather than spread, as a new loop is made for most loops in most passes; its
 * `known` range stays unsaid when it was.
 */
export function loopWith(op: LoopOp, body: readonly Op[], off = op.off): LoopOp {
  if (body === op.body && off === op.off) return op;
  const { pos, end, known } = op;
  return known === undefined ? { kind: "loop", off, body, pos, end } : { kind: "loop", off, body, pos, end, known };
}

/** The guard with these branches: the guard itself when both are the same arrays. */
export function guardWith(op: GuardOp, then: readonly Op[], otherwise: readonly Op[]): GuardOp {
  return then === op.then && otherwise === op.otherwise ? op : { kind: "guard", cells: op.cells, then, otherwise, pos: op.pos };
}
// #endregion rewrite
