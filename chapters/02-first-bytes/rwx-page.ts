// The shortcut most JIT tutorials take: one page that is readable, writable AND executable.
// It works, and it breaks the rule that a page be writable or executable, never both.
import { PROT, bytesAt, mapPages, unmapPages } from "../01-pages/pages.ts";
import type { Mapping } from "../01-pages/pages.ts";
import { makeCodeVisible } from "./aarch64.ts";
import { nativeFunction } from "./native-function.ts";
import type { NativeFunction, Signature } from "./native-function.ts";

// #region with-rwx-page
/**
 * Copy `code` into a fresh RWX page, hand `use` a function that calls it, and unmap the page when
 * `use` returns or throws. The callable must not escape: after the unmap, calling it is a use after
 * free. Empty code is chapter 1's ArgumentError, raised before anything is mapped.
 */
export function withRwxPage<const S extends Signature, T>(
  code: ArrayLike<number>,
  signature: S,
  use: (fn: NativeFunction<S>, page: Mapping) => T,
): T {
  const page = mapPages(code.length, PROT.READ | PROT.WRITE | PROT.EXEC); // the shortcut
  try {
    bytesAt(page.address, page.size).set(code);
    makeCodeVisible(page.address, code.length); // AArch64: see "Making new code visible"
    return use(nativeFunction(page.address, signature), page);
  } finally {
    unmapPages(page);
  }
}
// #endregion with-rwx-page
