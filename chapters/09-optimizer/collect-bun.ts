// Bun's collector for the pass manager, installed when this module loads (each native tier and main
// that runs the passes imports it). The resident set is the process's; the collection is
// JavaScriptCore's own full collection (bun:jsc's fullGC), not Bun.gc(true), which does more: it
// hands the allocator's free pages back to the kernel, so the next pass takes a page fault for each
// page it touches again. Under another host (Node, say) there is no synchronous collection, and
// nothing is installed.

// #region bun
import { Collector, installCollector } from "./collect.ts";

/** Bun's collector, or null under another host (bun:jsc is required after the check, as chapter 1's bunFFI requires bun:ffi). */
export const BUN_COLLECTOR: Collector | null =
  typeof Bun === "undefined" ? null : new Collector(() => process.memoryUsage.rss(), (require("bun:jsc") as typeof import("bun:jsc")).fullGC);
installCollector(BUN_COLLECTOR);
// #endregion bun
