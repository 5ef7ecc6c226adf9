// An interpreter for the LIR with exactly chapter 6's semantics: the same output, tape, pointer and
// error, position included. It lets every pass of chapter 9 be tested against the reference
// interpreter without machine code, and chapter 11 starts programs in it.
import { StepLimitError, TapeBoundsError, type BrainfuckError } from "../06-interpreter/errors.ts";
import { OutputBuffer } from "../06-interpreter/output-buffer.ts";
import { eofValue, settingsOf, type RunOptions, type RunResult, type Settings } from "../06-interpreter/semantics.ts";
import { reachesOf, type Lir, type Op } from "./lir.ts";
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
const MULADD = 8; // [a] += [b] * c
const SCAN = 9; // while [0] != 0, p += a, checked
const GUARD = 10; // unless cells a..b are on the tape, jump to c (the `otherwise` branch, out of line)
const JUMP = 11; // jump to a
const HALT = 12; // the end of the program, where the run loop stops; out-of-line code follows

export interface FlatLir {
  readonly code: Uint8Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly c: Int32Array;
  /** The op each instruction came from (none for HALT): what an error reads its positions from. */
  readonly ops: readonly (Op | null)[];
  /** The index of the HALT that ends the program; out-of-line code follows it. */
  readonly end: number;
}
// #endregion

export function interpretLir(lir: Lir, opts?: RunOptions): RunResult {
  return interpretLirWithStats(lir, opts).result;
}

/** interpretLir(), also telling how many LIR instructions ran (a loop test counts as one). */
export function interpretLirWithStats(lir: Lir, opts?: RunOptions): { result: RunResult; executed: number } {
  verify(lir); // the run loop below trusts it: no op touches a cell nothing checked
  return execute(flatten(lir), settingsOf(opts));
}

// #region flatten
export function flatten(lir: Lir): FlatLir {
  const code: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const c: number[] = [];
  const ops: (Op | null)[] = [];
  const emit = (op: Op | null, opcode: number, x: number, y = 0, z = 0): number => {
    code.push(opcode);
    a.push(x);
    b.push(y);
    c.push(z);
    ops.push(op);
    return code.length - 1;
  };
  const walk = (body: readonly Op[]): void => {
    for (const op of body) {
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
          let lo = 0;
          let hi = 0;
          for (const { off } of op.reach) [lo, hi] = [Math.min(lo, off), Math.max(hi, off)];
          emit(op, CHECK, lo, hi);
          break;
        }
        case "in":
          emit(op, IN, op.off);
          break;
        case "out":
          emit(op, OUT, op.off);
          break;
        case "muladd":
          emit(op, MULADD, op.dst, op.src, op.k);
          break;
        case "scan":
          emit(op, SCAN, op.stride);
          break;
        case "loop": {
          const head = emit(op, LOOP, op.off);
          walk(op.body);
          const end = emit(op, END, op.off, head + 1);
          b[head] = end + 1;
          break;
        }
        case "guard": {
          const head = emit(op, GUARD, op.cells.lo, op.cells.hi);
          walk(op.then);
          cold.push({ guard: head, ops: op.otherwise, resume: code.length });
          break;
        }
      }
    }
  };
  // A guard's `otherwise` branch nearly never runs: it goes out of line, after everything else, and
  // jumps back, so the branch that does run falls straight through.
  const cold: { guard: number; ops: readonly Op[]; resume: number }[] = [];
  walk(lir.ops);
  const end = emit(null, HALT, 0);
  for (let i = 0; i < cold.length; i++) {
    const { guard, ops: otherwise, resume } = cold[i]!;
    c[guard] = code.length;
    walk(otherwise);
    emit(ops[guard]!, JUMP, resume);
  }
  return { code: Uint8Array.from(code), a: Int32Array.from(a), b: Int32Array.from(b), c: Int32Array.from(c), ops, end };
}
// #endregion

// #region execute
function execute(flat: FlatLir, settings: Settings): { result: RunResult; executed: number } {
  const { code, a, b, c, ops, end } = flat;
  const { input, tapeSize, eof, maxSteps } = settings;
  const tape = new Uint8Array(tapeSize);
  const output = new OutputBuffer();
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
      case MULADD:
        tape[p + x] += tape[p + b[pc]!]! * c[pc]!;
        break;
      case IN:
        tape[p + x] = inputPos < input.length ? input[inputPos++]! : eofValue(eof, tape[p + x]!);
        break;
      case OUT:
        output.push(tape[p + x]!);
        break;
      case MOVE:
        if (p + x < 0 || p + x >= tapeSize) break run;
        p += x;
        break;
      case CHECK:
        if (p + x < 0 || p + b[pc]! >= tapeSize) break run;
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
      case GUARD:
        if (p + x >= 0 && p + b[pc]! < tapeSize) break;
        pc = c[pc]!;
        continue;
      case JUMP:
        pc = x;
        continue;
      case SCAN: {
        const end = scanEnd(tape, p, x);
        const tests = Math.abs(end - p) / Math.abs(x) + 1; // each cell it stops on is a loop test
        if (steps + tests > maxSteps) {
          p += (maxSteps - steps) * x; // it tests the cells it can, and moves past them
          stepLimit = true;
          break run;
        }
        steps += tests;
        p = end;
        if (tape[p] !== 0) break run; // no 0 before the edge: the next step leaves the tape
        break;
      }
    }
    pc++;
  }
  // Only a `break run` stops early, before it makes the failing move or test.
  if (pc !== end) ({ error, pointer: p } = stop(ops[pc]!, code[pc] === END, p, stepLimit, settings));
  return { result: { output: output.bytes(), tape, pointer: p, error }, executed };
}
// #endregion

// #region scan
/**
 * Where a scan from p by `stride` stops: on the first 0 in its way, or on the last cell it can
 * reach before the next step would leave the tape. By one cell, that is `indexOf`: memchr.
 */
function scanEnd(tape: Uint8Array, p: number, stride: number): number {
  if (stride === 1) {
    const zero = tape.indexOf(0, p);
    return zero < 0 ? tape.length - 1 : zero;
  }
  if (stride === -1) {
    const zero = tape.lastIndexOf(0, p);
    return zero < 0 ? 0 : zero;
  }
  const last = stride > 0 ? p + Math.floor((tape.length - 1 - p) / stride) * stride : p % -stride;
  while (tape[p] !== 0 && p !== last) p += stride;
  return p;
}
// #endregion

// #region stop
/** Why the op at which the run stopped stopped it, and where the interpreter's pointer then is. */
function stop(op: Op, atEnd: boolean, p: number, stepLimit: boolean, { tapeSize, maxSteps }: Settings): { error: BrainfuckError; pointer: number } {
  if (stepLimit && (op.kind === "loop" || op.kind === "scan")) {
    const pos = op.kind === "loop" && atEnd ? op.end : op.pos;
    return { error: new StepLimitError(pos, maxSteps), pointer: op.kind === "loop" ? p + op.off : p };
  }
  // Off the tape. The reach that failed is the first, in order, whose cell is not on the tape; the
  // interpreter's pointer stops on the edge cell it could not leave.
  for (const { off, pos } of reachesOf(op)) {
    const cell = p + off;
    if (cell < 0) return { error: new TapeBoundsError(pos, "left", tapeSize), pointer: 0 };
    if (cell >= tapeSize) return { error: new TapeBoundsError(pos, "right", tapeSize), pointer: tapeSize - 1 };
  }
  throw new Error(`interpretLir stopped at a ${op.kind} that cannot fail: this is a bug in interpret-lir.ts`);
}
// #endregion
