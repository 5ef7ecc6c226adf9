// The tiers that need no bun:ffi: optimized LIR compiled whole to JavaScript (js-opt), and the tiered
// JIT with JavaScript as its upper tier (tiered-js). Both run on a Machine in ordinary memory, with
// input from an array and output collected in memory or streamed to a sink, and answer with chapter 6's
// RunResult.
import { OutputBuffer, type OutputSink } from "../06-interpreter/output-buffer.ts";
import type { Program } from "../06-interpreter/parser.ts";
import { resultTape, settingsOf, type EofBehavior, type RunOptions, type RunResult } from "../06-interpreter/semantics.ts";
import { UnsupportedOptionError } from "../07-template-jit/errors.ts";
import type { BrainfuckError } from "../06-interpreter/errors.ts";
import { lower } from "../08-lir/lower.ts";
import { optimize } from "../09-optimizer/optimize.ts";
import { lowerPiece, PIECE, piecesOf } from "../10-faster-code/pieces.ts";
import { PIECE_BREAK } from "./futamura.ts";
import { CountingInterpreter, Profile, checkThreshold, type LoopState, type SwitchEvent, type TierTimes } from "./counting-interpreter.ts";
import { JsCode, JsLoopCompiler } from "./lir-to-js.ts";
import type { Machine, MachineIo } from "./machine.ts";

/** Output is flushed from the machine's buffer into memory this many bytes at a time. */
const BUFFER_SIZE = 64 * 1024;

// #region memory-io
/**
 * A run's I/O in memory: `,` reads the input array, `.` ends up in an OutputBuffer, or, given a sink,
 * goes to the sink at each flush of the machine's buffer.
 */
export class MemoryIo implements MachineIo {
  readonly output = new OutputBuffer();
  flushes = 0;
  #next = 0;

  constructor(
    private readonly input: Uint8Array,
    readonly eof: EofBehavior,
    private readonly sink?: OutputSink,
  ) {}

  flush(m: Machine): void {
    if (this.sink !== undefined) this.sink.write(m.out.subarray(0, m.outLength));
    else for (let i = 0; i < m.outLength; i++) this.output.push(m.out[i]!);
    m.outLength = 0;
    this.flushes++;
  }

  read(): number {
    return this.#next < this.input.length ? this.input[this.#next++]! : -1;
  }
}
// #endregion memory-io

/** A fresh machine: the tape all zeros, the pointer on cell 0, the buffer empty; the tape may grow up to `tapeLimit`. */
export function freshMachine(tapeSize: number, bufferSize = BUFFER_SIZE, tapeLimit = tapeSize): Machine {
  return { tape: new Uint8Array(tapeSize), tapeLimit, p: 0, out: new Uint8Array(bufferSize), outLength: 0 };
}

/** RunOptions for a tier whose code counts no steps: maxSteps is refused, as by chapter 7's runtime. */
export function settingsWithoutStepLimit(opts: RunOptions | undefined, tier: string) {
  const settings = settingsOf(opts);
  if (settings.maxSteps !== Infinity) {
    throw new UnsupportedOptionError(
      `maxSteps (${settings.maxSteps}) is not supported by the ${tier} tier: its code counts no steps. ` +
        `Run the program with the interpreter of chapter 6, or with the js tier (futamura.ts), to limit its steps.`,
    );
  }
  return settings;
}

// #region js-opt
/**
 * Chapter 9's optimized LIR compiled by the JavaScript engine, a piece of the program at a time
 * (chapter 10's pieces), each piece's code run after the one before. The top level of a program runs
 * once, so when a program is in more than one piece, each piece's function is made when the run
 * reaches it and is garbage once it has run (JsCode's `keep`); a program of one piece keeps its
 * function, warm, for the next run. `piece`: commands per piece (chapter 10's PIECE unless told).
 */
export class OptimizedJsProgram {
  readonly tier = "js-opt";
  readonly #codes: JsCode[] = [];

  constructor(program: Program, piece = PIECE) {
    const pieces = [...piecesOf(program, piece)];
    pieces.forEach((part, i) => this.#codes.push(new JsCode(optimize(() => lowerPiece(part, i)).lir, pieces.length === 1)));
  }

  /** The code of each piece, in order. */
  get pieces(): readonly JsCode[] {
    return this.#codes;
  }

  /** The source of every piece, in order. */
  get source(): string {
    return this.#codes.map((c) => c.source).join(PIECE_BREAK);
  }

  get codeSize(): number {
    let size = 0;
    for (const c of this.#codes) size += c.codeSize;
    return size;
  }

  /** Run it: the output in the result, or streamed to `sink` (RunResult.output is then empty). */
  run(opts?: RunOptions, sink?: OutputSink): RunResult {
    const settings = settingsWithoutStepLimit(opts, this.tier);
    const { input, tapeSize, tapeLimit, eof } = settings;
    const m = freshMachine(tapeSize, BUFFER_SIZE, tapeLimit);
    const io = new MemoryIo(input, eof, sink);
    let error: BrainfuckError | null = null;
    for (const code of this.#codes) if ((error = code.run(m, io)) !== null) break;
    io.flush(m);
    return { output: io.output.bytes(), tape: resultTape(m.tape, m.p, settings), pointer: m.p, error };
  }
}
// #endregion js-opt

// #region tiered-js
/** The counting interpreter, with hot loops compiled to JavaScript: tiering without machine code. */
export class TieredJsProgram {
  readonly tier = "tiered-js";
  readonly #profile: Profile;
  readonly #compiler = new JsLoopCompiler();

  constructor(
    program: Program,
    readonly threshold: number,
    private readonly onSwitch?: (e: SwitchEvent) => void,
  ) {
    checkThreshold(threshold);
    this.#profile = new Profile(lower(program));
  }

  /** Run it: the output in the result, or streamed to `sink` (RunResult.output is then empty). */
  run(opts?: RunOptions, sink?: OutputSink): RunResult {
    return this.runWithStats(opts, sink).result;
  }

  runWithStats(opts?: RunOptions, sink?: OutputSink): { result: RunResult; times: TierTimes; loops: readonly LoopState[]; flushes: number } {
    const settings = settingsWithoutStepLimit(opts, this.tier);
    const { input, tapeSize, tapeLimit, eof } = settings;
    const m = freshMachine(tapeSize, BUFFER_SIZE, tapeLimit);
    const io = new MemoryIo(input, eof, sink);
    const { error, times } = new CountingInterpreter(this.#profile, io, {
      threshold: this.threshold,
      compiler: this.#compiler,
      ...(this.onSwitch ? { onSwitch: this.onSwitch } : {}),
    }).run(m);
    io.flush(m);
    const result = { output: io.output.bytes(), tape: resultTape(m.tape, m.p, settings), pointer: m.p, error };
    return { result, times, loops: this.#profile.compiled(), flushes: io.flushes };
  }
}
// #endregion tiered-js
