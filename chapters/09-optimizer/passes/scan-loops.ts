// Scan loops: `[>]`, `[<<]`: move by a fixed stride until the cell is 0. One op instead of a loop,
// which a backend can turn into memchr-style code. Every step is still checked: the
// scan carries the positions of the loop's `<`s and `>`s, and runs off the tape where they would.
import type { Lir } from "../../08-lir/lir.ts";
import { rewrite } from "../rewrite.ts";

// #region scan-loops
export function scanLoops(lir: Lir): Lir {
  return {
    ...lir,
    ops: rewrite(lir.ops, (op) => {
      if (op.kind !== "loop" || op.off !== 0 || op.body.length !== 1) return op;
      const move = op.body[0]!;
      if (move.kind !== "move") return op;
      return { kind: "scan", stride: move.delta, steps: move.steps, pos: op.pos };
    }),
  };
}
// #endregion
