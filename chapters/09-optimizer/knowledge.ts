// What is known about cell values at a point of the program, relative to the pointer: the analysis
// behind dead code (a loop on a cell known to be 0 never runs) and known values (an add to a cell
// known to hold 3 is a set). It only ever claims what holds on every path to that point.
import { innerOps, isBalanced, wrapUnsigned, type Lir, type LoopOp, type Op } from "../08-lir/lir.ts";
import type { GuardOp } from "./ops.ts";

// #region begins
declare module "../08-lir/lir.ts" {
  interface Lir {
    /**
     * Where the ops begin: at the program's start (unsaid), where every cell holds 0, or `"midway"`,
     * at some point after it, where nothing is known of any cell. A program's LIR begins at its start;
     * LIR made of a part of a program need not.
     */
    readonly begins?: "start" | "midway";
  }
}
// #endregion begins

// #region knowledge
/** What `cells` holds for a cell that holds `rest`, and for one whose value is unknown. */
const REST = -2;
const UNKNOWN = -1;
const NO_CELLS = new Int16Array(0);

export class Knowledge {
  /**
   * The cells by key (offset + base), from key `lo` on: a value 0..255, UNKNOWN, or REST (and so is
   * every cell past either end). A typed array rather than a map: the passes copy what is known at
   * every loop and guard, and copying the few dozen cells a program touches is one block copy.
   */
  private cells: Int16Array;

  private constructor(
    private rest: number | null,
    private base = 0,
    cells: Int16Array = NO_CELLS,
    private lo = 0,
  ) {
    // No cells known is the shared empty array, which no one writes to: set grows a new one.
    this.cells = cells.length === 0 ? NO_CELLS : new Int16Array(cells);
  }

  /** At the start of a program: every cell holds 0. */
  static atStart(): Knowledge {
    return new Knowledge(0);
  }

  /** Where the ops of `lir` begin: at the program's start, or nothing known (see `begins`). */
  static where(lir: Lir): Knowledge {
    return lir.begins === "midway" ? Knowledge.nothing() : Knowledge.atStart();
  }

  /** Nothing known. */
  static nothing(): Knowledge {
    return new Knowledge(null);
  }

  get(off: number): number | null {
    const i = off + this.base - this.lo;
    const v = i >= 0 && i < this.cells.length ? this.cells[i]! : REST;
    return v === REST ? this.rest : v === UNKNOWN ? null : v;
  }

  private set(off: number, v: number | null): void {
    const key = off + this.base;
    if (this.cells.length === 0) this.lo = key;
    const i = key - this.lo;
    // Grown by half as much again on the side it grows, so that a pointer walking either way copies
    // the array a few times, not at every step; the new cells hold `rest`.
    if (i < 0 || i >= this.cells.length) {
      const slack = this.cells.length >> 1;
      const lo = i < 0 ? key - slack : this.lo;
      const length = i < 0 ? this.cells.length - i + slack : Math.max(i + 1, this.cells.length + slack);
      const grown = new Int16Array(length).fill(REST);
      grown.set(this.cells, this.lo - lo);
      this.cells = grown;
      this.lo = lo;
    }
    this.cells[key - this.lo] = v === null ? UNKNOWN : v;
  }
  // #endregion

  // #region apply
  /** Update for `op` having run (a loop, too: this is what holds after it). */
  apply(op: Op): void {
    switch (op.kind) {
      case "add": {
        const v = this.get(op.off);
        this.set(op.off, v === null ? null : wrapUnsigned(v + op.k));
        break;
      }
      case "set":
        this.set(op.off, op.value);
        break;
      case "in":
        this.set(op.off, null);
        break;
      case "muladd": {
        const s = this.get(op.src);
        const d = this.get(op.dst);
        this.set(op.dst, s === null || d === null ? null : wrapUnsigned(d + s * op.k));
        break;
      }
      case "move":
        this.base += op.delta;
        break;
      case "scan":
        this.forgetAll();
        this.set(0, 0);
        break;
      case "loop":
        if (this.get(op.off) === 0) break; // it does not run
        if (isBalanced(op.body)) this.forgetWritten(op.body);
        else this.forgetAll();
        this.set(op.off, 0); // a loop ends when its cell is 0
        break;
      case "guard": {
        const other = this.clone();
        for (const inner of op.then) this.apply(inner);
        for (const inner of op.otherwise) other.apply(inner);
        this.join(other, op);
        break;
      }
      case "out":
      case "check":
        break;
    }
  }

  /**
   * After `guard`, its `then` applied to this and its `otherwise` to `other` (a clone of this from
   * before it): keep what holds either way. A pass that follows the branches itself, each with its
   * own knowledge, ends with this rather than applying the guard again.
   */
  join(other: Knowledge, guard: GuardOp): void {
    if (isBalanced(guard.then) && isBalanced(guard.otherwise)) this.keepAgreed(other);
    else this.forgetAll();
  }

  /**
   * Keep only what `other` knows too: after one of two balanced branches ran. (Only a scan or an
   * unbalanced loop forgets `rest`, and a balanced branch has neither, so both still share it.)
   */
  private keepAgreed(other: Knowledge): void {
    // Every offset either one holds apart from `rest`: from the lower of their first to the higher
    // of their last (mostly the same, since both began as one copy).
    const from = Math.min(this.lo - this.base, other.lo - other.base);
    const to = Math.max(this.lo - this.base + this.cells.length, other.lo - other.base + other.cells.length);
    for (let off = from; off < to; off++) if (this.get(off) !== other.get(off)) this.set(off, null);
  }

  /** What holds at the start of every iteration of `loop`, entered from here. */
  enter(loop: LoopOp): Knowledge {
    if (!isBalanced(loop.body)) return Knowledge.nothing();
    const k = this.clone();
    k.forgetWritten(loop.body);
    k.set(loop.off, null); // not 0, but which value depends on the iteration
    return k;
  }
  // #endregion

  /** A copy, keys and base as they are: one copy of the array, rather than one set per cell. */
  clone(): Knowledge {
    return new Knowledge(this.rest, this.base, this.cells, this.lo);
  }

  private forgetAll(): void {
    this.cells = NO_CELLS;
    this.rest = null;
  }

  /**
   * Forget the cells a balanced body may change, from `at`, where the body starts. Its own ops, and
   * those of the lists right inside it, are read where they stand (most bodies are a few ops); lists
   * deeper inside, through `written`, which keeps what it finds for the next time.
   */
  private forgetWritten(body: readonly Op[], at = 0, inside = false): void {
    for (const op of body) {
      if (op.kind === "move") at += op.delta;
      else if (op.kind === "add" || op.kind === "set" || op.kind === "in") this.set(at + op.off, null);
      else if (op.kind === "muladd") this.set(at + op.dst, null);
      else if (op.kind === "loop") this.forgetInner(op.body, at, inside); // without innerOps' array
      else for (const inner of innerOps(op)) this.forgetInner(inner, at, inside);
    }
  }

  private forgetInner(list: readonly Op[], at: number, inside: boolean): void {
    if (!inside) this.forgetWritten(list, at, true);
    else for (const off of written(list)) this.set(at + off, null);
  }
}

// #region written
// An array, not the Set that collects them: the cache keeps one for every body it was asked about
// while the LIR lives, and a few numbers in an array take a fraction of a Set's table.
const writtenCache = new WeakMap<readonly Op[], readonly number[]>();

/** The cells (offsets from the pointer at its start) a balanced body may change, each once. */
export function written(body: readonly Op[]): readonly number[] {
  const cached = writtenCache.get(body);
  if (cached) return cached;
  const cells = new Set<number>();
  let at = 0; // the body's moves so far
  for (const op of body) {
    if (op.kind === "move") at += op.delta;
    else if (op.kind === "add" || op.kind === "set" || op.kind === "in") cells.add(at + op.off);
    else if (op.kind === "muladd") cells.add(at + op.dst);
    else if (op.kind === "loop") for (const off of written(op.body)) cells.add(at + off); // without innerOps' array
    else for (const inner of innerOps(op)) for (const off of written(inner)) cells.add(at + off);
  }
  const list = [...cells];
  writtenCache.set(body, list);
  return list;
}
// #endregion
