// An interpreter for the LIR with exactly chapter 6's semantics: the same output, tape, pointer and
// error, position included. It lets any pass that rewrites the LIR be tested against the reference
// interpreter without machine code.
import { StepLimitError, TapeBoundsError, type BrainfuckError } from "../06-interpreter/errors.ts";
import { OutputBuffer, type OutputSink } from "../06-interpreter/output-buffer.ts";
import { eofValue, grownSize, resultTape, settingsOf, type RunOptions, type RunResult, type Settings } from "../06-interpreter/semantics.ts";
import type { LineIndex } from "../06-interpreter/source.ts";
import { extent, posOf, reachesOf, type Lir, type LoopOp, type Op } from "./lir.ts";
import { definitionOf } from "./op-set.ts";
import { verify } from "./verify.ts";

// #region flat
// The tree is flattened first, so the run loop reads numbers, not objects.
const ADD = 0; // [a] += b
const SET = 1; // [a] = b
const MOVE = 2; // p += a, checked
const CHECK = 3; // cells a..b must be on the tape
const LOOP = 4; // if [a] == 0, jump to b (past the END)
const END = 5; // if [a] != 0, jump to b (the body's first op)
const IN = 6; // [a] = next input byte
const OUT = 7; // output [a]
const JUMP = 8; // jump to a
const HALT = 9; // the end of the program, where the run loop stops; out-of-line code follows
const RUN = 10; // an added op's instruction: call its run function with a, b, c

/** The run loop's state, as an added op's run function sees it. */
export interface Machine {
  /** The tape; a growing tape is replaced by a longer copy between instructions. */
  tape: Uint8Array;
  /** The pointer. */
  p: number;
  /** Loop tests so far; a run function that tests the cell as a loop does counts its tests here. */
  steps: number;
  readonly maxSteps: number;
  /** Set by a run function that stops because steps reached maxSteps. */
  stepLimit: boolean;
}

/** Go on with the next instruction. */
export const NEXT = -1;
/** Stop the program at this instruction: its op fails (off the tape, or at the step limit). */
export const STOP = -2;

/** An added op's instruction: NEXT, STOP, or the index of the instruction to jump to. */
export type Run = (m: Machine, a: number, b: number, c: number) => number;

export interface FlatLir {
  readonly code: Uint8Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly c: Int32Array;
  /** The run function of each RUN instruction (null for the others). */
  readonly run: readonly (Run | null)[];
  /** The op each instruction came from (none for HALT): what an error reads its positions from. */
  readonly ops: readonly (Op | null)[];
  /** The index of the HALT that ends the program; out-of-line code follows it. */
  readonly end: number;
  /** The lines of the text the ops point into, for an error's line and column. */
  readonly lines: LineIndex;
}

/** What the definition of an added op uses to make its instructions. */
export interface Flattener {
  /** An instruction for `op` that runs `run` with operands a, b, c; returns its index. */
  emit(op: Op, run: Run, a?: number, b?: number, c?: number): number;
  /** The instructions of an op list, here. */
  walk(ops: readonly Op[]): void;
  /**
   * The instructions of `ops` out of line, after the program, jumping back here when they are
   * done; the instruction at `from` gets their start as its operand c.
   */
  outOfLine(from: number, ops: readonly Op[]): void;
}
// #endregion

/** Run `lir`: the output in the result, or streamed to `sink` as chapter 6's interpret() does. */
export function interpretLir(lir: Lir, opts?: RunOptions, sink?: OutputSink): RunResult {
  return interpretLirWithStats(lir, opts, sink).result;
}

/** interpretLir(), also telling how many LIR instructions ran (a loop test counts as one). */
export function interpretLirWithStats(lir: Lir, opts?: RunOptions, sink?: OutputSink): { result: RunResult; executed: number } {
  verify(lir); // the run loop below trusts it: no op touches a cell nothing checked
  return execute(flatten(lir), settingsOf(opts), sink);
}

// #region flatten
export function flatten(lir: Lir): FlatLir {
  const out = new Columns();
  const { run, ops } = out;
  const emit = (op: Op | null, opcode: number, x: number, y = 0, z = 0, f: Run | null = null): number => out.push(op, opcode, x, y, z, f);
  // Code that nearly never runs goes out of line, after everything else, and jumps back, so the
  // code that does run falls straight through.
  const cold: { from: number; ops: readonly Op[]; resume: number }[] = [];
  const flattener: Flattener = {
    emit: (op, f, x = 0, y = 0, z = 0) => emit(op, RUN, x, y, z, f),
    walk: (body) => walk(body),
    outOfLine: (from, body) => void cold.push({ from, ops: body, resume: out.length }),
  };
  const walk = (body: readonly Op[]): void => {
    // The loops being flattened, innermost last: where to go on after each, and its LOOP
    // instruction. A stack, not recursion, so a program nested 100,000 loops deep costs no stack.
    const open: { readonly list: readonly Op[]; readonly next: number; readonly loop: LoopOp; readonly head: number }[] = [];
    let list = body;
    let i = 0;
    for (;;) {
      if (i === list.length) {
        const done = open.pop();
        if (done === undefined) return;
        const end = emit(done.loop, END, done.loop.off, done.head + 1);
        out.b[done.head] = end + 1;
        ({ list, next: i } = done);
        continue;
      }
      const op = list[i++]!;
      switch (op.kind) {
        case "add":
          emit(op, ADD, op.off, op.k);
          break;
        case "set":
          emit(op, SET, op.off, op.value);
          break;
        case "move":
          emit(op, MOVE, op.delta);
          break;
        case "check": {
          const { lo, hi } = extent(op.reach);
          emit(op, CHECK, lo, hi);
          break;
        }
        case "in":
          emit(op, IN, op.off);
          break;
        case "out":
          emit(op, OUT, op.off);
          break;
        case "loop":
          open.push({ list, next: i, loop: op, head: emit(op, LOOP, op.off) });
          [list, i] = [op.body, 0];
          break;
        default:
          definitionOf(op).flatten(op, flattener);
      }
    }
  };
  walk(lir.ops);
  const end = emit(null, HALT, 0);
  for (let i = 0; i < cold.length; i++) {
    const { from, ops: outOfLine, resume } = cold[i]!;
    out.c[from] = out.length;
    walk(outOfLine);
    emit(ops[from]!, JUMP, resume);
  }
  const n = out.length;
  return { code: out.code.slice(0, n), a: out.a.slice(0, n), b: out.b.slice(0, n), c: out.c.slice(0, n), run, ops, end, lines: lir.lines };
}
// #endregion

// #region columns
/** The instructions as they are written: a typed array per column of numbers, doubled when full. */
class Columns {
  code = new Uint8Array(1024);
  a = new Int32Array(1024);
  b = new Int32Array(1024);
  c = new Int32Array(1024);
  readonly run: (Run | null)[] = [];
  readonly ops: (Op | null)[] = [];
  length = 0;

  /** One instruction; its index. */
  push(op: Op | null, opcode: number, x: number, y: number, z: number, f: Run | null): number {
    const i = this.length++;
    if (i === this.code.length) this.#grow();
    this.code[i] = opcode;
    this.a[i] = x;
    this.b[i] = y;
    this.c[i] = z;
    this.run.push(f);
    this.ops.push(op);
    return i;
  }

  #grow(): void {
    const n = 2 * this.code.length;
    const [code, a, b, c] = [new Uint8Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n)];
    code.set(this.code);
    a.set(this.a);
    b.set(this.b);
    c.set(this.c);
    [this.code, this.a, this.b, this.c] = [code, a, b, c];
  }
}
// #endregion

// #region execute
function execute(flat: FlatLir, settings: Settings, sink?: OutputSink): { result: RunResult; executed: number } {
  const { code, a, b, c, run, ops, end, lines } = flat;
  const { input, tapeSize, tapeLimit, eof, maxSteps } = settings;
  let tape: Uint8Array = new Uint8Array(tapeSize);
  const m: Machine = { tape, p: 0, steps: 0, maxSteps, stepLimit: false };
  /** A growing tape, longer (chapter 6's doubling), with room for cell `needed` if the limit allows. */
  const grow = (needed: number): void => {
    const longer = new Uint8Array(grownSize(tape.length, needed, tapeLimit));
    longer.set(tape);
    tape = m.tape = longer;
  };
  const output = new OutputBuffer(sink);
  let p = 0;
  let inputPos = 0;
  let steps = 0; // loop tests: the only place a program can spend unbounded time
  let error: BrainfuckError | null = null;
  let stepLimit = false; // stopped by maxSteps, not by the tape
  let pc = 0;
  let executed = 0;

  run: while (pc !== end) {
    const x = a[pc]!;
    executed++;
    switch (code[pc]) {
      case ADD:
        tape[p + x] += b[pc]!; // a Uint8Array stores modulo 256, negative amounts included
        break;
      case SET:
        tape[p + x] = b[pc]!;
        break;
      case IN:
        tape[p + x] = inputPos < input.length ? input[inputPos++]! : eofValue(eof, tape[p + x]!);
        break;
      case OUT:
        output.push(tape[p + x]!);
        break;
      case MOVE:
        if (p + x >= tape.length && tape.length < tapeLimit) grow(p + x);
        if (p + x < 0 || p + x >= tape.length) break run;
        p += x;
        break;
      case CHECK:
        if (p + b[pc]! >= tape.length && tape.length < tapeLimit) grow(p + b[pc]!);
        if (p + x < 0 || p + b[pc]! >= tape.length) break run;
        break;
      case LOOP:
        if (steps === maxSteps) {
          stepLimit = true;
          break run;
        }
        steps++;
        if (tape[p + x] === 0) {
          pc = b[pc]!;
          continue;
        }
        break;
      case END:
        if (steps === maxSteps) {
          stepLimit = true;
          break run;
        }
        steps++;
        if (tape[p + x] !== 0) {
          pc = b[pc]!;
          continue;
        }
        break;
      case JUMP:
        pc = x;
        continue;
      case RUN: {
        m.p = p;
        m.steps = steps;
        const next = run[pc]!(m, x, b[pc]!, c[pc]!);
        p = m.p;
        steps = m.steps;
        if (next === NEXT) break;
        if (next === STOP) {
          // A scan that stopped on the last cell of a growing tape goes on, on a longer one.
          if (!m.stepLimit && p === tape.length - 1 && tape.length < tapeLimit) {
            grow(p + 1);
            continue;
          }
          stepLimit = m.stepLimit;
          break run;
        }
        pc = next;
        continue;
      }
    }
    pc++;
  }
  // Only a `break run` stops early, before it makes the failing move or test.
  if (pc !== end) ({ error, pointer: p } = stop(ops[pc]!, code[pc] === END, p, stepLimit, settings, lines));
  output.flush();
  return { result: { output: output.bytes(), tape: resultTape(tape, p, settings), pointer: p, error }, executed };
}
// #endregion

// #region stop
/** Why the op at which the run stopped stopped it, and where the interpreter's pointer then is. */
function stop(op: Op, atEnd: boolean, p: number, stepLimit: boolean, { tapeLimit: tapeSize, maxSteps }: Settings, lines: LineIndex): { error: BrainfuckError; pointer: number } {
  if (stepLimit && op.kind === "loop") return { error: new StepLimitError(lines.pos(atEnd ? op.end : op.pos), maxSteps), pointer: p + op.off };
  if (stepLimit) return { error: new StepLimitError(lines.pos(posOf(op)), maxSteps), pointer: p }; // an added op that tests as a loop does
  // Off the tape. The reach that failed is the first, in order, whose cell is not on the tape; the
  // interpreter's pointer stops on the edge cell it could not leave.
  for (const { off, pos } of reachesOf(op)) {
    const cell = p + off;
    if (cell < 0) return { error: new TapeBoundsError(lines.pos(pos), "left", tapeSize), pointer: 0 };
    if (cell >= tapeSize) return { error: new TapeBoundsError(lines.pos(pos), "right", tapeSize), pointer: tapeSize - 1 };
  }
  throw new Error(`interpretLir stopped at a ${op.kind} that cannot fail: this is a bug in interpret-lir.ts`);
}
// #endregion
