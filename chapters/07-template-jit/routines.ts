// The code around the templates, emitted once per program: the entry and the exits, and the two
// routines the templates call, flush (write the output buffer) and input (read one byte).
import { Frame } from "../05-control-flow/frame.ts";
import type { Asm, Label } from "../05-control-flow/labels.ts";
import { dword, mem, qword } from "../04-encoder/operands.ts";
import { al, eax, edi, edx, rax, rdi, rdx, rsi } from "../04-encoder/registers.ts";
import { CTX, REG, STATUS, type IoImports } from "./context.ts";
import { CELL } from "./templates.ts";

const { cell, tape, size, ctx, out } = REG;

// #region frame
/** The program's frame: the five registers of REG, saved and restored. */
export const FRAME = new Frame({ uses: Object.values(REG) });

/** Save what the ABI says to save, then load the state from the context block (its address is in rdi). */
export function emitEntry(a: Asm): void {
  FRAME.prologue(a);
  a.mov(ctx, rdi)
    .mov(tape, qword(ctx, CTX.tape))
    .mov(size, qword(ctx, CTX.tapeSize))
    .mov(cell, qword(ctx, CTX.pointer))
    .mov(out, qword(ctx, CTX.outCursor));
}
// #endregion frame

/** The labels the templates jump and call to; emitExits and the two routines bind them. */
export interface Exits {
  /** Leave with the status in eax. */
  readonly leave: Label;
  /** Leave with STATUS.OFF_TAPE; eax holds the site. */
  readonly offTape: Label;
  readonly flush: Label;
  readonly input: Label;
}

export function newExits(a: Asm): Exits {
  return { leave: a.newLabel("leave"), offTape: a.newLabel("off_tape"), flush: a.newLabel("flush"), input: a.newLabel("input") };
}

// #region exits
/**
 * After the last template: flush, then leave with flush's status (0, OK, unless the write failed).
 * Every exit stores the pointer and the output cursor back into the context block; a code
 * generator that keeps the pointer in another form turns it back with `toIndex`.
 */
export function emitExits(a: Asm, x: Exits, toIndex?: () => void): void {
  a.call(x.flush).bind(x.leave);
  toIndex?.();
  a.mov(qword(ctx, CTX.pointer), cell).mov(qword(ctx, CTX.outCursor), out);
  FRAME.epilogue(a);

  // The output made before the error is part of the result: flush it too.
  a.bind(x.offTape)
    .mov(qword(ctx, CTX.site), rax)
    .call(x.flush)
    .test(eax, eax)
    .jnz(x.leave)
    .mov(eax, STATUS.OFF_TAPE)
    .jmp(x.leave);
}
// #endregion exits

// #region flush
/**
 * Write out the buffer, looping on short writes (labels `flush_again`, `flush_failed`): write is
 * called through its address (Asm.callAbsolute, so `movabs rax, <address>`), and a result <= 0
 * (`jle flush_failed`) stores it in CTX.ioResult. Counts each call in CTX.writes. Returns 0 in eax, or
 * STATUS.WRITE_FAILED.
 */
export function emitFlushRoutine(a: Asm, x: Exits, imports: IoImports): void {
  const frame = new Frame({ locals: 8 }); // one slot, and rsp 16-aligned at the call
  const again = a.newLabel("flush_again");
  const empty = a.newLabel("flush_empty");
  const failed = a.newLabel("flush_failed");
  a.bind(x.flush);
  frame.prologue(a);
  a.mov(rsi, qword(ctx, CTX.outBuffer)) //    rsi: the first byte not written yet
    .bind(again)
    .mov(rdx, out)
    .sub(rdx, rsi) //                        rdx: how many are left
    .jz(empty)
    .mov(frame.local(0), rsi) //      rsi does not survive the call
    .mov(edi, dword(ctx, CTX.outFd))
    .callAbsolute(imports.write) //          rax = write(fd, rsi, rdx)
    .inc(qword(ctx, CTX.writes))
    .mov(rsi, frame.local(0))
    .test(rax, rax)
    .jle(failed)
    .add(rsi, rax)
    .jmp(again)
    .bind(empty)
    .mov(out, qword(ctx, CTX.outBuffer)) //  the buffer is empty again
    .xor(eax, eax);
  frame.epilogue(a);
  a.bind(failed).mov(qword(ctx, CTX.ioResult), rax).mov(eax, STATUS.WRITE_FAILED);
  frame.epilogue(a);
}
// #endregion flush

// #region input
/**
 * Read one byte into the cell. Pending output is flushed first, so that a prompt shows before the
 * program waits for its answer. At end of input, CTX.eof says what to store (-1: nothing).
 * Counts each read in CTX.reads; a failed read stores its result in CTX.ioResult.
 * Returns 0, STATUS.WRITE_FAILED or STATUS.READ_FAILED.
 */
export function emitInputRoutine(a: Asm, x: Exits, imports: IoImports): void {
  const frame = new Frame(); // no locals: 8 bytes of padding align the calls
  const read = a.newLabel("input_read");
  const done = a.newLabel("input_done");
  const failed = a.newLabel("input_failed");
  const leave = a.newLabel("input_leave");
  a.bind(x.input);
  frame.prologue(a);
  a.cmp(out, qword(ctx, CTX.outBuffer))
    .je(read)
    .call(x.flush)
    .test(eax, eax)
    .jnz(leave)
    .bind(read)
    .mov(edi, dword(ctx, CTX.inFd))
    .lea(rsi, mem(tape, cell)) //             read straight into the cell
    .mov(edx, 1)
    .callAbsolute(imports.read) //            rax = read(fd, cell, 1)
    .inc(qword(ctx, CTX.reads))
    .test(rax, rax)
    .jg(done) //                              1: the byte is in the cell
    .jl(failed) //                            -1: an error
    .mov(eax, dword(ctx, CTX.eof)) //        0: end of input
    .test(eax, eax)
    .js(done)
    .mov(CELL, al)
    .bind(done)
    .xor(eax, eax)
    .bind(leave);
  frame.epilogue(a);
  a.bind(failed).mov(qword(ctx, CTX.ioResult), rax).mov(eax, STATUS.READ_FAILED).jmp(leave);
}
// #endregion input
