// The chapter's generated functions: a loop over int32s, and a loop that calls libc's memchr. Each is
// an emitter, not bytes: it writes the whole function (prologue to ret) into an assembler, and asks
// `resolve` where the libc functions it calls are. The ABI harness hands it other addresses.
import type { Asm } from "./labels.ts";
import { Frame } from "./frame.ts";
import type { Resolve } from "./libc-addresses.ts";
import { dword, mem } from "../04-encoder/operands.ts";
import { ecx, edx, esi, gpr, r12, r13, r13d, r14, r14d, rax, rbx, rcx, rdi, rdx, rsi, type Gpr } from "../04-encoder/registers.ts";

/** Every program here is `long f(const void *data, long length, int arg)`. */
export const PROGRAM_SIGNATURE = { args: ["ptr", "i64", "i32"], returns: "i64" } as const;

export interface Program {
  readonly name: string;
  /** What it computes, or what it does wrong. */
  readonly summary: string;
  /** What `data` points at; `length` counts those elements. */
  readonly data: "int32" | "bytes";
  readonly emit: (a: Asm, resolve: Resolve) => void;
}

/** What a function's frame does at its entry and at its exits (Frame does it right). */
export interface FrameCode {
  prologue(a: Asm): void;
  epilogue(a: Asm): void;
}

// #region sum
/**
 * long sum(const int32_t *data, long count): a leaf, so caller-saved registers are enough. A short
 * `jle` to label "done" skips the loop, and a `jne` goes back to label "loop".
 */
export function emitSum(a: Asm, acc: Gpr<64> = rax): void {
  const loop = a.newLabel("loop");
  const done = a.newLabel("done");
  const acc32 = gpr(32, acc.id);
  a.xor(acc32, acc32) //                      writing a 32-bit register clears the upper half
    .xor(ecx, ecx) //                          i = 0
    .test(rsi, rsi)
    .jle(done, "short") //                     count <= 0: nothing to add (a short jump over the loop)
    .bind(loop)
    .movsxd(rdx, dword(rdi, rcx, 4)) //        sign-extend data[i] to 64 bits
    .add(acc, rdx)
    .inc(rcx)
    .cmp(rcx, rsi)
    .jne(loop) //                              backward and close: rel8
    .bind(done);
  if (acc !== rax) a.mov(rax, acc);
  a.ret();
}
// #endregion sum

// #region count
/**
 * long count(const uint8_t *data, long length, int byte): how often byte occurs, found by memchr,
 * called with callAbsolute (through rax) at the address `resolve` gives.
 */
export function emitCount(a: Asm, resolve: Resolve, frame: FrameCode = new Frame({ uses: [rbx, r12, r13, r14] })): void {
  const next = a.newLabel("next");
  const done = a.newLabel("done");
  frame.prologue(a);
  // Everything that must survive the call to memchr lives in callee-saved registers.
  a.mov(rbx, rdi) //                           rbx: where the search starts
    .lea(r12, mem(rdi, rsi)) //                r12: the end of the data
    .mov(r13d, edx) //                         r13: the byte
    .xor(r14d, r14d) //                        r14: how many found so far
    .bind(next)
    .mov(rdx, r12)
    .sub(rdx, rbx) //                          bytes left
    .jle(done) //                              forward: rel32
    .mov(rdi, rbx)
    .mov(esi, r13d)
    .callAbsolute(resolve("memchr")) //        rax = memchr(rbx, byte, left)
    .test(rax, rax)
    .jz(done) //                               NULL: no more
    .inc(r14)
    .lea(rbx, mem(rax, 1)) //                  search again just past the one found
    .jmp(next)
    .bind(done)
    .mov(rax, r14);
  frame.epilogue(a);
}
// #endregion count

export const PROGRAMS: readonly Program[] = [
  { name: "sum", summary: "sum int32s in a loop (a leaf function)", data: "int32", emit: (a) => emitSum(a) },
  { name: "count", summary: "count a byte by calling memchr in a loop", data: "bytes", emit: (a, resolve) => emitCount(a, resolve) },
];

