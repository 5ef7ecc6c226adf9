// Garbage before the engine compiles. Chapter 9's collections between passes keep the pages they
// free, since the next pass allocates the same kind of objects again. Before JavaScriptCore parses
// megabytes of generated source, what it is about to need is not the heap's objects: here the
// collection also gives free pages back to the kernel (Bun.gc(true)), and the memory bench shows
// the lower peak. In a browser there is no such call, and nothing is asked for.

// #region release
import { Collector } from "../09-optimizer/collect.ts";

const bun = typeof Bun === "undefined" ? null : new Collector(() => process.memoryUsage.rss(), () => Bun.gc(true));

/** A full collection that gives free pages back, if the resident set has grown enough since the last (false in a browser). */
export function releaseIfGrown(): boolean {
  return bun?.collectIfGrown() ?? false;
}
// #endregion release
