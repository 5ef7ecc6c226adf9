// The contract between generated code and the host: the context block the code receives, the
// status it returns, and the registers it keeps its state in. Pure data, so that code generators
// (and the browser playground) can use it without bun:ffi.
import { r12, r13, r14, r15, rbx } from "../04-encoder/registers.ts";

// #region layout
/**
 * Byte offsets of the context block's fields. The host fills it in, passes its address as the one
 * argument, and reads it back after the code returns. Every field is 8 bytes, little-endian.
 */
export const CTX = {
  /** in: address of cell 0. */
  tape: 0,
  /** in: number of cells. */
  tapeSize: 8,
  /** in: the cell the pointer starts on. out: the cell it ended on (before the failed move). */
  pointer: 16,
  /** in: address of the output buffer. */
  outBuffer: 24,
  /** in: address one past its last byte. */
  outEnd: 32,
  /** in/out: where the next output byte goes (outBuffer when the buffer is empty). */
  outCursor: 40,
  /** in: file descriptors `.` writes to and `,` reads from. */
  outFd: 48,
  inFd: 56,
  /** in: what `,` stores at end of input: 0..255, or -1 to leave the cell unchanged. */
  eof: 64,
  /** out: which bounds check failed, when the status is OFF_TAPE. */
  site: 72,
  /** out: what the failed read or write returned, when the status is WRITE_FAILED or READ_FAILED. */
  ioResult: 80,
  /** out: how many times the code called write and read (statistics). */
  writes: 88,
  reads: 96,
} as const;

/**
 * The block's size: the fields above, and nothing else. The layout is open at its end: a run may
 * add fields of its own from CONTEXT_SIZE on (RunMemory.allocate takes the block's size), and code
 * that knows nothing of them keeps working, since every offset above stays where it is.
 */
export const CONTEXT_SIZE = 104;
// #endregion layout

// #region status
/**
 * What the generated function returns. The runtime decodes each status through one table
 * (runtime.ts's STATUS_TABLE), which a run that adds statuses of its own extends with them.
 */
export const STATUS = {
  /** The program ran to its end. */
  OK: 0,
  /** A `<` or `>` left the tape; CTX.site says which check, CTX.pointer where it stood. */
  OFF_TAPE: 1,
  /** write() returned 0 or -1 while flushing the output. */
  WRITE_FAILED: 2,
  /** read() returned -1. */
  READ_FAILED: 3,
} as const;

export type Status = (typeof STATUS)[keyof typeof STATUS];
// #endregion status

/** Where the generated code calls into libc: the absolute addresses of write(2) and read(2). */
export interface IoImports {
  readonly write: number;
  readonly read: number;
}

// #region registers
/**
 * Where the generated code keeps its state while it runs. All five are callee-saved in the
 * System V ABI, so they survive the calls to write and read without being saved around each one.
 */
export const REG = {
  /** The pointer, as a cell index: `[tape + cell]` is the current cell. */
  cell: rbx,
  /** Address of cell 0. */
  tape: r12,
  /** Number of cells: one unsigned compare with it catches both ends of the tape. */
  size: r13,
  /** Address of the context block. */
  ctx: r14,
  /** Where the next output byte goes. */
  out: r15,
} as const;
// #endregion registers
