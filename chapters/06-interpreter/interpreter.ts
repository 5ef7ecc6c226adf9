// The reference interpreter: the oracle every later tier is tested against. It runs the semantics
// of simple-interpreter.ts, made faster in two ways that change nothing a program can observe:
// runs of the same command are folded into one operation with a count, and bracket jumps are
// precomputed. A folded run that would stop part-way is replayed one command at a time, so every
// error still names the exact command.
import { StepLimitError, TapeBoundsError, type BrainfuckError } from "./errors.ts";
import { OutputBuffer, type OutputSink } from "./output-buffer.ts";
import type { Command, Program } from "./parser.ts";
import { eofValue, grownSize, resultTape, settingsOf, type RunOptions, type RunResult, type Settings } from "./semantics.ts";

// #region folded
// Opcodes of a folded program.
const ADD = 0; // `+` x count
const SUB = 1; // `-` x count
const RIGHT = 2; // `>` x count
const LEFT = 3; // `<` x count
const OUT = 4;
const IN = 5;
const OPEN = 6; // `[`: if the cell is 0, jump to arg (just past the matching `]`)
const CLOSE = 7; // `]`: if the cell is not 0, jump to arg (just past the matching `[`)

/** A program as parallel arrays: the interpreter's loop reads numbers, not objects. */
export interface FoldedProgram {
  readonly ops: Uint8Array;
  /** The count of a run, or the jump target of a bracket. */
  readonly args: Int32Array;
  /** The index of the op's first command in the Program: how an error finds its position. */
  readonly origins: Int32Array;
}
// #endregion

const OPCODE: Record<Command, number> = { "+": ADD, "-": SUB, ">": RIGHT, "<": LEFT, ".": OUT, ",": IN, "[": OPEN, "]": CLOSE };
const FOLDABLE = new Set<Command>(["+", "-", ">", "<"]);

// #region fold
/**
 * A run of one of `+ - > <` becomes one op whose arg is its length; every other command is an op of
 * its own, and a bracket's arg is the op just past its partner. origins[k] is the index in the
 * program of op k's first command.
 */
export function fold(program: Program): FoldedProgram {
  const { commands, match } = program;
  const ops: number[] = [];
  const args: number[] = [];
  const origins: number[] = [];
  const opOf = new Int32Array(commands.length); // folded index of each bracket command
  for (let i = 0; i < commands.length; ) {
    const op = commands[i] as Command;
    let count = 1;
    if (FOLDABLE.has(op)) while (i + count < commands.length && commands[i + count] === op) count++;
    opOf[i] = ops.length;
    ops.push(OPCODE[op]);
    args.push(count);
    origins.push(i);
    i += count;
  }
  for (let k = 0; k < ops.length; k++) {
    if (ops[k] === OPEN || ops[k] === CLOSE) args[k] = opOf[match[origins[k]!]!]! + 1;
  }
  return { ops: Uint8Array.from(ops), args: Int32Array.from(args), origins: Int32Array.from(origins) };
}
// #endregion

/**
 * Run `program`. Its output is in the result; or, given a sink, it streams: it goes to the sink
 * as it is made, a block at a time, and RunResult.output is empty.
 */
export function interpret(program: Program, opts?: RunOptions, sink?: OutputSink): RunResult {
  return execute(program, fold(program), settingsOf(opts), sink).result;
}

/** interpret(), also telling how many steps the program took (the unit of maxSteps). */
export function interpretWithStats(program: Program, opts?: RunOptions, sink?: OutputSink): { result: RunResult; steps: number } {
  return execute(program, fold(program), settingsOf(opts), sink);
}

// #region execute
/**
 * Run a folded program, a whole op at a time while none of its commands can fail; an op that would
 * stop part-way goes to replay. Gives the result, as simpleInterpret's, and the steps taken (a
 * command that fails counts as one, as in replay). Output goes to `sink` if there is one.
 */
function execute(program: Program, folded: FoldedProgram, settings: Settings, sink?: OutputSink): { result: RunResult; steps: number } {
  const { ops, args, origins } = folded;
  const { input, tapeSize, tapeLimit, eof, maxSteps } = settings;
  let tape: Uint8Array = new Uint8Array(tapeSize);
  const output = new OutputBuffer(sink);
  let p = 0;
  let inputPos = 0;
  let steps = 0;
  let pc = 0;
  let error: BrainfuckError | null = null;

  while (pc < ops.length) {
    const arg = args[pc]!;
    switch (ops[pc]) {
      case ADD:
        if (steps + arg > maxSteps) break;
        tape[p] += arg; // Uint8Array stores modulo 256: the wrap is free
        steps += arg;
        pc++;
        continue;
      case SUB:
        if (steps + arg > maxSteps) break;
        tape[p] -= arg;
        steps += arg;
        pc++;
        continue;
      case RIGHT:
        if (p + arg >= tape.length && tape.length < tapeLimit) tape = grown(tape, p + arg, tapeLimit);
        if (steps + arg > maxSteps || p + arg >= tape.length) break;
        p += arg;
        steps += arg;
        pc++;
        continue;
      case LEFT:
        if (steps + arg > maxSteps || p - arg < 0) break;
        p -= arg;
        steps += arg;
        pc++;
        continue;
      case OUT:
        if (steps === maxSteps) break;
        output.push(tape[p]!);
        steps++;
        pc++;
        continue;
      case IN:
        if (steps === maxSteps) break;
        tape[p] = inputPos < input.length ? input[inputPos++]! : eofValue(eof, tape[p]!);
        steps++;
        pc++;
        continue;
      case OPEN:
        if (steps === maxSteps) break;
        steps++;
        pc = tape[p] === 0 ? arg : pc + 1;
        continue;
      case CLOSE:
        if (steps === maxSteps) break;
        steps++;
        pc = tape[p] !== 0 ? arg : pc + 1;
        continue;
    }
    // Only a `break` above gets here: this op stops the program part-way through.
    const stop = replay(program, origins[pc]!, tape, tapeLimit, p, steps, maxSteps);
    p = stop.pointer;
    steps = stop.steps;
    error = stop.error;
    break;
  }
  output.flush();
  return { result: { output: output.bytes(), tape: resultTape(tape, p, settings), pointer: p, error }, steps };
}
// #endregion

// #region grown
/** A growing tape, longer: a copy with room for cell `needed` (or up to the limit, if that is nearer). */
function grown(tape: Uint8Array, needed: number, limit: number): Uint8Array {
  const longer = new Uint8Array(grownSize(tape.length, needed, limit));
  longer.set(tape);
  return longer;
}
// #endregion grown

// #region replay
/**
 * The slow path, for an op known to stop the program part-way (out of steps, or off the tape):
 * run its commands one at a time, exactly as simpleInterpret would, up to the one that fails.
 */
function replay(
  program: Program,
  first: number,
  tape: Uint8Array,
  size: number,
  p: number,
  steps: number,
  maxSteps: number,
): { pointer: number; steps: number; error: BrainfuckError } {
  for (let i = first; ; i++) {
    const op = program.commands[i];
    if (steps === maxSteps) return { pointer: p, steps, error: new StepLimitError(program.pos(i), maxSteps) };
    steps++;
    if (op === "+") tape[p]++;
    else if (op === "-") tape[p]--;
    else if (op === ">") {
      if (p === tape.length - 1) return { pointer: p, steps, error: new TapeBoundsError(program.pos(i), "right", size) };
      p++;
    } else if (op === "<") {
      if (p === 0) return { pointer: p, steps, error: new TapeBoundsError(program.pos(i), "left", size) };
      p--;
    }
  }
}
// #endregion
