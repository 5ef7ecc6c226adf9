// The chapter's programs for the other machine Linux runs on at home: AArch64 (arm64), and the one
// thing it needs that x86-64 never did: making freshly written code visible to instruction fetch.
// tests/arm64.test.ts assembles the same text with aarch64-linux-gnu-as.
import { PROT, bytesAt, mapPages, protect } from "../01-pages/pages.ts";
import type { Mapping } from "../01-pages/pages.ts";
import { nativeFunction } from "./native-function.ts";
import type { NativeFunction } from "./native-function.ts";
import { ADD, ADD_FOUR, RETURN_42, returnConstant } from "./programs.ts";
import type { Instruction, Program } from "./programs.ts";

/** One AArch64 instruction: always 4 bytes, a 32-bit word stored little-endian. */
export function a64(asm: string, word: number): Instruction {
  return { asm, bytes: [word & 0xff, (word >>> 8) & 0xff, (word >>> 16) & 0xff, word >>> 24] };
}

// #region a64-programs
export const A64_RETURN_42: Program = {
  name: "return42",
  c: "int return42(void)",
  code: [
    a64("mov w0, #42", 0x52800540), // movz: 16-bit immediate in bits 5..20, register w0 in bits 0..4
    a64("ret", 0xd65f03c0), // return to the address in x30, the link register
  ],
};

export const A64_ADD_FOUR: Program = {
  name: "addFour",
  c: "long addFour(long x)",
  code: [a64("add x0, x0, #4", 0x91001000), a64("ret", 0xd65f03c0)], // x0: first argument and result
};

export const A64_ADD: Program = {
  name: "add",
  c: "long add(long a, long b)",
  code: [a64("add x0, x0, x1", 0x8b010000), a64("ret", 0xd65f03c0)],
};
// #endregion a64-programs

/** A64_RETURN_42 with any 32-bit number: movz sets the low 16 bits, movk keeps them and sets the high 16. */
export function a64ReturnConstant(n: number): Program {
  const lo = n & 0xffff;
  const hi = (n >>> 16) & 0xffff;
  return {
    name: `return${n}`,
    c: `int return${n}(void)`,
    code: [
      a64(`movz w0, #${lo}`, (0x52800000 | (lo << 5)) >>> 0),
      a64(`movk w0, #${hi}, lsl #16`, (0x72a00000 | (hi << 5)) >>> 0),
      a64("ret", 0xd65f03c0),
    ],
  };
}

/** brk #0: what an AArch64 code buffer is filled with, as int3 (cc) is on x86-64 (SIGTRAP if run). */
export const A64_BRK = a64("brk #0", 0xd4200000);

// #region sync-caches
/**
 * sync_caches(start, end): clean the data cache to the point of unification (dc cvau) line by line,
 * wait (dsb ish), invalidate the instruction cache for the same lines (ic ivau), wait again, and
 * flush this core's pipeline (isb). The line sizes come from CTR_EL0, which Linux lets user code read.
 * What GCC's __builtin___clear_cache does; glibc exports no function for it.
 */
export const SYNC_CACHES: Program = {
  name: "syncCaches",
  c: "void sync_caches(void *start, void *end)",
  code: [
    a64("mrs x3, ctr_el0", 0xd53b0023), // cache type register
    a64("ubfx x4, x3, #16, #4", 0xd3504c64), // DminLine: log2 of the data line in words
    a64("mov x5, #4", 0xd2800085),
    a64("lsl x4, x5, x4", 0x9ac420a4), // data line size in bytes
    a64("sub x6, x4, #1", 0xd1000486),
    a64("bic x6, x0, x6", 0x8a260006), // start rounded down to a line
    a64("dc cvau, x6", 0xd50b7b26), // write the line back to where instruction fetch reads
    a64("add x6, x6, x4", 0x8b0400c6),
    a64("cmp x6, x1", 0xeb0100df),
    a64("b.lo .-12", 0x54ffffa3), // back to dc cvau while below end
    a64("dsb ish", 0xd5033b9f),
    a64("and x4, x3, #0xf", 0x92400c64), // IminLine
    a64("lsl x4, x5, x4", 0x9ac420a4),
    a64("sub x6, x4, #1", 0xd1000486),
    a64("bic x6, x0, x6", 0x8a260006),
    a64("ic ivau, x6", 0xd50b7526), // drop stale instructions for the line
    a64("add x6, x6, x4", 0x8b0400c6),
    a64("cmp x6, x1", 0xeb0100df),
    a64("b.lo .-12", 0x54ffffa3),
    a64("dsb ish", 0xd5033b9f),
    a64("isb", 0xd5033fdf), // refetch: nothing already in this core's pipeline is stale
    a64("ret", 0xd65f03c0),
  ],
};
// #endregion sync-caches

/** The machine this process runs on, as far as the book has code for it. */
export const MACHINE: "x64" | "arm64" = process.arch === "arm64" ? "arm64" : "x64";

/** What chapters 2 and 3 need of the host: Linux on either machine. */
export const NATIVE_MACHINES: readonly string[] = ["x64", "arm64"];

/** The chapter's programs for this host's machine. */
export const HOST = MACHINE === "arm64"
  ? { return42: A64_RETURN_42, addFour: A64_ADD_FOUR, add: A64_ADD, returnConstant: a64ReturnConstant }
  : { return42: RETURN_42, addFour: ADD_FOUR, add: ADD, returnConstant };

let syncCaches: { page: Mapping; fn: NativeFunction<{ args: ["ptr", "ptr"]; returns: "void" }> } | undefined;

// #region make-code-visible
/**
 * Make `length` bytes of code at `address` (the address it will run from) safe to execute after they
 * were written. Nothing to do on x86-64, whose instruction fetch sees stores. On AArch64 the routine
 * above runs; its own page needs no such call because Linux cleans a page's caches when it first maps
 * it executable, which the mprotect to RX below does.
 */
export function makeCodeVisible(address: number, length: number): void {
  if (MACHINE !== "arm64" || length === 0) return;
  if (!syncCaches) {
    const code = SYNC_CACHES.code.flatMap((i) => i.bytes);
    const page = mapPages(code.length, PROT.READ | PROT.WRITE);
    bytesAt(page.address, page.size).set(code);
    protect(page.address, page.size, PROT.READ | PROT.EXEC);
    syncCaches = { page, fn: nativeFunction(page.address, { args: ["ptr", "ptr"], returns: "void" }) };
  }
  syncCaches.fn(address, address + length);
}
// #endregion make-code-visible
