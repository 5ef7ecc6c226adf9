// Offset folding: defer pointer moves. `>+>+<<-` becomes `add [1] 1; add [2] 1; add [0] -1` with
// no move at all, because each op's offset absorbs the moves before it.
//
// The bounds checks are not deferred: each cell the pointer steps onto for the first time becomes a
// reach of a `check` op placed where the step was, before any later effect. So if a check fails,
// everything before it has happened and nothing after it has: exactly the interpreter's state when
// that `<` or `>` failed. Only the pointer update moves, to the end of the straight-line stretch,
// and it is kept even across a loop when the loop's body is balanced.
import { isBalanced, stepAt, stepsOf, type AddOp, type InOp, type Lir, type LoopOp, type Op, type OutOp, type Range, type Reach, type SetOp } from "../../08-lir/lir.ts";
import { established, hull, intersect, spanTo } from "../../08-lir/verify.ts";
import { type GuardOp, type MulAddOp, afterScan } from "../ops.ts";
import { loopWith } from "../rewrite.ts";

export function foldOffsets(lir: Lir): Lir {
  const f = new Folder(0, { lo: 0, hi: 0 });
  for (const op of lir.ops) f.fold(op);
  f.commit(); // the program's final pointer is part of its result
  return { ...lir, ops: f.out };
}

// #region folder
class Folder {
  out: Op[] = [];
  /** Reaches not yet emitted: they go out as one `check` just before the next effect. */
  private pending: Reach[] = [];
  /** The last `<` or `>` folded in: the position a committed move's already-checked steps carry. */
  private lastStep: number | null = null;

  constructor(
    /** The deferred move: the interpreter's pointer is p + d, where p is the real one. */
    private d: number,
    /** Offsets from p known to be on the tape. */
    private known: Range,
  ) {}

  fold(op: Op): void {
    switch (op.kind) {
      case "move":
        for (let i = 1; i <= Math.abs(op.delta); i++) this.step(this.d + Math.sign(op.delta) * i, stepAt(op.steps, i - 1));
        this.d += op.delta;
        break;
      case "check":
        for (const r of op.reach) this.step(this.d + r.off, r.pos);
        break;
      case "add":
      case "set":
      case "in":
      case "out":
        this.flushChecks();
        // With no move deferred the op stays as it is: ops are never changed, so it can be shared.
        this.out.push(this.d === 0 ? op : shifted(op, this.d));
        break;
      case "muladd":
        this.flushChecks();
        this.out.push(this.d === 0 ? op : shifted(op, this.d));
        break;
      case "loop":
        if (isBalanced(op.body)) this.foldBalancedLoop(op);
        else this.foldLoop(op);
        break;
      case "guard":
        this.foldGuard(op);
        break;
      case "scan":
        this.commit();
        this.out.push(op);
        this.known = afterScan(this.known, op.stride);
        break;
    }
  }

  /** The pointer steps onto offset t (from p), which the command at pos did. */
  private step(t: number, pos: number): void {
    this.lastStep = pos;
    if (t >= this.known.lo && t <= this.known.hi) return; // been there: it is on the tape
    if (t === this.known.hi + 1) this.known = { lo: this.known.lo, hi: t };
    else if (t === this.known.lo - 1) this.known = { lo: t, hi: this.known.hi };
    else throw new Error(`fold-offsets: a step to ${t} skips cells (known ${this.known.lo}..${this.known.hi}): the input LIR does not verify`);
    this.pending.push({ off: t, pos });
  }
  // #endregion

  // #region loops
  /** Same p at every iteration: fold the body with the deferred move still pending. */
  private foldBalancedLoop(op: LoopOp): void {
    this.flushChecks();
    const body = this.foldBalanced(op.body);
    const same = this.d === 0 && sameOps(op.body, body);
    this.out.push(same ? op : loopWith(op, body, op.off + this.d));
  }

  /**
   * A balanced list, folded with the move still deferred: by this folder rather than a new one for
   * every loop, so what folding it changes (out, known, lastStep) is put back after. What the list
   * checked may not have run (a loop's zero iterations): `known` stays as it was.
   */
  private foldBalanced(ops: readonly Op[]): Op[] {
    const { out, known, lastStep } = this;
    this.out = [];
    for (const op of ops) this.fold(op);
    this.flushChecks();
    const folded = this.out;
    this.out = out;
    this.known = known;
    this.lastStep = lastStep;
    return folded;
  }

  /**
   * p differs from one iteration to the next: make the move, then fold the body afresh. What is
   * known at each iteration's start is what is known here and also proved by the body itself at its
   * end; the loop states that as its `known` range, for the verifier to check.
   */
  private foldLoop(op: LoopOp): void {
    this.commit();
    const start = op.known ?? (op.off === 0 ? intersect(this.known, established(op.body)) : spanTo(op.off));
    const body = new Folder(0, start);
    for (const inner of op.body) body.fold(inner);
    body.commit();
    // The default range is left unsaid. Written out field by field, not spread from the old loop.
    const { off, pos, end } = op;
    this.out.push(sameRange(start, spanTo(off)) ? { kind: "loop", off, body: body.out, pos, end } : { kind: "loop", off, body: body.out, pos, end, known: start });
    this.known = intersect(this.known, body.known); // see verify.ts: after zero iterations, or some
  }

  /** Each branch folds like a loop body: with the move still deferred if both are balanced. */
  private foldGuard(op: GuardOp): void {
    const balanced = isBalanced(op.then) && isBalanced(op.otherwise);
    if (balanced) this.flushChecks();
    else this.commit();
    const cells = { lo: op.cells.lo + this.d, hi: op.cells.hi + this.d };
    const fast = new Folder(this.d, hull(this.known, cells));
    const slow = new Folder(this.d, this.known);
    for (const inner of op.then) fast.fold(inner);
    for (const inner of op.otherwise) slow.fold(inner);
    for (const branch of [fast, slow]) {
      if (balanced) branch.flushChecks();
      else branch.commit();
    }
    this.out.push({ ...op, cells, then: fast.out, otherwise: slow.out });
    if (!balanced) this.known = intersect(fast.known, slow.known);
  }
  // #endregion

  // #region commit
  /** Make the deferred move (and the checks before it): p catches up with the interpreter's pointer. */
  commit(): void {
    const d = this.d;
    if (d === 0) return this.flushChecks();
    // A move checks every cell on its way. If the pending reaches all lie on that way, in order,
    // the move's own check is exactly theirs; otherwise they go first, as a check of their own.
    const dir = Math.sign(d);
    const onTheWay = this.pending.every((r) => Math.sign(r.off) === dir && Math.abs(r.off) <= Math.abs(d));
    const fresh: number[] = []; // by distance from p: the step a pending reach was made by
    if (onTheWay) {
      for (const r of this.pending) fresh[Math.abs(r.off)] = r.pos;
      this.pending = [];
    } else this.flushChecks();
    const steps: number[] = [];
    for (let i = 1; i <= Math.abs(d); i++) steps.push(fresh[i] ?? this.lastStep!);
    this.out.push({ kind: "move", delta: d, steps: stepsOf(steps) });
    this.known = { lo: this.known.lo - d, hi: this.known.hi - d };
    this.d = 0;
  }
  // #endregion

  flushChecks(): void {
    if (this.pending.length === 0) return;
    this.out.push({ kind: "check", reach: this.pending });
    this.pending = [];
  }
}

/** Do two op lists hold the very same ops? Then the old list (and what was worked out about it) is kept. */
function sameOps(a: readonly Op[], b: readonly Op[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The op on the cells `d` further on, written out field by field rather than spread from `op`. */
function shifted(op: AddOp | SetOp | InOp | OutOp | MulAddOp, d: number): Op {
  switch (op.kind) {
    case "muladd":
      return { kind: "muladd", dst: op.dst + d, src: op.src + d, k: op.k, pos: op.pos };
    case "add":
      return { kind: "add", off: op.off + d, k: op.k, pos: op.pos };
    case "set":
      return { kind: "set", off: op.off + d, value: op.value, pos: op.pos };
    case "in":
    case "out":
      return { kind: op.kind, off: op.off + d, pos: op.pos };
  }
}

function sameRange(a: Range, b: Range): boolean {
  return a.lo === b.lo && a.hi === b.hi;
}
