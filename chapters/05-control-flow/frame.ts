// A function's frame under the System V AMD64 ABI: which registers it must give back unchanged,
// how it saves them, and how much padding keeps rsp a multiple of 16 at every call it makes.
import type { Assembler } from "../04-encoder/assembler.ts";
import { mem, type Mem } from "../04-encoder/operands.ts";
import { r10, r11, r12, r13, r14, r15, r8, r9, rax, rbp, rbx, rcx, rdi, rdx, rsi, rsp, type Gpr } from "../04-encoder/registers.ts";

// #region registers
/** A function may change these freely; its caller saves what it needs across a call. */
export const CALLER_SAVED: readonly Gpr<64>[] = [rax, rcx, rdx, rsi, rdi, r8, r9, r10, r11];

/** A function must return with these as it found them: it saves the ones it uses, and restores them. */
export const CALLEE_SAVED: readonly Gpr<64>[] = [rbx, rbp, r12, r13, r14, r15];

/** Where the first six integer or pointer arguments arrive, in order. The result leaves in rax. */
export const ARGUMENT_REGISTERS: readonly Gpr<64>[] = [rdi, rsi, rdx, rcx, r8, r9];
// #endregion registers

/** A frame that cannot be built: rsp in the list, a negative size, a local outside the frame. */
export class FrameError extends Error {
  override name = "FrameError";
}

export interface FrameOptions {
  /** Every 64-bit register the function writes; the frame saves the callee-saved ones among them. */
  readonly uses?: readonly Gpr<64>[];
  /** Bytes of local storage below the saved registers, addressed with `local(offset)`. */
  readonly locals?: number;
}

// #region alignment
/**
 * The bytes to add so that rsp is a multiple of 16 in the body. At entry rsp is 8 past a multiple of
 * 16 (the caller's call pushed the return address), and each push moves it by 8 more.
 */
export function alignmentPadding(pushes: number, locals: number): number {
  return (16 - ((8 + 8 * pushes + locals) % 16)) % 16;
}
// #endregion alignment

export class Frame {
  /** The callee-saved registers this function uses, in the order they are pushed: CALLEE_SAVED's, each once. */
  readonly saved: readonly Gpr<64>[];
  readonly locals: number;
  /** Extra bytes of `sub rsp` that only serve the alignment. */
  readonly padding: number;

  // #region frame
  /**
   * A FrameError when `uses` holds rsp (the frame restores it by construction) or `locals` is not a
   * whole number of bytes, 0 or more (the message quotes it).
   */
  constructor(options: FrameOptions = {}) {
    const uses = options.uses ?? [];
    const locals = options.locals ?? 0;
    if (uses.includes(rsp)) {
      throw new FrameError("rsp cannot be saved like the others: the frame restores it by construction. Remove it from `uses`.");
    }
    if (!Number.isSafeInteger(locals) || locals < 0) {
      throw new FrameError(`locals must be a whole number of bytes, 0 or more, not ${locals}`);
    }
    // Canonical order, each register once, whatever order `uses` lists them in.
    this.saved = CALLEE_SAVED.filter((r) => uses.includes(r));
    this.locals = locals;
    this.padding = alignmentPadding(this.saved.length, locals);
  }

  /** How far the prologue moves rsp: the pushes, the locals and the padding. */
  get size(): number {
    return 8 * this.saved.length + this.locals + this.padding;
  }

  /**
   * Save the callee-saved registers, then reserve the locals and padding (no `sub` when that is 0):
   * rsp is 16-aligned afterwards.
   */
  prologue(a: Assembler): void {
    for (const r of this.saved) a.push(r);
    if (this.locals + this.padding > 0) a.sub(rsp, this.locals + this.padding);
  }

  /** Undo the prologue in the reverse order, and return. */
  epilogue(a: Assembler): void {
    if (this.locals + this.padding > 0) a.add(rsp, this.locals + this.padding);
    for (const r of [...this.saved].reverse()) a.pop(r);
    a.ret();
  }
  // #endregion frame

  /** `[rsp + offset]`, a byte of the locals, valid in the body while nothing else is pushed. */
  local(offset: number): Mem {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset >= this.locals) {
      throw new FrameError(
        `local offset ${offset} is outside the frame's ${this.locals} bytes of locals: use 0 to ${this.locals - 1}` +
          `${this.locals === 0 ? " (ask for locals in the Frame's options)" : ""}`,
      );
    }
    return mem(rsp, offset);
  }

  /** One line for listings: `saves rbx, r12; 8 bytes of padding`. */
  toString(): string {
    const parts = [
      this.saved.length > 0 ? `saves ${this.saved.map((r) => r.name).join(", ")}` : "saves nothing",
      ...(this.locals > 0 ? [`${this.locals} bytes of locals`] : []),
      ...(this.padding > 0 ? [`${this.padding} bytes of padding`] : []),
    ];
    return parts.join("; ");
  }
}
