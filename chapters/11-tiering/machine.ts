// The state a tiered run hands from one tier to the other. Everything else (the program, the code,
// the counters) belongs to one tier or the other; these four things belong to the run, and at a
// switch of tier they must be exactly where the other tier expects them.
import type { BrainfuckError } from "../06-interpreter/errors.ts";
import { grownSize, type EofBehavior } from "../06-interpreter/semantics.ts";
import type { LineIndex } from "../06-interpreter/source.ts";
import type { LoopOp, Range } from "../08-lir/lir.ts";

// #region machine
export interface Machine {
  /**
   * The tape. Compiled code works on the same memory: nothing is copied at a switch. A growing tape
   * is replaced by a longer copy (growTape), so a tier reads it again after anything that may grow it.
   */
  tape: Uint8Array;
  /** How many cells the tape may grow to; absent: it is fixed at its length (a native tape is mapped at its limit). */
  readonly tapeLimit?: number;
  /** The pointer: the one value that must be handed over, in and out, at every switch. */
  p: number;
  /** The output buffer every tier appends to; bytes not written out yet are out[0 .. outLength). */
  readonly out: Uint8Array;
  outLength: number;
}

/** How the interpreter writes and reads: the same files compiled loops write and read. */
export interface MachineIo {
  /** Write out[0 .. outLength), and empty the buffer. */
  flush(m: Machine): void;
  /** The next input byte, or -1 at the end of the input. */
  read(): number;
  readonly eof: EofBehavior;
}
// #endregion machine

// #region grow-tape
/**
 * Make room on the tape for cell `needed`: a longer copy (chapter 6's doubling), up to the limit.
 * False when the limit forbids; the tape has then grown to the limit, where the off-tape error is told.
 */
export function growTape(m: Machine, needed: number): boolean {
  const limit = m.tapeLimit ?? m.tape.length;
  if (m.tape.length < limit) {
    const longer = new Uint8Array(grownSize(m.tape.length, needed, limit));
    longer.set(m.tape);
    m.tape = longer;
  }
  return needed < m.tape.length;
}
// #endregion grow-tape

// #region compiled-loop
/**
 * A loop compiled alone. It runs from the loop's test to its exit, on the machine's state. `M` is the
 * machine it needs: native code needs one whose tape and buffer live in its run's memory.
 */
export interface CompiledLoop<M extends Machine = Machine> {
  /** Bytes of code (machine code, or JavaScript source). */
  readonly codeSize: number;
  /**
   * null when the loop exits normally; the error that stops the program otherwise. `io` is the
   * interpreter's, for code that does its I/O through it (machine code has its own).
   */
  run(m: M, io: MachineIo): BrainfuckError | null;
}

/**
 * The tier above the interpreter. `proved` is what the verifier knows at the loop's head (see
 * loop-entry.ts): the loop may be compiled as if its own code had checked those cells.
 */
export interface LoopCompiler<M extends Machine = Machine> {
  /** "x86-64", "js": for stats. */
  readonly name: string;
  /** `lines`: the source's, for the line and column of an error. */
  compile(loop: LoopOp, proved: Range, lines: LineIndex): CompiledLoop<M>;
}
// #endregion compiled-loop
