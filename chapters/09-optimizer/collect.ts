// Garbage between passes. Each pass makes a new LIR and drops the one it was given, and on a big
// program that is tens of megabytes per pass. JavaScriptCore's collector is generational: an LIR
// lives through a whole pass, so it is old by the time it dies, and only a full collection frees
// old objects. Full collections come when the heap has grown by a factor since the last one, so
// without help the peak holds several dead LIRs at once. The pass manager asks for one between
// passes, but only once memory has grown by GROWTH: a small program never pays for it.

// #region collect
/** How much the resident set may grow between two collections asked for here. */
export const GROWTH = 32 * 2 ** 20;

/**
 * How to read the resident set and ask for a full collection: Bun's. In a browser, where the site's
 * playground runs these passes, there is neither, and nothing is asked for.
 */
const runtime = typeof Bun === "undefined" ? null : { resident: () => process.memoryUsage.rss(), collect: () => Bun.gc(true) };

/** The resident set after the last collection asked for here (at first: when this module loaded). */
let settled = runtime?.resident() ?? 0;

/** A full collection, if the resident set has grown by GROWTH since the last one; true if it ran. */
export function collectIfGrown(): boolean {
  if (runtime === null || runtime.resident() < settled + GROWTH) return false;
  runtime.collect(); // synchronous: the dead LIRs are gone when it returns
  settled = runtime.resident();
  return true;
}
// #endregion collect
