// Garbage between passes. Each pass makes a new LIR and drops the one it was given, and on a big
// program that is tens of megabytes per pass. JavaScriptCore's collector is generational: an LIR
// lives through a whole pass, so it is old by the time it dies, and only a full collection frees
// old objects. Full collections come when the heap has grown by a factor since the last one, so
// without help the peak holds several dead LIRs at once. The pass manager asks for one between
// passes, but only once memory has grown by GROWTH: a small program never pays for it.

// #region collect
/** How much the resident set may grow between two collections asked for here. */
export const GROWTH = 32 * 2 ** 20;

/** Asks for a full collection when the resident set has grown by `growth` since the last it asked for. */
export class Collector {
  /** The resident set after the last collection asked for (at first: when this was made). */
  #settled: number;

  constructor(
    readonly resident: () => number,
    readonly collect: () => void,
    readonly growth = GROWTH,
  ) {
    this.#settled = resident();
  }

  /** A full collection, if the resident set has grown by `growth` since the last one; true if it ran. */
  collectIfGrown(): boolean {
    if (this.resident() < this.#settled + this.growth) return false;
    this.collect();
    this.#settled = this.resident();
    return true;
  }
}

/**
 * Bun's: the process's resident set, and a synchronous full collection. In a browser, where the
 * site's playground runs these passes, there is neither, and nothing is asked for.
 */
const bun = typeof Bun === "undefined" ? null : new Collector(() => process.memoryUsage.rss(), () => Bun.gc(true));

/** What the pass manager calls between passes: Bun's collector, if memory has grown (false in a browser). */
export function collectIfGrown(): boolean {
  return bun?.collectIfGrown() ?? false;
}
// #endregion collect
