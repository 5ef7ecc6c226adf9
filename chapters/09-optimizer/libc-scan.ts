// Where libc's memchr and memrchr are, for the code of a scan to call. bun:ffi finds them as it
// finds write and read for chapter 7: every symbol it binds carries its address in `.ptr`.
import { bunFFI } from "../01-pages/ffi.ts";
import { libcIo } from "../07-template-jit/runtime.ts";
import type { ScanImports } from "./codegen-opt.ts";

// #region symbols
const SYMBOLS = {
  memchr: { args: ["ptr", "i32", "usize"], returns: "ptr" }, //  void *memchr(const void *s, int c, size_t n)
  memrchr: { args: ["ptr", "i32", "usize"], returns: "ptr" }, // the same, searching backwards from s + n - 1
} as const;
// #endregion symbols

let scans: { memchr: number; memrchr: number } | undefined;

/** write and read (chapter 7), memchr and memrchr: everything the optimized code calls. */
export function libcScanIo(): ScanImports {
  if (!scans) {
    const { symbols } = bunFFI("Chapter 9 (memchr for scans)").dlopen("libc.so.6", SYMBOLS);
    const address = (f: unknown) => (f as { readonly ptr: number }).ptr;
    scans = { memchr: address(symbols.memchr), memrchr: address(symbols.memrchr) };
  }
  return { ...libcIo(), ...scans };
}
