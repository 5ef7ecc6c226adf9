// Known values: where a cell's value is known, use it. An add to a known cell becomes a set (no
// read, and `[-]+++` becomes `set [0] 3`), a set to the value already there goes, a muladd from a
// known cell becomes an add, and a loop known to run exactly once loses its loop. Then stores that
// are overwritten before anything reads them go too.
import { isBalanced, wrapSigned, wrapUnsigned, type AddOp, type Lir, type LoopOp, type Op } from "../../08-lir/lir.ts";
import { Knowledge } from "../knowledge.ts";
import { guardWith, keepSame, loopWith } from "../rewrite.ts";

// #region known-values
export function knownValues(lir: Lir): Lir {
  return { ops: propagate(lir.ops, Knowledge.atStart()) };
}

function propagate(ops: readonly Op[], known: Knowledge): readonly Op[] {
  // What replaces ops[0..i): made at the first change, as most loop bodies keep every op.
  let out: Op[] | null = null;
  let i = 0;
  /** What replaces ops[i] from here on: the list, made now if it was not. */
  const changed = (): Op[] => (out ??= ops.slice(0, i));
  /** `op` in place of ops[i]. */
  const keep = (op: Op): void => {
    if (out !== null || op !== ops[i]) changed().push(op);
  };
  /** `op` in place of ops[i], and what is known after it. */
  const emit = (op: Op): void => {
    keep(op);
    known.apply(op);
  };
  /** An add, as a set when the cell's value is known. */
  const add = (op: AddOp): void => {
    const v = known.get(op.off);
    emit(v === null ? op : { kind: "set", off: op.off, value: wrapUnsigned(v + op.k), pos: op.pos });
  };
  for (; i < ops.length; i++) {
    const op = ops[i]!;
    switch (op.kind) {
      case "add":
        add(op);
        break;
      case "set":
        if (known.get(op.off) !== op.value) emit(op);
        else changed(); // it goes
        break;
      case "muladd": {
        const s = known.get(op.src);
        const k = s === null ? 0 : wrapSigned(s * op.k);
        if (s === null) emit(op);
        else if (k !== 0) add({ kind: "add", off: op.dst, k, pos: op.pos });
        else changed(); // it adds 0
        break;
      }
      case "loop": {
        const v = known.get(op.off);
        if (v === 0) emit(op); // never runs: nothing to learn inside (dead-code removes it)
        else if (v !== null && runsOnce(op)) {
          const list = changed(); // the body in place of the loop
          for (const inner of propagate(op.body, known)) list.push(inner);
        } else emit(loopWith(op, propagate(op.body, asksOwnCells(op.body) ? Knowledge.nothing() : known.enter(op))));
        break;
      }
      case "guard": {
        // `then` runs on what is known here, `otherwise` on a copy; after it, what both leave.
        const other = known.clone();
        const guard = guardWith(op, propagate(op.then, known), propagate(op.otherwise, other));
        known.join(other, guard);
        keep(guard);
        break;
      }
      default:
        emit(op);
    }
  }
  return keepSame(ops, dropDeadStores(out ?? ops));
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
  const overwritten = (off: number): boolean => overwrittenIn.get(off) === stretch;
  let dead: Set<number> | null = null; // their indices, made at the first: most lists have none
  stretch++;
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i]!;
    switch (op.kind) {
      case "set":
        if (overwritten(op.off)) (dead ??= new Set()).add(i);
        overwrittenIn.set(op.off, stretch);
        break;
      case "add":
        if (overwritten(op.off)) (dead ??= new Set()).add(i);
        break;
      case "muladd":
        if (overwritten(op.dst)) (dead ??= new Set()).add(i);
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
  const drop = dead;
  return drop === null ? ops : ops.filter((_, i) => !drop.has(i));
}

/** A loop, not `some`: it runs for every list, and a callback per op costs more than the test. */
function holdsSet(ops: readonly Op[]): boolean {
  for (let i = 0; i < ops.length; i++) if (ops[i]!.kind === "set") return true;
  return false;
}
// #endregion
