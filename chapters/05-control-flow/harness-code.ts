// The machine code of the ABI harness, built with this chapter's own assembler. A trampoline runs
// the function under test between canaries; a stub in front of each libc function checks the
// stack alignment of every call. Both write what they saw into a record, a page of plain data.
import { CALLEE_SAVED, Frame } from "./frame.ts";
import type { Asm, Label } from "./labels.ts";
import { mem, qword } from "../04-encoder/operands.ts";
import { r10, r11, r11d, rsp, type Gpr } from "../04-encoder/registers.ts";

// #region canaries
/**
 * A distinct 64-bit value per callee-saved register. The upper half is not zero, so a function
 * that writes only ebx (which clears the upper half of rbx) is caught too.
 */
export function canary(reg: Gpr<64>): bigint {
  return 0xca11_ab1e_0000_0000n | BigInt(reg.id);
}
// #endregion canaries

// #region record
/** Byte offsets of the record's 64-bit slots. */
export const RECORD = {
  libcCalls: 0, //         calls that went through a stub
  misaligned: 8, //        of those, calls made with a misaligned rsp
  firstSite: 16, //        the first misaligned call's return address
  firstCallee: 24, //      ... the index of the libc function it called
  firstRsp: 32, //         ... and rsp at its call instruction
  rspBefore: 40, //        rsp at the trampoline's call
  rspAfter: 48, //         rsp when the function returned
  clobbered: 56, //        bit i set: CALLEE_SAVED[i] did not hold its canary
  registers: 64, //        the six callee-saved registers as the function left them
} as const;
export const RECORD_SIZE = RECORD.registers + 8 * CALLEE_SAVED.length;
// #endregion record

// #region trampoline
/**
 * `entry(args...)`: save the caller's registers, seed the canaries, call `fn` with the arguments
 * untouched, record what came back, restore everything and return fn's result.
 */
export function emitTrampoline(a: Asm, fn: Label, record: number): void {
  const frame = new Frame({ uses: CALLEE_SAVED }); // six pushes and 8 bytes of padding
  frame.prologue(a);
  for (const reg of CALLEE_SAVED) a.movabs(reg, canary(reg));
  a.movabs(r11, record).mov(qword(r11, RECORD.rspBefore), rsp);
  a.call(fn); // rdi, rsi, rdx, rcx, r8 and r9 are as our caller passed them
  a.movabs(r11, record).mov(qword(r11, RECORD.rspAfter), rsp);
  CALLEE_SAVED.forEach((reg, i) => {
    const intact = a.newLabel(`${reg.name}_intact`);
    a.mov(qword(r11, RECORD.registers + 8 * i), reg)
      .movabs(r10, canary(reg))
      .cmp(reg, r10)
      .je(intact, "short")
      .or(qword(r11, RECORD.clobbered), 1 << i)
      .bind(intact);
  });
  a.mov(rsp, qword(r11, RECORD.rspBefore)); // survive a function that moved rsp (and say so)
  frame.epilogue(a); // rax, the result, was never touched
}
// #endregion trampoline

// #region stub
/**
 * A stand-in for libc function number `callee` at `target`: count the call, check that rsp was a
 * multiple of 16 at the call instruction (it is 8 less at entry: the return address), remember the
 * first call that was not, then jump to the real function with every register as the caller left it.
 * It uses only r10 and r11, which no call passes arguments in.
 */
export function emitAlignmentStub(a: Asm, callee: number, target: number, record: number): void {
  const aligned = a.newLabel("aligned");
  const counted = a.newLabel("counted");
  a.movabs(r10, record)
    .inc(qword(r10, RECORD.libcCalls))
    .lea(r11, mem(rsp, 8)) //                    rsp as it was at the call instruction
    .test(r11d, 15)
    .jz(aligned, "short")
    .cmp(qword(r10, RECORD.misaligned), 0)
    .jne(counted, "short") //                    only the first one is described
    .mov(qword(r10, RECORD.firstRsp), r11)
    .mov(r11, qword(rsp)) //                     the return address: just after the call
    .mov(qword(r10, RECORD.firstSite), r11)
    .mov(qword(r10, RECORD.firstCallee), callee)
    .bind(counted)
    .inc(qword(r10, RECORD.misaligned))
    .bind(aligned)
    .movabs(r11, target)
    .jmp(r11); //                                a jump, not a call: the stub leaves no trace on the stack
}
// #endregion stub
