// The memory of one run: the context block, the output buffer and the tape, in one mapping. The
// tape sits between two inaccessible guard pages and ends right against the upper one, so a bounds
// check the code generator forgot faults at once instead of corrupting memory. A growing tape is
// mapped at its limit: the kernel gives a page memory only when the program first touches it.
import { roundUp } from "../01-pages/checks.ts";
import { bunFFI } from "../01-pages/ffi.ts";
import { PROT, bytesAt, mapPages, pageSize, protect, unmapPages, type Mapping } from "../01-pages/pages.ts";
import type { EofBehavior } from "../06-interpreter/semantics.ts";
import { CONTEXT_SIZE, CTX } from "./context.ts";

let mincore: ((addr: number, length: number, vec: number) => number) | undefined;

/** The output buffer starts after the context block, on its own cache line. */
const bufferOffset = (contextSize: number): number => roundUp(contextSize, 64);

// #region run-memory
export class RunMemory {
  readonly #mapping: Mapping;
  /** The context block's address: the generated function's argument. */
  readonly ctxAddress: number;
  readonly ctx: DataView;
  readonly tape: Uint8Array;
  readonly tapeAddress: number;
  readonly bufferAddress: number;

  private constructor(mapping: Mapping, contextSize: number, tapeOffset: number, tapeSize: number, bufferSize: number) {
    this.#mapping = mapping;
    this.ctxAddress = mapping.address;
    this.ctx = new DataView(bytesAt(mapping.address, contextSize).buffer);
    this.tapeAddress = mapping.address + tapeOffset;
    this.tape = bytesAt(this.tapeAddress, tapeSize);
    this.bufferAddress = mapping.address + bufferOffset(contextSize);
    this.set(CTX.tape, this.tapeAddress);
    this.set(CTX.tapeSize, tapeSize);
    this.set(CTX.outBuffer, this.bufferAddress);
    this.set(CTX.outEnd, this.bufferAddress + bufferSize);
    this.set(CTX.outCursor, this.bufferAddress);
  }

  /**
   * [context + buffer] [guard] [tape, flush right] [guard]; fresh pages are all zero. The context
   * block is context.ts's, or longer when a run adds fields after CONTEXT_SIZE.
   */
  static allocate(tapeSize: number, bufferSize: number, contextSize: number = CONTEXT_SIZE): RunMemory {
    const page = pageSize();
    const head = roundUp(bufferOffset(contextSize) + bufferSize, page);
    const tapePages = roundUp(tapeSize, page);
    const mapping = mapPages(head + page + tapePages + page, PROT.NONE);
    try {
      protect(mapping.address, head, PROT.READ | PROT.WRITE);
      protect(mapping.address + head + page, tapePages, PROT.READ | PROT.WRITE);
      return new RunMemory(mapping, contextSize, head + page + tapePages - tapeSize, tapeSize, bufferSize);
    } catch (e) {
      unmapPages(mapping);
      throw e;
    }
  }
  // #endregion run-memory

  /** The rest of the context block: the pointer on cell 0, where bytes go and come from, and EOF. */
  start(io: { readonly outFd: number; readonly inFd: number; readonly eof: EofBehavior }): void {
    this.set(CTX.pointer, 0);
    this.set(CTX.outFd, io.outFd);
    this.set(CTX.inFd, io.inFd);
    this.set(CTX.eof, io.eof === "unchanged" ? -1 : io.eof === "zero" ? 0 : 255);
  }

  /** A field of the context block (a signed 64-bit value; addresses and counts fit a JS number). */
  get(field: number): number {
    return Number(this.ctx.getBigInt64(field, true));
  }

  // #region touched-cells
  /**
   * The tape's cells up to the end of the last page the program touched: past it, every cell is
   * still 0 and has no memory yet. mincore(2) says which pages have memory, so the host need not
   * read (and so map) the pages of a growing tape's 64 Mi cells that nothing used.
   */
  touchedCells(): number {
    const page = pageSize();
    const first = Math.floor(this.tapeAddress / page) * page;
    const pages = Math.ceil((this.tapeAddress + this.tape.length - first) / page);
    const resident = new Uint8Array(pages);
    const ffi = bunFFI("Chapter 7 (the touched part of a tape)", "linux"); // the kernel's, on any processor
    mincore ??= ffi.dlopen("libc.so.6", { mincore: { args: ["ptr", "usize", "ptr"], returns: "i32" } }).symbols.mincore;
    if (mincore(first, pages * page, ffi.ptr(resident)) !== 0) return this.tape.length; // then read all of it
    let last = pages - 1;
    while (last >= 0 && (resident[last]! & 1) === 0) last--;
    return Math.max(0, Math.min(this.tape.length, first + (last + 1) * page - this.tapeAddress));
  }
  // #endregion touched-cells

  set(field: number, value: number): void {
    this.ctx.setBigInt64(field, BigInt(value), true);
  }

  free(): void {
    unmapPages(this.#mapping);
  }
}
