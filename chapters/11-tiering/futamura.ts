// The first Futamura projection, by hand: chapter 6's interpreter specialized to one program. The
// interpreter's loop decides, for every command, what to do (`switch (ops[pc])`) and what with
// (`args[pc]`). For a given program all of that is known before it runs: only the tape, the pointer,
// the steps taken and the input are not. So the specializer runs the deciding part now, and writes
// out the rest, the body of the case it picked with the argument filled in, as JavaScript source.
// Bun's own JIT compiles that source; we wrote no backend at all.
import { StepLimitError, TapeBoundsError, type BrainfuckError } from "../06-interpreter/errors.ts";
import { fold, interpret } from "../06-interpreter/interpreter.ts";
import { OutputBuffer, type OutputSink } from "../06-interpreter/output-buffer.ts";
import type { Command, Program } from "../06-interpreter/parser.ts";
import { eofValue, grownSize, resultTape, settingsOf, type EofBehavior, type RunOptions, type RunResult } from "../06-interpreter/semantics.ts";
import { formatPos } from "../06-interpreter/source.ts";
import { releaseIfGrown } from "./release.ts";
import { PIECE, piecesOf } from "../10-faster-code/pieces.ts";

// #region residual
/**
 * What the case of execute() for `command` leaves once its argument `n` and its index `k` are known:
 * the same test of the step limit and of the tape, the same effect, and `stop(k, ...)` where the interpreter
 * would break out of its switch and replay the op one command at a time.
 */
function residual(command: Command, n: number, k: number): string {
  const stop = `throw stop(${k}, p, steps);`;
  switch (command) {
    case "+":
      return `if (steps + ${n} > maxSteps) ${stop}\ntape[p] += ${n}; steps += ${n};`;
    case "-":
      return `if (steps + ${n} > maxSteps) ${stop}\ntape[p] -= ${n}; steps += ${n};`;
    case ">":
      return `if (steps + ${n} > maxSteps || (p + ${n} >= size && !roomFor(p + ${n}))) ${stop}\np += ${n}; steps += ${n};`;
    case "<":
      return `if (steps + ${n} > maxSteps || p - ${n} < 0) ${stop}\np -= ${n}; steps += ${n};`;
    case ".":
      return `if (steps === maxSteps) ${stop}\noutput.push(tape[p]); steps++;`;
    case ",":
      return `if (steps === maxSteps) ${stop}\ntape[p] = inputPos < input.length ? input[inputPos++] : eofValue(eof, tape[p]); steps++;`;
    case "[":
    case "]":
      // A bracket's test: its jump is the loop around the body (see specialize).
      return `if (steps === maxSteps) ${stop}\nsteps++;`;
  }
}
// #endregion residual

// #region specialize
/**
 * The program as the body of `function (tape, input, eof, maxSteps, output, eofValue, stop, grow, at)`,
 * which starts from the pointer, steps and input position in `at` and leaves them there at the end.
 * `[` and `]` jump to places known now, so their jumps become structured code: `[` tests and skips
 * the loop, `]` tests and goes round. Each loop is a function of its own, for the engine's sake
 * (JavaScriptCore does not optimize a function past a certain size).
 */
export function specialize(program: Program): string {
  const { args, origins } = fold(program);
  const functions: string[] = [];
  const open: string[][] = []; // the body of each loop being written, innermost last
  let lines: string[] = [];
  const emit = (text: string, indent: string) => {
    for (const line of text.split("\n")) lines.push(indent + line);
  };
  for (let k = 0; k < args.length; k++) {
    const op = program.op(origins[k]!);
    const pos = program.pos(origins[k]!);
    const n = op === "[" || op === "]" ? 1 : args[k]!;
    const indent = open.length === 0 ? "" : "    ";
    emit(`// ${formatPos(pos)} ${op.repeat(Math.min(n, 8))}${n > 8 ? ` (${n} times)` : ""}`, indent);
    emit(residual(op, n, k), indent);
    if (op === "[") {
      const name = `loop_${pos.line}_${pos.column}_${k}`;
      emit(`if (tape[p] !== 0) ${name}();`, indent);
      open.push(lines);
      lines = [`function ${name}() {`, "  do {"];
    } else if (op === "]") {
      lines.push("  } while (tape[p] !== 0);", "}");
      functions.push(lines.join("\n"));
      lines = open.pop()!;
    }
  }
  const head = [
    "let size = tape.length, p = at.p, steps = at.steps, inputPos = at.inputPos;",
    // Past the right end, the host's `grow` gives the tape back, longer if its limit allowed.
    "const roomFor = (needed) => { tape = grow(needed); size = tape.length; return needed < size; };",
  ];
  return [...head, ...functions, ...lines, "at.p = p; at.steps = steps; at.inputPos = inputPos;"].join("\n");
}
// #endregion specialize

/** The specialized function: it leaves the pointer, steps and input position in `at`, or throws what `stop` returns. */
type Residual = (
  tape: Uint8Array,
  input: Uint8Array,
  eof: EofBehavior,
  maxSteps: number,
  output: OutputBuffer,
  valueAtEof: typeof eofValue,
  stop: (k: number, p: number, steps: number) => Stopped,
  grow: (needed: number) => Uint8Array,
  at: RunState,
) => void;

/** Where a run stands between two pieces of the program: the pointer, the steps taken, the input read. */
interface RunState {
  p: number;
  steps: number;
  inputPos: number;
}

/**
 * Commands per piece (chapter 10's `cuts`), fewer than chapter 10's PIECE: the residual code is tens
 * of characters a command, and the engine parses a function whole, into a tree many times the size of
 * its text, before it runs any of it.
 */
export const JS_PIECE = PIECE / 4;

/** What goes between two pieces' code in a tier's `source` (this one's, and js-opt's). */
export const PIECE_BREAK = "\n// the next piece\n";

const residualOf = (source: string): Residual =>
  new Function("tape", "input", "eof", "maxSteps", "output", "eofValue", "stop", "grow", "at", source) as Residual;

/** What the residual code throws where the interpreter would replay an op: the program's end. */
class Stopped extends Error {
  override name = "Stopped";
  constructor(
    readonly error: BrainfuckError,
    readonly pointer: number,
  ) {
    super(error.message);
  }
}

/**
 * Each loop of the residual code is a function that calls its inner loops' functions, so a program
 * nested n loops deep runs n calls deep, and the engine's stack ends somewhere past 30,000 (Bun,
 * measured). Deeper than this, the specialized code is not run: the interpreter it was made from is.
 */
export const MAX_CALL_DEPTH = 10_000;

/** How deep the program's loops nest. */
export function nestingDepth(program: Program): number {
  let depth = 0;
  let deepest = 0;
  for (const op of program.commands) {
    if (op === "[") deepest = Math.max(deepest, ++depth);
    else if (op === "]") depth--;
  }
  return deepest;
}

// #region specialized-program
/**
 * A program specialized once and compiled by the JavaScript engine, run as often as wanted. A big
 * program is specialized a piece at a time (chapter 10's pieces), each piece's function made when
 * the run reaches it and dropped after it: the residual code of a megabyte of Brainfuck is tens of
 * megabytes of JavaScript, and the engine's tree of one function that size would be gigabytes.
 */
export class SpecializedProgram {
  readonly tier = "js";
  /** Why the run is the interpreter's rather than the specialized code's, or null when it is not. */
  readonly fallback: string | null;
  /** The program's pieces, each with its ops' origins; the one piece's function, kept, when it is one. */
  readonly #pieces: { readonly program: Program; readonly origins: Int32Array }[];
  readonly #run: Residual | null = null;
  #source: string | null = null;
  /** Each piece's residual program's length, once it has been made. */
  readonly #lengths: number[] = [];

  constructor(
    readonly program: Program,
    piece = JS_PIECE,
  ) {
    const depth = nestingDepth(program);
    this.fallback =
      depth > MAX_CALL_DEPTH
        ? `loops nested ${depth} deep would run ${depth} calls deep (at most ${MAX_CALL_DEPTH}): run by chapter 6's interpreter instead`
        : null;
    this.#pieces = this.fallback === null ? [...piecesOf(program, piece)].map((p) => ({ program: p, origins: fold(p).origins })) : [];
    if (this.#pieces.length === 1) this.#run = residualOf(this.source);
  }

  /** The residual program, made on first use (a program run by the interpreter needs none); piece by piece. */
  get source(): string {
    if (this.#source !== null) return this.#source;
    const source = this.#pieces.map((_, i) => this.#sourceOf(i)).join(PIECE_BREAK);
    if (this.#pieces.length === 1) this.#source = source; // a big program's is made again, not kept
    return source;
  }

  /** Characters of JavaScript: the "code" this tier makes (a piece's counted when it is first made). */
  get codeSize(): number {
    let size = PIECE_BREAK.length * Math.max(0, this.#pieces.length - 1);
    for (let i = 0; i < this.#pieces.length; i++) size += this.#lengths[i] ?? this.#sourceOf(i).length;
    return size;
  }

  /** Piece i's residual program, its length noted. */
  #sourceOf(i: number): string {
    const source = specialize(this.#pieces[i]!.program);
    this.#lengths[i] = source.length;
    return source;
  }

  /** Run it, as chapter 6's interpret(): the output in the result, or streamed to `sink`. */
  run(opts?: RunOptions, sink?: OutputSink): RunResult {
    if (this.fallback !== null) return interpret(this.program, opts, sink);
    const settings = settingsOf(opts);
    const { input, tapeSize, tapeLimit, eof, maxSteps } = settings;
    let tape = new Uint8Array(tapeSize);
    /** The tape, longer (chapter 6's doubling) to hold cell `needed` if the limit allows, else at the limit. */
    const grow = (needed: number): Uint8Array => {
      if (tape.length < tapeLimit) {
        const longer = new Uint8Array(grownSize(tape.length, needed, tapeLimit));
        longer.set(tape);
        tape = longer;
      }
      return tape;
    };
    const output = new OutputBuffer(sink);
    const at: RunState = { p: 0, steps: 0, inputPos: 0 };
    try {
      for (const [i, { program, origins }] of this.#pieces.entries()) {
        // The interpreter's slow path, unchanged: the op that fails runs one command at a time.
        const stop = (k: number, p: number, steps: number): Stopped => {
          const end = replay(program, origins[k]!, tape, p, steps, maxSteps, grow);
          return new Stopped(end.error, end.pointer);
        };
        const run = this.#run ?? residualOf(this.#sourceOf(i));
        run(tape, input, eof, maxSteps, output, eofValue, stop, grow, at);
        if (this.#run === null) releaseIfGrown(); // the piece's source and everything the engine made of it are garbage now
      }
      output.flush();
      return { output: output.bytes(), tape: resultTape(tape, at.p, settings), pointer: at.p, error: null };
    } catch (e) {
      if (!(e instanceof Stopped)) throw e;
      output.flush();
      return { output: output.bytes(), tape: resultTape(tape, e.pointer, settings), pointer: e.pointer, error: e.error };
    }
  }
}
// #endregion specialized-program

/** Specialize and compile: the JS tier's whole compiler. */
export function compileToJs(program: Program): SpecializedProgram {
  return new SpecializedProgram(program);
}

// #region replay
/**
 * Chapter 6's replay (interpreter.ts keeps its own private): the op that stops the program, run one
 * command at a time, exactly as simpleInterpret would, up to the command that fails.
 */
function replay(
  program: Program,
  first: number,
  tape: Uint8Array,
  p: number,
  steps: number,
  maxSteps: number,
  grow: (needed: number) => Uint8Array,
): { pointer: number; error: BrainfuckError } {
  for (let i = first; ; i++) {
    const op = program.commands[i];
    if (steps === maxSteps) return { pointer: p, error: new StepLimitError(program.pos(i), maxSteps) };
    steps++;
    if (op === "+") tape[p]++;
    else if (op === "-") tape[p]--;
    else if (op === ">") {
      if (p === tape.length - 1) tape = grow(p + 1);
      if (p === tape.length - 1) return { pointer: p, error: new TapeBoundsError(program.pos(i), "right", tape.length) };
      p++;
    } else if (op === "<") {
      if (p === 0) return { pointer: p, error: new TapeBoundsError(program.pos(i), "left", tape.length) };
      p--;
    }
  }
}
// #endregion replay
