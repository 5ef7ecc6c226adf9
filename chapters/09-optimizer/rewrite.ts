// The shape most passes share: rewrite what is inside every loop and guard first, innermost out,
// then offer each op to the pass, which returns what replaces it (itself, other ops, or nothing).
import type { Op } from "../08-lir/lir.ts";

// #region rewrite
export function rewrite(ops: readonly Op[], replace: (op: Op) => readonly Op[]): readonly Op[] {
  const out: Op[] = [];
  let changed = false;
  for (const op of ops) {
    const inner = rewriteInside(op, replace);
    const replaced = replace(inner);
    if (inner !== op || replaced.length !== 1 || replaced[0] !== op) changed = true;
    out.push(...replaced);
  }
  // Nothing changed: the same array, so that what was worked out about it (isBalanced, written) still holds.
  return changed ? out : ops;
}

/** The op with what is inside it rewritten, or the op itself when that changed nothing. */
function rewriteInside(op: Op, replace: (op: Op) => readonly Op[]): Op {
  if (op.kind === "loop") {
    const body = rewrite(op.body, replace);
    return body === op.body ? op : { ...op, body };
  }
  if (op.kind === "guard") {
    const then = rewrite(op.then, replace);
    const otherwise = rewrite(op.otherwise, replace);
    return then === op.then && otherwise === op.otherwise ? op : { ...op, then, otherwise };
  }
  return op;
}
// #endregion rewrite
