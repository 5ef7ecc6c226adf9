// Known values: where a cell's value is known, use it. An add to a known cell becomes a set (no
// read, and `[-]+++` becomes `set [0] 3`), a set to the value already there goes, a muladd from a
// known cell becomes an add, and a loop known to run exactly once loses its loop. Then stores that
// are overwritten before anything reads them go too.
import { isBalanced, wrapSigned, wrapUnsigned, type AddOp, type Lir, type LoopOp, type Op } from "../../08-lir/lir.ts";
import { Knowledge } from "../knowledge.ts";
import { guardWith, isList, keepSame, loopWith } from "../rewrite.ts";

// #region known-values
export function knownValues(lir: Lir): Lir {
  return { ...lir, ops: propagate(lir.ops, Knowledge.where(lir)) };
}

function propagate(ops: readonly Op[], known: Knowledge): readonly Op[] {
  // What replaces ops[0..i): made at the first change, as most loop bodies keep every op.
  let out: Op[] | null = null;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const replaced = replacement(op, known);
    if (out === null) {
      if (replaced === op) continue;
      out = ops.slice(0, i);
    }
    if (replaced === null) continue;
    if (!isList(replaced)) out.push(replaced);
    else for (let j = 0; j < replaced.length; j++) out.push(replaced[j]!);
  }
  return keepSame(ops, dropDeadStores(out ?? ops));
}

/**
 * What replaces `op`, with `known` brought past it: the op itself, another op, the ops of a loop's
 * body in place of the loop, or null when it goes. A function of its own rather than closures in
 * propagate: propagate runs once for every loop body, and closures would be made at every call.
 */
function replacement(op: Op, known: Knowledge): Op | readonly Op[] | null {
  switch (op.kind) {
    case "add":
      return emit(knownAdd(op, known), known);
    case "set":
      return known.get(op.off) !== op.value ? emit(op, known) : null; // a set of what is there goes
    case "muladd": {
      const s = known.get(op.src);
      if (s === null) return emit(op, known);
      const k = wrapSigned(s * op.k);
      return k === 0 ? null : emit(knownAdd({ kind: "add", off: op.dst, k, pos: op.pos }, known), known); // 0: it adds 0
    }
    case "loop": {
      const v = known.get(op.off);
      if (v === 0) return emit(op, known); // never runs: nothing to learn inside (dead-code removes it)
      if (v !== null && runsOnce(op)) return propagate(op.body, known); // the body in place of the loop
      return emit(loopWith(op, propagate(op.body, asksOwnCells(op.body) ? Knowledge.nothing() : known.enter(op))), known);
    }
    case "guard": {
      // `then` runs on what is known here, `otherwise` on a copy; after it, what both leave.
      const other = known.clone();
      const guard = guardWith(op, propagate(op.then, known), propagate(op.otherwise, other));
      known.join(other, guard);
      return guard;
    }
    default:
      return emit(op, known);
  }
}

/** `op`, once what is known has been brought past it. */
function emit(op: Op, known: Knowledge): Op {
  known.apply(op);
  return op;
}

/** An add, as a set when the cell's value is known. */
function knownAdd(op: AddOp, known: Knowledge): Op {
  const v = known.get(op.off);
  return v === null ? op : { kind: "set", off: op.off, value: wrapUnsigned(v + op.k), pos: op.pos };
}

/**
 * Does the body ask only about cells it writes itself? Adds and sets do, and I/O, checks and moves
 * ask nothing. Those cells are unknown at the start of every iteration, so such a body starts from
 * nothing known, without a copy of what is known around it.
 */
function asksOwnCells(body: readonly Op[]): boolean {
  for (const op of body) {
    const k = op.kind;
    if (k !== "add" && k !== "set" && k !== "in" && k !== "out" && k !== "check" && k !== "move") return false;
  }
  return true;
}

/** A balanced loop whose body ends by zeroing its cell: entered once, it exits at the first test. */
function runsOnce(loop: LoopOp): boolean {
  const last = loop.body[loop.body.length - 1];
  return last?.kind === "set" && last.off === loop.off && last.value === 0 && isBalanced(loop.body);
}
// #endregion

// #region dead-stores
/**
 * Cell -> the stretch in which a later set overwrites it. A stretch is the part of a list between
 * two barriers (check, move, loop, scan), walked backwards; every list starts a new one. One map for
 * every list, never cleared (clearing a map costs about what making one does): an entry made in
 * another stretch no longer counts.
 */
const overwrittenIn = new Map<number, number>();
let stretch = 0;

/**
 * Drop adds, sets and muladds whose result a later set overwrites before anything reads it. Walks
 * backwards, remembering the cells that will be overwritten; anything that can fail or repeat
 * (check, move, loop, scan) ends the walk's knowledge, since the tape is seen when it fails.
 */
function dropDeadStores(ops: readonly Op[]): readonly Op[] {
  if (!holdsSet(ops)) return ops; // only a set overwrites: a list with none has nothing to drop
  // Their indices, last first: an array, not a Set, which costs several times as much. Made at the
  // first: most lists have none.
  let dead: number[] | null = null;
  stretch++;
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    switch (op.kind) {
      case "set":
        if (overwritten(op.off)) (dead ??= []).push(i);
        overwrittenIn.set(op.off, stretch);
        break;
      case "add":
        if (overwritten(op.off)) (dead ??= []).push(i);
        break;
      case "muladd":
        if (overwritten(op.dst)) (dead ??= []).push(i);
        else {
          overwrittenIn.delete(op.dst);
          overwrittenIn.delete(op.src);
        }
        break;
      case "in":
      case "out":
        overwrittenIn.delete(op.off);
        break;
      default: // check, move, loop, scan
        stretch++;
    }
  }
  return dead === null ? ops : without(ops, dead);
}

/** `ops` without the ops at the indices `dead` (last first). */
function without(ops: readonly Op[], dead: readonly number[]): Op[] {
  const kept: Op[] = [];
  let next = dead.length - 1; // the first of those left
  for (let i = 0; i < ops.length; i++) {
    if (dead[next] === i) next--;
    else kept.push(ops[i]!);
  }
  return kept;
}

/** Does a later set in this stretch overwrite the cell? */
function overwritten(off: number): boolean {
  return overwrittenIn.get(off) === stretch;
}

/** A loop, not `some`: it runs for every list, and a callback per op costs more than the test. */
function holdsSet(ops: readonly Op[]): boolean {
  for (let i = 0; i < ops.length; i++) if (ops[i]!.kind === "set") return true;
  return false;
}
// #endregion
