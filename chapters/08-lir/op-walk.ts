// The walk every backend makes over an op list: one op after another, and a loop's body lowered in
// the middle of its op's code. It knows nothing of any machine, so a second backend walks the LIR
// with the same code; each lowering gives it the one thing that differs, its rule for one op.
import type { Op } from "./lir.ts";

// #region walk
/** What a lowering gives the walk. */
export interface OpLowerer {
  /** Lower one op by its rule; `previous` is the op whose code ends where this one's starts. */
  lowerOp(op: Op, previous: Op | null): void;
  /** Lower an op list, when a rule hands one over while the walk cannot take it (see `nest`). */
  ops(ops: readonly Op[]): void;
}

/**
 * One op after another, without recursion. A rule lowering a loop calls `nest(body, after)` last; the
 * walk lowers the body once the rule has returned, then `after`, then the ops after the loop, keeping
 * a stack of the lists it is in the middle of: a program nested 100,000 loops deep costs no stack.
 */
export class OpWalk {
  /** The op whose code ends where the code now ends, or null. */
  #last: Op | null = null;
  /** Set just before the walk lowers one of its ops: that op's rule may leave its body to the walk. */
  #nestable = false;
  /** The op whose rule may leave its body to the walk, or null. */
  #nesting: Op | null = null;
  /** The body (and what comes after it) a rule left to the walk, or null. */
  #nested: { readonly ops: readonly Op[]; readonly after: () => void } | null = null;

  /**
   * @param defer whether a rule may leave its body to the walk. A table of rules that wrap others
   * must say no: a wrapper may do something after the rule it wraps returns, which must come after
   * the body.
   */
  constructor(
    readonly lowerer: OpLowerer,
    readonly defer: boolean,
  ) {}

  sequence(ops: readonly Op[]): void {
    const open: { readonly list: readonly Op[]; readonly next: number; readonly op: Op; readonly after: () => void }[] = [];
    let list = ops;
    let i = 0;
    for (;;) {
      if (i === list.length) {
        const done = open.pop();
        if (done === undefined) return;
        done.after(); // `last` is still the body's last op, as when a rule lowers the body itself
        this.#last = done.op;
        ({ list, next: i } = done);
        continue;
      }
      const op = list[i++]!;
      this.#nestable = true;
      this.op(op);
      const nested = this.#nested;
      this.#nested = null;
      if (nested !== null) {
        open.push({ list, next: i, op, after: nested.after });
        [list, i, this.#last] = [nested.ops, 0, null];
      }
    }
  }

  /** One op, by the lowering's rule. */
  op(op: Op): void {
    const previous = this.#last;
    const outer = this.#nesting;
    this.#nesting = this.#nestable && this.defer ? op : null;
    this.#nestable = false;
    this.#last = null;
    try {
      this.lowerer.lowerOp(op, previous);
    } finally {
      this.#nesting = outer;
    }
    this.#last = op;
  }

  /**
   * The op list inside the op being lowered, then `after`: as `ops(inner); after()`. A rule
   * calls it last. When the walk lowered the op itself, it lowers both once the rule has returned.
   */
  nest(inner: readonly Op[], after: () => void): void {
    if (this.#nesting !== null && this.#nested === null) {
      this.#nested = { ops: inner, after };
      this.#nesting = null;
      return;
    }
    this.lowerer.ops(inner);
    after();
  }

  /**
   * The op whose code ends where the code now ends, or null: what it left in registers and flags is
   * still there. Inside a rule, the last op of the list it lowered, if any.
   */
  get last(): Op | null {
    return this.#last;
  }

  /** The next op follows no op's code: what was lowered last was lowered somewhere else (out of line, say). */
  forget(): void {
    this.#last = null;
  }
}
// #endregion walk
