// Dead code: a loop whose cell is known to be 0 when it is reached never runs. That happens at the
// start of a program (every cell is 0: the classic comment loop `[ ... ]`), right after a loop on
// the same cell (`[-][-]`: it ended because the cell is 0), and after `set [o] 0`. A scan on a 0
// cell does not move either.
import type { Lir, Op } from "../../08-lir/lir.ts";
import { Knowledge } from "../knowledge.ts";
import { guardWith, loopWith } from "../rewrite.ts";

// #region dead-code
export function deadCode(lir: Lir): Lir {
  return { ...lir, ops: sweep(lir.ops, Knowledge.where(lir)) };
}

/** The ops that can run; the same array when every op can (what was worked out about it still holds). */
function sweep(ops: readonly Op[], known: Knowledge): readonly Op[] {
  let out: Op[] | null = null; // made at the first change: most lists lose nothing
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if ((op.kind === "loop" && known.get(op.off) === 0) || (op.kind === "scan" && known.get(0) === 0)) {
      out ??= ops.slice(0, i);
      continue;
    }
    let kept: Op = op;
    if (op.kind === "loop") {
      kept = loopWith(op, canDrop(op.body) ? sweep(op.body, known.enter(op)) : op.body);
      known.apply(kept);
    } else if (op.kind === "guard") {
      // `then` is swept with what is known here, `otherwise` with a copy; after it, what both leave.
      const other = known.clone();
      const guard = guardWith(op, sweep(op.then, known), sweep(op.otherwise, other));
      known.join(other, guard);
      kept = guard;
    } else known.apply(op);
    if (kept !== op) out ??= ops.slice(0, i);
    out?.push(kept);
  }
  return out ?? ops;
}

/** Does the list hold anything sweep may drop? Most loop bodies do not, and need no knowledge made for them. */
function canDrop(ops: readonly Op[]): boolean {
  for (const op of ops) if (op.kind === "loop" || op.kind === "scan" || op.kind === "guard") return true;
  return false;
}
// #endregion
