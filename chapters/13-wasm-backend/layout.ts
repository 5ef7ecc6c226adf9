// Where things live in the module's linear memory: the output buffer at address 0, then the tape.
// The pointer is kept as a plain cell number, and the tape's address goes into each access's
// constant offset, so `[o]` is one load at offset tape + o. Offsets must not be negative, so the
// tape starts no lower than the most negative offset the program uses.
import { innerOps, type Op } from "../08-lir/lir.ts";
import { PAGE_SIZE } from "./module.ts";

// #region layout
/** Output is gathered here and handed to the host when it fills up, and at the end. */
export const OUTPUT_START = 0;
export const OUTPUT_SIZE = 65536;

export interface Layout {
  /** The address of cell 0. */
  readonly tape: number;
}

export function layoutFor(ops: readonly Op[]): Layout {
  return { tape: Math.max(OUTPUT_START + OUTPUT_SIZE, -lowestOffset(ops)) };
}

/** Pages of 64 KiB the memory needs for a tape of `tapeSize` cells. */
export function pagesFor(layout: Layout, tapeSize: number): number {
  return Math.ceil((layout.tape + tapeSize) / PAGE_SIZE);
}
// #endregion

/** The most negative cell offset any op uses (0 if none is negative). */
function lowestOffset(ops: readonly Op[]): number {
  let low = 0;
  for (const op of ops) {
    switch (op.kind) {
      case "add":
      case "set":
      case "in":
      case "out":
      case "loop":
        low = Math.min(low, op.off);
        break;
      case "muladd":
        low = Math.min(low, op.dst, op.src);
        break;
    }
    for (const inner of innerOps(op)) low = Math.min(low, lowestOffset(inner));
  }
  return low;
}
