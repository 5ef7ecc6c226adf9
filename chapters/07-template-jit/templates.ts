// One fixed piece of machine code per Brainfuck command. A run of the same command (`+++`, `>>>>`)
// becomes one template with a count, and that is all the cleverness there is: the code for a
// command never depends on what comes before or after it.
import type { Asm, Label } from "../05-control-flow/labels.ts";
import { byte, qword } from "../04-encoder/operands.ts";
import { al, eax } from "../04-encoder/registers.ts";
import { CTX, REG } from "./context.ts";

const { cell, tape, size, ctx, out } = REG;

/** `[r12 + rbx]`: the current cell. */
export const CELL = byte(tape, cell);

// #region template-add
/**
 * `+` or `-`, `count` times: one `add byte [r12+rbx], k` or `sub byte [r12+rbx], k` on the cell, with
 * k = count % 256. 256 of them change nothing, and emit nothing.
 */
export function emitAdd(a: Asm, op: "+" | "-", count: number): void {
  const k = count % 256;
  if (k === 0) return;
  if (op === "+") a.add(CELL, k);
  else a.sub(CELL, k);
}
// #endregion template-add

// #region template-move
/**
 * `>` or `<`, `count` times: move, then check: `add rbx, count` (or `sub`), `cmp rbx, r13`, `jae offTape`.
 * The cell index is compared as an unsigned number, so an index below 0 (a huge unsigned number) and
 * an index past the end fail the same `jae`.
 */
export function emitMove(a: Asm, op: ">" | "<", count: number, offTape: Label): void {
  if (op === ">") a.add(cell, count);
  else a.sub(cell, count);
  a.cmp(cell, size).jae(offTape);
}

/**
 * Out of line, reached only when the check failed: undo the move, so that the pointer the host
 * sees is still on the tape, and leave with the number of the check that failed: binds `stub`, then
 * `sub rbx, count` (or `add`), `mov eax, site`, `jmp exit`.
 */
export function emitOffTapeStub(a: Asm, stub: Label, op: ">" | "<", count: number, site: number, exit: Label): void {
  a.bind(stub);
  if (op === ">") a.sub(cell, count);
  else a.add(cell, count);
  a.mov(eax, site).jmp(exit);
}
// #endregion template-move

// #region template-output
/**
 * `.`: append the cell to the output buffer; when the buffer is full, call flush: `mov al, [r12+rbx]`,
 * `mov [r15], al`, `inc r15`, `cmp r15, [r14+CTX.outEnd]`, a short `jb` past the call, `call flush`,
 * `test eax, eax`, `jnz failed`.
 */
export function emitOutput(a: Asm, flush: Label, failed: Label): void {
  const next = a.newLabel();
  a.mov(al, CELL)
    .mov(byte(out), al)
    .inc(out)
    .cmp(out, qword(ctx, CTX.outEnd))
    .jb(next, "short") //      the usual case: room left
    .call(flush)
    .test(eax, eax) //          flush returns 0, or the status to leave with
    .jnz(failed)
    .bind(next);
}
// #endregion template-output

// #region template-input
/** `,`: everything is in the input routine, which returns 0 or the status to leave with: `call input`, `test eax, eax`, `jnz failed`. */
export function emitInput(a: Asm, input: Label, failed: Label): void {
  a.call(input).test(eax, eax).jnz(failed);
}
// #endregion template-input

// #region template-loop
/** `[`: skip the loop when the cell is 0: `cmp byte [r12+rbx], 0`, `je end`. `body` is bound right after the test. */
export function emitOpen(a: Asm, body: Label, end: Label): void {
  a.cmp(CELL, 0).je(end).bind(body);
}

/** `]`: go round again while the cell is not 0: `cmp byte [r12+rbx], 0`, `jne body`. `end` is bound right after. */
export function emitClose(a: Asm, body: Label, end: Label): void {
  a.cmp(CELL, 0).jne(body).bind(end);
}
// #endregion template-loop
