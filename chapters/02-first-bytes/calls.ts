// The chapter's programs (for this host's machine) as ordinary JS functions. Each call maps an RWX page, runs the code and
// unmaps it again: slow, but self-contained, which is what a test calling one in a child needs.
import { findMapping } from "../01-pages/maps.ts";
import { HOST } from "./aarch64.ts";
import { bytesOf } from "./programs.ts";
import { withRwxPage } from "./rwx-page.ts";

// #region calls
/** RETURN_42 run through withRwxPage, declared `{ args: [], returns: "i32" }`: 42. */
export function return42(): number {
  return withRwxPage(bytesOf(HOST.return42), { args: [], returns: "i32" }, (f) => f());
}

/** ADD_FOUR declared `{ args: ["i32"], returns: "i32" }`: x + 4 (addFour(-4) is 0). */
export function addFour(x: number): number {
  return withRwxPage(bytesOf(HOST.addFour), { args: ["i32"], returns: "i32" }, (f) => f(x));
}

/** ADD declared `{ args: ["i32", "i32"], returns: "i32" }`: a + b wraps as C's int does (0x7fffffff + 1 is -2^31). */
export function add(a: number, b: number): number {
  return withRwxPage(bytesOf(HOST.add), { args: ["i32", "i32"], returns: "i32" }, (f) => f(a, b));
}

/** The same bytes as add, declared as returning a 64-bit integer: bun:ffi hands back a BigInt. */
export function add64(a: number | bigint, b: number | bigint): bigint {
  return withRwxPage(bytesOf(HOST.add), { args: ["i64", "i64"], returns: "i64" }, (f) => f(a, b));
}
// #endregion calls

/** What /proc/self/maps said about the page while the code ran, and after it was unmapped. */
export function rwxPermissions(): { during: string; after: string } {
  let address = 0;
  const during = withRwxPage(bytesOf(HOST.return42), { args: [], returns: "i32" }, (f, page) => {
    address = page.address;
    f();
    return findMapping(address)?.perms ?? "unmapped";
  });
  return { during, after: findMapping(address)?.perms ?? "unmapped" };
}
