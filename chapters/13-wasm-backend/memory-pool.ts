// Linear memories for runs, reused. Making a WebAssembly.Memory is cheap in itself, but in Bun
// (JavaScriptCore) each one reports a large allocation to the garbage collector, which answers with
// a full collection: with a big heap that was 90 ms per memory, measured. A test that runs
// thousands of programs would spend its time collecting. So a run borrows a memory and gives it
// back, and the next run clears only the cells it uses.
import { PAGE_SIZE } from "./module.ts";

/** The memory for a run could not be had. */
export class WasmMemoryError extends Error {
  override name = "WasmMemoryError";
}

/** Memories bigger than this (16 MiB) are not kept for reuse: a huge tape should not stay allocated. */
export const KEEP_PAGES = 256;

const free: WebAssembly.Memory[] = [];

// #region pool
/** A memory of at least `pages` pages; its contents are whatever the last run left. */
export function borrowMemory(pages: number): WebAssembly.Memory {
  try {
    const memory = free.pop() ?? new WebAssembly.Memory({ initial: pages });
    const have = memory.buffer.byteLength / PAGE_SIZE;
    if (have < pages) memory.grow(pages - have);
    return memory;
  } catch (e) {
    throw new WasmMemoryError(
      `could not get ${pages} pages (${(pages * PAGE_SIZE) / 2 ** 20} MiB) of WebAssembly memory ` +
        `(${e instanceof Error ? e.message : String(e)}): give the program a shorter tape (--tape N, or the tapeSize option)`,
    );
  }
}

/** `pages` more for `memory`, as a growing tape asks for them while the code runs. */
export function growMemory(memory: WebAssembly.Memory, pages: number): void {
  try {
    memory.grow(pages);
  } catch (e) {
    throw new WasmMemoryError(
      `could not grow the tape by ${pages} pages of WebAssembly memory (${e instanceof Error ? e.message : String(e)}): ` +
        `give the program a fixed tape (--tape N, or the tapeSize option)`,
    );
  }
}

export function returnMemory(memory: WebAssembly.Memory): void {
  if (memory.buffer.byteLength <= KEEP_PAGES * PAGE_SIZE) free.push(memory);
}
// #endregion

/** How many memories wait for reuse (for tests). */
export function pooledMemories(): number {
  return free.length;
}
