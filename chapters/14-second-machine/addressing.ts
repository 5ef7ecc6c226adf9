// The addressing modes of A64's loads and stores, as operands: a base register and an immediate
// offset (scaled, unscaled, pre-index, post-index) or an index register (extended and shifted).
import type { Reg, W, X } from "./registers.ts";

// #region addresses
export type Extend = "lsl" | "uxtw" | "sxtw" | "sxtx";

/** [base, #offset]: ldr/str scale the offset by the access size; ldur/stur do not. */
export interface Offset { readonly mode: "offset"; readonly base: Reg; readonly offset: number }
/** [base, #offset]!: add the offset to base, then access at the new base. */
export interface PreIndex { readonly mode: "pre"; readonly base: Reg; readonly offset: number }
/** [base], #offset: access at base, then add the offset to base. */
export interface PostIndex { readonly mode: "post"; readonly base: Reg; readonly offset: number }
/** [base, index{, extend #amount}]: amount is 0 or log2 of the access size. */
export interface Indexed { readonly mode: "index"; readonly base: Reg; readonly index: Reg; readonly extend: Extend; readonly amount: number | undefined }

export type Address = Offset | PreIndex | PostIndex | Indexed;
// #endregion addresses

/** [base, #offset] (offset 0 by default), or [base, index] with an x index. */
export function mem(base: Reg, offset: number | X = 0): Offset | Indexed {
  return typeof offset === "number" ? { mode: "offset", base, offset } : { mode: "index", base, index: offset, extend: "lsl", amount: undefined };
}

/** [base, #offset]! */
export const pre = (base: Reg, offset: number): PreIndex => ({ mode: "pre", base, offset });

/** [base], #offset */
export const post = (base: Reg, offset: number): PostIndex => ({ mode: "post", base, offset });

/** [base, index, extend #amount]: `indexed(x1, w2, "uxtw", 3)`, `indexed(x1, x2, "lsl", 3)`. */
export function indexed(base: Reg, index: X, extend: "lsl" | "sxtx", amount?: number): Indexed;
export function indexed(base: Reg, index: W, extend: "uxtw" | "sxtw", amount?: number): Indexed;
export function indexed(base: Reg, index: Reg, extend: Extend, amount?: number): Indexed {
  return { mode: "index", base, index, extend, amount };
}

/** The address as GNU as writes it. */
export function formatAddress(a: Address): string {
  switch (a.mode) {
    case "offset":
      return a.offset === 0 ? `[${a.base.name}]` : `[${a.base.name}, #${a.offset}]`;
    case "pre":
      return `[${a.base.name}, #${a.offset}]!`;
    case "post":
      return `[${a.base.name}], #${a.offset}`;
    case "index": {
      const ext = a.extend === "lsl" && a.amount === undefined ? "" : `, ${a.extend}${a.amount === undefined ? "" : ` #${a.amount}`}`;
      return `[${a.base.name}, ${a.index.name}${ext}]`;
    }
  }
}
