// The LIR: a low-level IR between Brainfuck and machine code. Every op names its cells by their
// offset from the tape pointer, so "the cell two to the right" is `[2]`, not three instructions.
import type { LineIndex } from "../06-interpreter/source.ts";
import { definitionOf } from "./op-set.ts";

// #region ops
// Every position in an op is an offset: where its command sits in the text the LIR came from (a
// number, not a line and column: a big program has millions of ops). Lir.lines turns an offset into
// a line and column when there is something to tell a person.

/** Cell `[off]` += k (mod 256). `k` is kept in -128..127: `add [0] -1`, not `add [0] 255`. */
export interface AddOp {
  readonly kind: "add";
  readonly off: number;
  readonly k: number;
  readonly pos: number;
}

/** Cell `[off]` = value (0..255). */
export interface SetOp {
  readonly kind: "set";
  readonly off: number;
  readonly value: number;
  readonly pos: number;
}

/**
 * The pointer moves by `delta`, one cell at a time: step i + 1 was made by the `<` or `>` at
 * `stepAt(steps, i)`, so a move off the tape names the exact command the interpreter would.
 */
export interface MoveOp {
  readonly kind: "move";
  readonly delta: number;
  readonly steps: Steps;
}

/**
 * Where each step of a move was written. Most runs have no comment inside, so their commands sit at
 * consecutive offsets and the first one says where all are: then `steps` is that number, and a move
 * costs no array. Otherwise it is the list, one offset per step.
 */
export type Steps = number | readonly number[];

/**
 * Bounds checks without a move: each reach, in order, is a cell the pointer stepped onto (after
 * a pass deferred the move itself). Each extends the cells known to be on the tape by one.
 */
export interface CheckOp {
  readonly kind: "check";
  readonly reach: readonly Reach[];
}

export interface Reach {
  readonly off: number;
  readonly pos: number;
}

/** Offsets lo..hi from the pointer, both ends included. */
export interface Range {
  readonly lo: number;
  readonly hi: number;
}

/** While cell `[off]` is not 0, run the body. `pos` is the `[`, `end` the `]`. */
export interface LoopOp {
  readonly kind: "loop";
  readonly off: number;
  readonly body: readonly Op[];
  readonly pos: number;
  readonly end: number;
  /**
   * The cells known to be on the tape at the start of every iteration, when more than the default
   * (see verify.ts): a loop invariant, which the verifier checks rather than trusts.
   */
  readonly known?: Range;
}

/** `,` into cell `[off]`. */
export interface InOp {
  readonly kind: "in";
  readonly off: number;
  readonly pos: number;
}

/** `.` of cell `[off]`. */
export interface OutOp {
  readonly kind: "out";
  readonly off: number;
  readonly pos: number;
}

/**
 * The ops by kind. The set is open: a module adds a kind by adding a member here (TypeScript merges
 * a `declare module` block naming this interface into it) and registering what every stage needs
 * to know about the new op with `defineOp` (op-set.ts).
 */
export interface OpTypes {
  add: AddOp;
  set: SetOp;
  move: MoveOp;
  check: CheckOp;
  loop: LoopOp;
  in: InOp;
  out: OutOp;
}

export type OpKind = keyof OpTypes;
export type Op = OpTypes[OpKind];

export interface Lir {
  readonly ops: readonly Op[];
  /** The lines of the text the ops' positions are offsets into: the Brainfuck source, or LIR text. */
  readonly lines: LineIndex;
}
// #endregion

/** The offset of step i + 1 of `steps`. */
export function stepAt(steps: Steps, i: number): number {
  return typeof steps === "number" ? steps + i : steps[i]!;
}

/** The offsets of the `n` steps, as a list (for a printer, or a pass that joins moves). */
export function stepList(steps: Steps, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(stepAt(steps, i));
  return out;
}

/** The Steps of the offsets `list`: its first one when they are consecutive, else the list. */
export function stepsOf(list: readonly number[]): Steps {
  const first = list[0]!;
  for (let i = 1; i < list.length; i++) if (list[i] !== first + i) return list;
  return first;
}

/** The position an op is reported at: where it starts. */
export function posOf(op: Op): number {
  switch (op.kind) {
    case "move":
      return stepAt(op.steps, 0);
    case "check":
      return op.reach[0]!.pos;
    default:
      return op.pos; // every other op stands for one command, the one it starts at
  }
}

// #region reaches
/**
 * The cells an op steps onto, in order, each with the command that stepped there: a check's
 * reaches, a move's straight way there, or what the definition of an added op says. An op that
 * fails stops at the first of them off the tape; chapter 7's runtime calls these a site's steps.
 */
export function reachesOf(op: Op): readonly Reach[] {
  switch (op.kind) {
    case "check":
      return op.reach;
    case "move":
      return straight(op.delta, op.steps);
    case "add":
    case "set":
    case "loop":
    case "in":
    case "out":
      return NO_REACHES;
    default:
      return definitionOf(op).reaches?.(op) ?? NO_REACHES;
  }
}

/** Shared, not a new array for every op that steps nowhere (the code generators ask for every op). */
const NO_REACHES: readonly Reach[] = [];

/** The reaches of the |delta| `steps`, one cell at a time in the direction of `delta`. */
export function straight(delta: number, steps: Steps): Reach[] {
  const out: Reach[] = [];
  for (let i = 0; i < Math.abs(delta); i++) out.push({ off: Math.sign(delta) * (i + 1), pos: stepAt(steps, i) });
  return out;
}
// #endregion

/** The cells from the nearest to the farthest reach on each side, with 0 (the pointer's own) between. */
export function extent(reach: readonly Reach[]): Range {
  let lo = 0;
  let hi = 0;
  for (const { off } of reach) {
    if (off < lo) lo = off;
    else if (off > hi) hi = off;
  }
  return { lo, hi };
}

// #region wrap
/** k mod 256, as -128..127: the form `add` keeps. */
export function wrapSigned(k: number): number {
  const u = wrapUnsigned(k);
  return u >= 128 ? u - 256 : u;
}

/** v mod 256, as 0..255: the form `set` keeps, and what a cell holds. */
export function wrapUnsigned(v: number): number {
  return ((v % 256) + 256) % 256;
}
// #endregion

// #region balanced
const balancedCache = new WeakMap<readonly Op[], boolean>();
/** How deep balanceOf looks by recursion before it leaves a list to isBalanced's stack and cache. */
const SHALLOW = 16;

/**
 * True when running `ops` leaves the pointer where it was, whatever the tape holds: the moves add
 * up to zero, no op moves it by an amount the tape decides, and every op list inside is balanced
 * too. A balanced loop's body starts every iteration at the same pointer, so an op in it can name
 * the same cell by the same offset at every turn.
 */
export function isBalanced(ops: readonly Op[]): boolean {
  const answer = balanceOf(ops, SHALLOW) ?? balancedCache.get(ops);
  if (answer !== undefined) return answer;
  // Nested deeper than SHALLOW: the lists inside not worked out yet first, with a stack of lists
  // rather than recursion, and cached, since it is asked again for every level.
  const order = listsWithin(ops, (list) => balanceOf(list, 0) === undefined && !balancedCache.has(list));
  const known = (list: readonly Op[]): boolean => (balanceOf(list, 0) ?? balancedCache.get(list)) === true;
  for (let i = order.length - 1; i >= 0; i--) balancedCache.set(order[i]!, balanceOf(order[i]!, 0, known)!);
  // Not always cached itself: the lists right inside may have been, with an unknown one deeper.
  return balanceOf(ops, 0, known)!;
}

/**
 * Whether `list` is balanced, adding up the lists inside it too while they are at most `depth`
 * deeper; `inner`, or else the cache, answers for those below. Undefined when a list lies deeper
 * and neither can: a loop nest a few levels deep, most of them, costs less to add up again than
 * to cache.
 */
function balanceOf(list: readonly Op[], depth: number, inner?: (list: readonly Op[]) => boolean): boolean | undefined {
  let net = 0;
  for (let i = 0; i < list.length; i++) {
    const op = list[i]!;
    switch (op.kind) {
      case "move":
        net += op.delta;
        break;
      case "add":
      case "set":
      case "check":
      case "in":
      case "out":
        break; // they hold no ops and leave the pointer where it is
      case "loop": {
        const body = inner !== undefined ? inner(op.body) : depth > 0 ? balanceOf(op.body, depth - 1) : balancedCache.get(op.body);
        if (body !== true) return body; // false, or undefined: too deep to say here
        break;
      }
      default: {
        const def = definitionOf(op); // looked up once, for both questions
        const lists = def.inner?.(op);
        if (lists !== undefined) {
          for (let j = 0; j < lists.length; j++) {
            const body = inner !== undefined ? inner(lists[j]!) : depth > 0 ? balanceOf(lists[j]!, depth - 1) : balancedCache.get(lists[j]!);
            if (body !== true) return body;
          }
        }
        if (def.movesPointer === true) return false; // whatever the rest holds
      }
    }
  }
  return net === 0;
}
// #endregion

const NO_INNER_OPS: readonly (readonly Op[])[] = [];

/** The op lists inside an op: a loop's body, or what the definition of an added op says. */
export function innerOps(op: Op): readonly (readonly Op[])[] {
  switch (op.kind) {
    case "loop":
      return [op.body];
    case "add":
    case "set":
    case "move":
    case "check":
    case "in":
    case "out":
      return NO_INNER_OPS; // shared, not a new array each time (the passes ask for every op)
    default:
      return definitionOf(op).inner?.(op) ?? NO_INNER_OPS;
  }
}

/**
 * `ops` and every op list inside it, each before the lists inside it, found with a stack rather than
 * by recursion, so a program nested 100,000 loops deep costs no stack. `enter` (default: all) says
 * whether to take a list and look inside it.
 */
export function listsWithin(ops: readonly Op[], enter: (list: readonly Op[]) => boolean = () => true): (readonly Op[])[] {
  const order: (readonly Op[])[] = [];
  const todo: (readonly Op[])[] = [ops];
  while (todo.length > 0) {
    const list = todo.pop()!;
    if (!enter(list)) continue;
    order.push(list);
    for (let i = 0; i < list.length; i++) {
      const op = list[i]!;
      if (op.kind === "loop") todo.push(op.body); // the common case, without innerOps' array
      else {
        const inner = innerOps(op);
        for (let j = 0; j < inner.length; j++) todo.push(inner[j]!);
      }
    }
  }
  return order;
}

/** How many ops, counting each one with ops inside and everything inside. */
export function countOps(ops: readonly Op[]): number {
  let n = 0;
  for (const list of listsWithin(ops)) n += list.length;
  return n;
}

/** How many loops, nested ones included. */
export function countLoops(ops: readonly Op[]): number {
  let n = 0;
  for (const list of listsWithin(ops)) for (const op of list) if (op.kind === "loop") n++;
  return n;
}
