// The code around the ops, the same for every program: the entry and the exits, and the routines
// that call libc's write and read through their addresses. The contract is chapter 7's: the context
// block's fields, the statuses, a site number for a failed check; only the instructions change.
import { mem, post, pre } from "../14-second-machine/addressing.ts";
import type { Assembler, Label } from "../14-second-machine/assembler.ts";
import { sp, w0, w9, w10, x0, x1, x2, x9, x10, x16, x29, x30 } from "../14-second-machine/registers.ts";
import { CTX, STATUS, type IoImports } from "../07-template-jit/context.ts";
import { A64Frame } from "./frame.ts";
import { A64_REG, SAVED } from "./registers.ts";

const { cell, tape, end, ctx, out, flushed } = A64_REG;

// #region entry
/** The program's frame: the frame record and the six state registers, 64 bytes. */
export const PROGRAM_FRAME = new A64Frame(SAVED);

/** Save what AAPCS64 says to save, then load the state from the context block (its address is in x0). */
export function emitEntry(a: Assembler): void {
  PROGRAM_FRAME.prologue(a);
  a.mov(ctx, x0)
    .ldr(tape, mem(ctx, CTX.tape))
    .ldr(end, mem(ctx, CTX.tapeSize))
    .add(end, end, tape)
    .ldr(cell, mem(ctx, CTX.pointer))
    .add(cell, cell, tape)
    .ldr(out, mem(ctx, CTX.outCursor));
}
// #endregion entry

/** The labels the rules branch and call to; emitExits and the routines bind them. */
export interface A64Exits {
  /** Leave with the status in w0. */
  readonly leave: Label;
  /** Leave with STATUS.OFF_TAPE; w0 holds the site. */
  readonly offTape: Label;
  readonly flush: Label;
  readonly input: Label;
}

export function newExits(a: Assembler): A64Exits {
  return { leave: a.newLabel("leave"), offTape: a.newLabel("off_tape"), flush: a.newLabel("flush"), input: a.newLabel("input") };
}

// #region exits
/**
 * After the last op: flush, and leave with flush's status. Every exit stores the pointer (as an
 * index again) and the output cursor into the context block. A failed check flushes the output
 * made before it, then leaves with STATUS.OFF_TAPE unless the flush failed.
 */
export function emitExits(a: Assembler, x: A64Exits): void {
  a.bl(x.flush).bind(x.leave);
  a.sub(x9, cell, tape).str(x9, mem(ctx, CTX.pointer)).str(out, mem(ctx, CTX.outCursor));
  PROGRAM_FRAME.epilogue(a);
  a.bind(x.offTape)
    .str(x0, mem(ctx, CTX.site))
    .bl(x.flush)
    .cbnz(w0, x.leave)
    .mov(w0, STATUS.OFF_TAPE)
    .b(x.leave);
}
// #endregion exits

// #region call
/** Call the libc function at `address`: built in x16 (up to four instructions), then blr. */
function callLibc(a: Assembler, address: number): void {
  a.mov(x16, address).blr(x16);
}

/** CTX[field] += 1: a load, an add and a store, since no A64 instruction adds to memory. */
function count(a: Assembler, field: number): void {
  a.ldr(x9, mem(ctx, field)).add(x9, x9, 1).str(x9, mem(ctx, field));
}
// #endregion call

// #region flush
/**
 * Write out the buffer, looping on short writes. x24 (callee-saved, so write keeps it) is the first
 * byte not written yet. A result <= 0 is stored in CTX.ioResult. Returns 0 in w0, or WRITE_FAILED.
 */
export function emitFlushRoutine(a: Assembler, x: A64Exits, imports: IoImports): void {
  const again = a.newLabel("flush_again");
  const empty = a.newLabel("flush_empty");
  const failed = a.newLabel("flush_failed");
  const leave = () => a.ldp(x29, x30, post(sp, 16)).ret();
  a.bind(x.flush).stp(x29, x30, pre(sp, -16)).mov(x29, sp); // the bl that called it left its return address in x30
  a.ldr(flushed, mem(ctx, CTX.outBuffer))
    .bind(again)
    .subs(x2, out, flushed) //                x2: how many are left
    .bcond("eq", empty)
    .ldr(w0, mem(ctx, CTX.outFd))
    .mov(x1, flushed);
  callLibc(a, imports.write); //          x0 = write(fd, x1, x2)
  count(a, CTX.writes);
  a.cmp(x0, 0).bcond("le", failed).add(flushed, flushed, x0).b(again);
  a.bind(empty).ldr(out, mem(ctx, CTX.outBuffer)).mov(w0, 0); // the buffer is empty again
  leave();
  a.bind(failed).str(x0, mem(ctx, CTX.ioResult)).mov(w0, STATUS.WRITE_FAILED);
  leave();
}
// #endregion flush

// #region input
/**
 * Read one byte into the cell whose address is in x1, after flushing pending output (a prompt shows
 * first). At end of input, CTX.eof says what to store: a conditional select keeps the cell when it
 * is -1. Returns 0, WRITE_FAILED or READ_FAILED in w0.
 */
export function emitInputRoutine(a: Assembler, x: A64Exits, imports: IoImports): void {
  const frame = new A64Frame([], 1); // one slot: the cell's address, across the calls
  const read = a.newLabel("input_read");
  const done = a.newLabel("input_done");
  const failed = a.newLabel("input_failed");
  const leave = a.newLabel("input_leave");
  a.bind(x.input);
  frame.prologue(a);
  a.str(x1, frame.local(0))
    .ldr(x9, mem(ctx, CTX.outBuffer))
    .cmp(out, x9)
    .bcond("eq", read)
    .bl(x.flush)
    .cbnz(w0, leave)
    .bind(read)
    .ldr(w0, mem(ctx, CTX.inFd))
    .ldr(x1, frame.local(0))
    .mov(x2, 1);
  callLibc(a, imports.read); //            x0 = read(fd, cell, 1)
  count(a, CTX.reads);
  a.tbnz(x0, 63, failed) //                    -1: an error (the sign bit)
    .cbnz(x0, done) //                         1: the byte is in the cell
    .ldr(x1, frame.local(0)) //                0: end of input
    .ldrb(w9, mem(x1))
    .ldr(x10, mem(ctx, CTX.eof))
    .cmp(x10, 0)
    .csel(w9, w9, w10, "lt") //                -1: the cell as it was
    .strb(w9, mem(x1))
    .bind(done)
    .mov(w0, 0)
    .bind(leave);
  frame.epilogue(a);
  a.bind(failed).str(x0, mem(ctx, CTX.ioResult)).mov(w0, STATUS.READ_FAILED).b(leave);
}
// #endregion input
