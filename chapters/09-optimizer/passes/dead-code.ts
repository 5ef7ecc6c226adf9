// Dead code: a loop whose cell is known to be 0 when it is reached never runs. That happens at the
// start of a program (every cell is 0: the classic comment loop `[ ... ]`), right after a loop on
// the same cell (`[-][-]`: it ended because the cell is 0), and after `set [o] 0`. A scan on a 0
// cell does not move either.
import type { Lir, Op } from "../../08-lir/lir.ts";
import { Knowledge } from "../knowledge.ts";

// #region dead-code
export function deadCode(lir: Lir): Lir {
  return { ops: sweep(lir.ops, Knowledge.atStart()) };
}

function sweep(ops: readonly Op[], known: Knowledge): Op[] {
  const out: Op[] = [];
  for (const op of ops) {
    if ((op.kind === "loop" && known.get(op.off) === 0) || (op.kind === "scan" && known.get(0) === 0)) continue;
    const kept =
      op.kind === "loop"
        ? { ...op, body: sweep(op.body, known.enter(op)) }
        : op.kind === "guard"
          ? { ...op, then: sweep(op.then, known.clone()), otherwise: sweep(op.otherwise, known.clone()) }
          : op;
    out.push(kept);
    known.apply(kept);
  }
  return out;
}
// #endregion
