// The AAPCS64 frame: the frame record (x29, the caller's frame pointer, and x30, the link register,
// where bl left the return address) at the bottom, the callee-saved registers above it, and sp a
// multiple of 16 at every instruction, as the architecture checks on each access through sp.
import type { Assembler } from "../14-second-machine/assembler.ts";
import { mem, post, pre } from "../14-second-machine/addressing.ts";
import { sp, x29, x30, type X } from "../14-second-machine/registers.ts";

// #region frame
/** A frame that saves `saved` (callee-saved registers) and has `locals` 8-byte slots of its own. */
export class A64Frame {
  /** The frame's size in bytes: the record, the saved registers and the locals, rounded up to 16. */
  readonly size: number;

  constructor(
    readonly saved: readonly X[] = [],
    readonly locals = 0,
  ) {
    this.size = Math.ceil((16 + 8 * saved.length + 8 * locals) / 16) * 16;
  }

  /** Where local slot `i` is, from sp: above the saved registers. */
  local(i: number): ReturnType<typeof mem> {
    return mem(sp, 16 + 8 * this.saved.length + 8 * i);
  }

  /** stp x29, x30, [sp, #-size]! makes the room and saves the record in one; then the registers, two at a time. */
  prologue(a: Assembler): void {
    a.stp(x29, x30, pre(sp, -this.size)).mov(x29, sp);
    this.#pairs((r1, r2, at) => (r2 ? a.stp(r1, r2, mem(sp, at)) : a.str(r1, mem(sp, at))));
  }

  /** The registers back, then the record, sp back where it was, and ret: to the address in x30. */
  epilogue(a: Assembler): void {
    this.#pairs((r1, r2, at) => (r2 ? a.ldp(r1, r2, mem(sp, at)) : a.ldr(r1, mem(sp, at))));
    a.ldp(x29, x30, post(sp, this.size)).ret();
  }

  #pairs(each: (r1: X, r2: X | undefined, at: number) => void): void {
    for (let i = 0; i < this.saved.length; i += 2) each(this.saved[i]!, this.saved[i + 1], 16 + 8 * i);
  }
}
// #endregion frame
