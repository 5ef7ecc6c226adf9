// The shape most passes share: rewrite what is inside every loop and guard first, innermost out,
// then offer each op to the pass, which returns what replaces it (itself, other ops, or nothing).
import type { Op } from "../08-lir/lir.ts";

// #region rewrite
export function rewrite(ops: readonly Op[], replace: (op: Op) => readonly Op[]): Op[] {
  const out: Op[] = [];
  for (const op of ops) {
    const inner =
      op.kind === "loop"
        ? { ...op, body: rewrite(op.body, replace) }
        : op.kind === "guard"
          ? { ...op, then: rewrite(op.then, replace), otherwise: rewrite(op.otherwise, replace) }
          : op;
    out.push(...replace(inner));
  }
  return out;
}
// #endregion
