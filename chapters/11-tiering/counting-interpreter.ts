// The bottom tier: an interpreter over lowered LIR (chapter 8's `lower`, nothing optimized, so it
// starts at once) that counts the iterations of every loop. When a loop has run `threshold` of them,
// it is compiled alone and called at its next test with the live pointer (OSR entry at a loop head;
// the interpreter's frame stays, and the state crosses in the machine).
// When the compiled loop exits, the interpreter carries on after it. Compiled loops are kept, and
// the next time the interpreter reaches one of them it enters the code straight away.
import type { BrainfuckError } from "../06-interpreter/errors.ts";
import { eofValue } from "../06-interpreter/semantics.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import { reachesOf, type Lir, type LoopOp, type MoveOp, type Op, type Range } from "../08-lir/lir.ts";
import { provedAtLoopHeads } from "./loop-entry.ts";
import { growTape, type CompiledLoop, type LoopCompiler, type Machine, type MachineIo } from "./machine.ts";
import { firstStepOff } from "./off-tape.ts";

// #region loop-state
/** What the tiers know about one loop. It outlives a run: counts and code are the program's. */
export interface LoopState<M extends Machine = Machine> {
  readonly loop: LoopOp;
  /** Where its `[` is, as a line and column. */
  readonly at: SourcePos;
  /** Iterations run in the interpreter: the loop's back edges taken. */
  iterations: number;
  code: CompiledLoop<M> | null;
  /** When it was compiled: after how many iterations, how far into the run, and how long it took. */
  compiledAfter: number;
  compiledAtMs: number;
  compileMs: number;
  /** How often the compiled code was entered, and the time spent in it. */
  entries: number;
  runMs: number;
}
// #endregion loop-state

/** The interpreter runs what `lower` makes; anything else means the caller optimized first. */
export class NotLoweredError extends Error {
  override name = "NotLoweredError";
}

/** A stop: the program's error, thrown from deep in the loops to the top of the run. */
class ProgramStop extends Error {
  override name = "ProgramStop";
  constructor(readonly error: BrainfuckError) {
    super(error.message);
  }
}

export interface TieringOptions<M extends Machine = Machine> {
  /** Compile a loop once it has run this many iterations: 0 compiles every loop that runs, Infinity none. */
  readonly threshold: number;
  readonly compiler: LoopCompiler<M>;
  /** Told of every switch of tier, with the state handed over (for demos and tests). */
  readonly onSwitch?: (e: SwitchEvent) => void;
}

// #region switch-event
/** A switch of tier, and the state that crossed it. */
export interface SwitchEvent {
  /**
   * "osr": into compiled code part-way through the loop, at a back edge; "entry": into compiled code
   * at the loop's first test; "exit": back to the interpreter, after the loop (or at an error).
   */
  readonly kind: "osr" | "entry" | "exit";
  readonly loop: LoopOp;
  /** Where its `[` is, as a line and column. */
  readonly at: SourcePos;
  /** The pointer, and the bytes waiting in the output buffer, at the switch. */
  readonly p: number;
  readonly pending: number;
  /** The loop's iterations in the interpreter so far. */
  readonly iterations: number;
}
// #endregion switch-event

/** A threshold is a whole number of iterations, or Infinity. */
export function checkThreshold(threshold: number): void {
  if (!(threshold === Infinity || (Number.isSafeInteger(threshold) && threshold >= 0))) {
    throw new RangeError(`the threshold must be a whole number of iterations, 0 or more (or Infinity: never compile), not ${threshold}`);
  }
}

// #region program-profile
/** A lowered program with its counters and compiled loops: what a tiered program keeps across runs. */
export class Profile<M extends Machine = Machine> {
  readonly #states = new Map<LoopOp, LoopState<M>>();
  readonly #compiled: LoopState<M>[] = [];
  readonly #proved: Map<LoopOp, Range>;

  constructor(readonly lir: Lir) {
    this.#proved = provedAtLoopHeads(lir);
  }

  stateOf(loop: LoopOp): LoopState<M> {
    let s = this.#states.get(loop);
    if (s === undefined) {
      s = { loop, at: this.lir.lines.pos(loop.pos), iterations: 0, code: null, compiledAfter: 0, compiledAtMs: 0, compileMs: 0, entries: 0, runMs: 0 };
      this.#states.set(loop, s);
    }
    return s;
  }

  provedAt(loop: LoopOp): Range {
    return this.#proved.get(loop)!; // every loop of lir has one
  }

  /** Give the loop its code. */
  setCode(state: LoopState<M>, code: CompiledLoop<M>): void {
    state.code = code;
    this.#compiled.push(state);
  }

  /** The loops compiled so far, in the order they were compiled. */
  compiled(): LoopState<M>[] {
    return [...this.#compiled];
  }
}
// #endregion program-profile

/** Where the time of one run went. */
export interface TierTimes {
  readonly compileMs: number;
  /** Inside compiled loops. */
  readonly codeMs: number;
  /** The rest: the interpreter itself. */
  readonly interpreterMs: number;
  readonly totalMs: number;
  /** Loops compiled during this run, and compiled loops entered (at a first test or part-way, by OSR). */
  readonly compiles: number;
  readonly entries: number;
}

export class CountingInterpreter<M extends Machine = Machine> {
  #compileMs = 0;
  #codeMs = 0;
  #compiles = 0;
  #entries = 0;
  #started = 0;

  constructor(
    private readonly profile: Profile<M>,
    private readonly io: MachineIo,
    private readonly options: TieringOptions<M>,
  ) {
    checkThreshold(options.threshold);
  }

  /** Run the whole program on `m`. Returns the error that stopped it, or null. */
  run(m: M): { error: BrainfuckError | null; times: TierTimes } {
    this.#started = performance.now();
    let error: BrainfuckError | null = null;
    try {
      this.ops(this.profile.lir.ops, m);
    } catch (e) {
      if (!(e instanceof ProgramStop)) throw e;
      error = e.error;
    }
    const totalMs = performance.now() - this.#started;
    const times = {
      compileMs: this.#compileMs,
      codeMs: this.#codeMs,
      interpreterMs: totalMs - this.#compileMs - this.#codeMs,
      totalMs,
      compiles: this.#compiles,
      entries: this.#entries,
    };
    return { error, times };
  }

  // #region ops
  private ops(ops: readonly Op[], m: M): void {
    let tape = m.tape; // read again after a move or a loop, which may grow it
    for (const op of ops) {
      switch (op.kind) {
        case "add":
          tape[m.p + op.off] += op.k;
          break;
        case "move": {
          const to = m.p + op.delta;
          if (to < 0 || (to >= tape.length && !growTape(m, to))) throw this.offTape(op, m);
          m.p = to;
          tape = m.tape;
          break;
        }
        case "out":
          m.out[m.outLength++] = tape[m.p + op.off]!;
          if (m.outLength === m.out.length) this.io.flush(m);
          break;
        case "in": {
          if (m.outLength > 0) this.io.flush(m); // a prompt shows before the program waits
          const byte = this.io.read();
          const cell = m.p + op.off;
          tape[cell] = byte < 0 ? eofValue(this.io.eof, tape[cell]!) : byte;
          break;
        }
        case "loop":
          this.loop(op, m);
          tape = m.tape;
          break;
        default:
          throw new NotLoweredError(
            `the counting interpreter runs lowered LIR (chapter 8's lower), which has no '${op.kind}' op: ` +
              `optimized LIR is for the compiled loops, which optimize themselves`,
          );
      }
    }
  }
  // #endregion ops

  // #region loop
  /** Interpret the loop while it is cold; once it is hot, compile it, and let its code finish it. */
  private loop(op: LoopOp, m: M): void {
    if (m.tape[m.p + op.off] === 0) return;
    const state = this.profile.stateOf(op);
    let osr = false;
    while (state.code === null) {
      if (state.iterations >= this.options.threshold) {
        this.compile(state);
        break;
      }
      this.ops(op.body, m);
      if (m.tape[m.p + op.off] === 0) return;
      state.iterations++; // a back edge: the loop goes round again
      osr = true;
    }
    this.enter(state.code!, state, m, osr);
  }
  // #endregion loop

  // #region tier-up
  private compile(state: LoopState<M>): void {
    const started = performance.now();
    this.profile.setCode(state, this.options.compiler.compile(state.loop, this.profile.provedAt(state.loop), this.profile.lir.lines));
    const ms = performance.now() - started;
    state.compiledAfter = state.iterations;
    state.compiledAtMs = started - this.#started;
    state.compileMs = ms;
    this.#compileMs += ms;
    this.#compiles++;
  }

  /** OSR entry: the loop's code takes the machine as it is, and gives it back at the exit. */
  private enter(code: CompiledLoop<M>, state: LoopState<M>, m: M, osr: boolean): void {
    const onSwitch = this.options.onSwitch;
    onSwitch?.({ kind: osr ? "osr" : "entry", loop: state.loop, at: state.at, p: m.p, pending: m.outLength, iterations: state.iterations });
    const started = performance.now();
    const error = code.run(m, this.io);
    const ms = performance.now() - started;
    onSwitch?.({ kind: "exit", loop: state.loop, at: state.at, p: m.p, pending: m.outLength, iterations: state.iterations });
    state.entries++;
    state.runMs += ms;
    this.#codeMs += ms;
    this.#entries++;
    if (error !== null) throw new ProgramStop(error);
  }
  // #endregion tier-up

  /** The first step of the move that leaves the tape; the pointer stays on the edge cell. */
  private offTape(op: MoveOp, m: M): ProgramStop {
    const { error, pointer } = firstStepOff(reachesOf(op), m.p, m.tape.length, this.profile.lir.lines);
    m.p = pointer;
    return new ProgramStop(error);
  }
}
