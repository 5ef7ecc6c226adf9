// The LIR's safety rule, checked: no op may touch a cell unless a move or check before it proved the
// cell is on the tape. Lowered code obeys it trivially (every op works on [0], where the pointer
// is); a pass that rewrites the LIR must keep obeying it, and a backend that trusts it can drop the
// bounds check from every op that only touches cells, keeping checks where `move` and `check` are.
import type { LineIndex } from "../06-interpreter/source.ts";
import { LirVerifyError } from "./errors.ts";
import { isBalanced, posOf, type Lir, type LoopOp, type Op, type Range } from "./lir.ts";
import { definitionOf } from "./op-set.ts";

// #region range
// A Range here is the offsets from the pointer known to be on the tape. It always holds 0, since the
// pointer itself is always on the tape, and it grows one cell at a time, as the pointer moves.

/** The cells between the pointer and `off`: 0..off or off..0. */
export function spanTo(off: number): Range {
  return { lo: Math.min(0, off), hi: Math.max(0, off) };
}

/** What two ranges both know (both hold 0, so this is a range too). */
export function intersect(a: Range, b: Range): Range {
  return { lo: Math.max(a.lo, b.lo), hi: Math.min(a.hi, b.hi) };
}

/** Every cell on the way was checked, so from the new pointer all of them are known. */
export function afterMove(r: Range, delta: number): Range {
  return { lo: Math.min(r.lo, delta) - delta, hi: Math.max(r.hi, delta) - delta };
}

/** The smallest range that holds both. */
export function hull(a: Range, b: Range): Range {
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

export function covers(outer: Range, inner: Range): boolean {
  return outer.lo <= inner.lo && inner.hi <= outer.hi;
}
// #endregion

/** Throws LirVerifyError at the first op that could touch a cell outside the tape. */
export function verify(lir: Lir): void {
  walk(lir.ops, { lo: 0, hi: 0 }, lir.lines);
}

const establishedCache = new WeakMap<readonly Op[], Range>();

/**
 * What a loop body by itself proves is on the tape when it ends, relative to where the pointer
 * then is, whatever was known when it started. At the start of the next iteration that is still
 * true, so it can be part of the loop's `known` range.
 */
export function established(body: readonly Op[]): Range {
  let r = establishedCache.get(body);
  if (!r) establishedCache.set(body, (r = walk(body, { lo: 0, hi: 0 }, null)));
  return r;
}

// #region walk
/** What the definition of an added op uses to follow the range across it. */
export interface Walker {
  /** Throw (when verifying) unless cell `off` is in `r`: `op` uses it. */
  need(op: Op, off: number, r: Range): void;
  /** The range after `ops`, run from `r`. */
  walk(ops: readonly Op[], r: Range): Range;
}

/**
 * The range after `ops`, run from `r`. Strict (given the lines its errors are reported with): throw
 * at any op that needs a cell not in the range (verify). Not strict (null): only follow the range,
 * trusting the ops (established). Its LirVerifyErrors,
 * at the op: "<kind> uses cell [off], but only lo..hi are known to be on the tape here: a 'check' or
 * 'move' must reach it first", and for a check that is not next to the range, "'check off' skips
 * cells: only lo..hi are known to be on the tape, and the pointer moves one cell at a time, so the
 * next check must be lo-1 or hi+1". A guard's `then` runs from the hull of the range and its cells,
 * its `otherwise` from the range; after it, only what both leave known.
 */
function walk(ops: readonly Op[], r: Range, strict: LineIndex | null): Range {
  const need = (op: Op, off: number, known: Range = r): void => {
    if (strict !== null && (off < known.lo || off > known.hi)) {
      throw new LirVerifyError(strict.pos(posOf(op)), `${op.kind} uses cell [${off}], but only ${known.lo}..${known.hi} are known to be on the tape here: a 'check' or 'move' must reach it first`);
    }
  };
  const walker: Walker = { need, walk: (inner, from) => walk(inner, from, strict) };
  // The loops being walked, innermost last, each with where to go on after it: a stack, not
  // recursion, so a program nested 100,000 loops deep costs no stack.
  const open: { readonly list: readonly Op[]; readonly next: number; readonly loop: LoopEntry }[] = [];
  let list = ops;
  let i = 0;
  for (;;) {
    if (i === list.length) {
      const done = open.pop();
      if (done === undefined) return r;
      if (strict === null && fromCell(done.loop)) establishedCache.set(done.loop.loop.body, r); // r is what it establishes
      r = afterLoop(done.loop, r, strict);
      ({ list, next: i } = done);
      continue;
    }
    const op = list[i++]!;
    switch (op.kind) {
      case "add":
      case "set":
      case "in":
      case "out":
        need(op, op.off);
        break;
      case "check":
        for (const { off } of op.reach) {
          if (off === r.hi + 1) r = { lo: r.lo, hi: off };
          else if (off === r.lo - 1) r = { lo: off, hi: r.hi };
          else if (strict !== null && (off < r.lo || off > r.hi)) {
            throw new LirVerifyError(strict.pos(posOf(op)), `'check ${off}' skips cells: only ${r.lo}..${r.hi} are known to be on the tape, and the pointer moves one cell at a time, so the next check must be ${r.lo - 1} or ${r.hi + 1}`);
          }
        }
        break;
      case "move":
        r = afterMove(r, op.delta);
        break;
      case "loop": {
        need(op, op.off);
        const loop = enterLoop(op, r, strict);
        // Only following the range, a body need not be walked when its end is known without it: a
        // balanced loop leaves its entry range, and a body walked before from the pointer's cell
        // alone left what `established` keeps. A pass that asks `established` of every loop walks
        // each body once, not once for every loop around it.
        const known = strict !== null ? undefined : loop.balanced ? r : fromCell(loop) ? establishedCache.get(op.body) : undefined;
        if (known !== undefined) {
          r = afterLoop(loop, known, strict);
          break;
        }
        open.push({ list, next: i, loop });
        list = op.body; // one at a time, not [list, i, r] = [...]: that makes an array for every loop
        i = 0;
        r = loop.start;
        break;
      }
      default:
        r = definitionOf(op).verify(op, r, walker);
    }
  }
}
// #endregion

// #region loop
/** A loop being walked: what its entry and its body start from. */
interface LoopEntry {
  readonly loop: LoopOp;
  /** Known where the loop starts. */
  readonly entry: Range;
  /** Known at the start of each iteration: what its body starts from. */
  readonly start: Range;
  readonly balanced: boolean;
}

/** Whether the body starts from the pointer's cell alone: what it leaves known is then what it establishes. */
const fromCell = (l: LoopEntry): boolean => l.start.lo === 0 && l.start.hi === 0;

/** A loop reached with `entry` known: the range its body starts from (afterLoop's first three errors). */
function enterLoop(loop: LoopOp, entry: Range, strict: LineIndex | null): LoopEntry {
  const balanced = isBalanced(loop.body);
  let start = loop.known ?? (balanced ? entry : spanTo(loop.off));
  if (strict !== null && (start.lo > 0 || start.hi < 0)) {
    throw new LirVerifyError(strict.pos(loop.pos), `the loop's known range ${start.lo}..${start.hi} leaves out 0: the pointer's own cell is always on the tape, so include it`);
  }
  if (strict !== null && !covers(entry, start)) {
    throw new LirVerifyError(strict.pos(loop.pos), `the loop claims cells ${start.lo}..${start.hi} are known on the tape, but only ${entry.lo}..${entry.hi} are known where it starts`);
  }
  if (strict !== null && (loop.off < start.lo || loop.off > start.hi)) {
    throw new LirVerifyError(strict.pos(loop.pos), `the loop tests [${loop.off}], outside the cells it claims are known at each iteration, ${start.lo}..${start.hi}`);
  }
  if (strict === null) start = intersect(start, entry);
  return { loop, entry, start, balanced };
}

/**
 * A loop's body runs from its `known` range, which must hold at the start of every iteration: it is
 * known on entry, and the body leaves it known for the next. A balanced loop starts each iteration
 * at the same pointer, so what is known on entry holds throughout; an unbalanced one, by default,
 * knows only the cells up to the one it tests. After an unbalanced loop, only what holds both if it
 * ran and if it did not. Its LirVerifyErrors, at the loop (the last at its closing brace):
 *   "the loop's known range lo..hi leaves out 0: the pointer's own cell is always on the tape, so include it"
 *   "the loop claims cells lo..hi are known on the tape, but only lo..hi are known where it starts"
 *   "the loop tests [off], outside the cells it claims are known at each iteration, lo..hi"
 *   "the loop claims cells lo..hi are known at the start of each iteration, but its body leaves only lo..hi known for the next one"
 * The walk takes a loop in two halves, enterLoop (the first three errors) and afterLoop (the last),
 * with the body walked between them: here, `end` is what the body left known.
 */
function afterLoop({ loop, entry, start, balanced }: LoopEntry, end: Range, strict: LineIndex | null): Range {
  if (balanced) return entry;
  if (strict !== null && !covers(end, start)) {
    throw new LirVerifyError(strict.pos(loop.end), `the loop claims cells ${start.lo}..${start.hi} are known at the start of each iteration, but its body leaves only ${end.lo}..${end.hi} known for the next one`);
  }
  // Zero iterations leave `entry` true, one or more leave `end`: after the loop, only both are.
  return intersect(entry, end);
}
// #endregion
