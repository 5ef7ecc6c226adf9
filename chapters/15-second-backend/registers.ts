// Where the A64 code keeps its state while it runs: chapter 8's register plan (the current cell and
// the end of the tape as addresses, the context block, the output cursor), in registers AAPCS64 says
// a call preserves, so the calls to write and read keep them. Chapter 7's REG names the x86 ones.
import { w9, w10, w11, x16, x17, x19, x20, x21, x22, x23, x24, x9, type W, type X } from "../14-second-machine/registers.ts";

// #region registers
/** The state, in callee-saved registers (x19-x28): the frame saves them, libc leaves them alone. */
export const A64_REG = {
  /** The address of the current cell: tape + pointer. `[x19, #o]` is the cell `[o]` of an op. */
  cell: x19,
  /** The address of cell 0. */
  tape: x20,
  /** The address one past the last cell: one unsigned compare with it, or with tape, checks a move. */
  end: x21,
  /** The context block (chapter 7's CTX). */
  ctx: x22,
  /** Where the next output byte goes. */
  out: x23,
  /** The flush routine's first byte not written yet, kept across its calls to write. */
  flushed: x24,
} as const;

/** Every register the program's frame saves: the state, in pairs for stp. */
export const SAVED: readonly X[] = Object.values(A64_REG);

/**
 * Scratch registers no call needs to keep: cell values in w9..w11 (x9 for 64-bit counts), and the
 * two intra-procedure-call registers x16 and x17 (IP0, IP1) for addresses and constants.
 */
export const SCRATCH = { value: w9, other: w10, factor: w11, wide: x9, address: x16, constant: x17 } as const satisfies Record<string, W | X>;
// #endregion registers
