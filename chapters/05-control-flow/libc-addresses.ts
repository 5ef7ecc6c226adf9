// Where libc's functions are, for generated code to call. bun:ffi already found them: every symbol
// it binds carries its raw address in `.ptr`. Chapter 1 binds what JavaScript calls; this binds
// what machine code calls, the same way.
import { bunFFI } from "../01-pages/ffi.ts";

// #region imports
/** The C functions this chapter's generated code calls, with their prototypes in bun:ffi's words. */
export const LIBC_IMPORTS = {
  memchr: { args: ["ptr", "i32", "usize"], returns: "ptr" }, //   void *memchr(const void *s, int c, size_t n)
  snprintf: { args: ["ptr", "usize", "ptr"], returns: "i32" }, // int snprintf(char *s, size_t n, const char *fmt, ...)
} as const;
// #endregion imports

export type LibcName = keyof typeof LIBC_IMPORTS;
export const LIBC_NAMES = Object.keys(LIBC_IMPORTS) as LibcName[];

/** How generated code finds a function to call: its absolute address. */
export type Resolve = (name: LibcName) => number;

let addresses: Record<LibcName, number> | undefined;

// #region libc-address
/** The address of libc's `name`, as a number: what `movabs rax, imm64; call rax` needs. */
export function libcAddress(name: LibcName): number {
  if (!addresses) {
    const { symbols } = bunFFI("Chapter 5 (libc addresses)").dlopen("libc.so.6", LIBC_IMPORTS);
    // The typings do not declare .ptr, but every bound symbol has it (bun:ffi's docs, and chapter 1).
    const ptr = (n: LibcName) => (symbols[n] as unknown as { readonly ptr: number }).ptr;
    addresses = Object.fromEntries(LIBC_NAMES.map((n) => [n, ptr(n)])) as Record<LibcName, number>;
  }
  return addresses[name];
}
// #endregion libc-address
