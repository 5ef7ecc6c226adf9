// Clear loops: `[-]` (and `[+]`, `[---]`, any odd step) sets its cell to 0, however many turns
// that takes. An even step is left alone: `[--]` never ends on an odd cell, and must not end here.
import type { Lir, Op } from "../../08-lir/lir.ts";
import { rewrite } from "../rewrite.ts";

// #region clear-loops
export function clearLoops(lir: Lir): Lir {
  return {
    ...lir,
    ops: rewrite(lir.ops, (op) => {
      if (op.kind !== "loop" || op.body.length !== 1) return op;
      const only = op.body[0]!;
      if (only.kind !== "add" || only.off !== op.off || only.k % 2 === 0) return op;
      return { kind: "set", off: op.off, value: 0, pos: op.pos } satisfies Op;
    }),
  };
}
// #endregion
