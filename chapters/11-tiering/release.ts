// Garbage before the engine compiles. Chapter 9's collections between passes keep the pages they
// free, since the next pass allocates the same kind of objects again. Before JavaScriptCore parses
// megabytes of generated source, the garbage is the same, but
// the memory the engine is about to need comes from other allocators than the JavaScript heap: here
// the collection also gives free pages back to the kernel (Bun.gc(true)), so that the engine's
// compile can have them. In a browser there is no such call, and nothing is asked for.

// #region release
import { Collector } from "../09-optimizer/collect.ts";

const bun = typeof Bun === "undefined" ? null : new Collector(() => process.memoryUsage.rss(), () => Bun.gc(true));

/** A full collection that gives free pages back, if the resident set has grown enough since the last (false in a browser). */
export function releaseIfGrown(): boolean {
  return bun?.collectIfGrown() ?? false;
}
// #endregion release
