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

/** The collector collectIfGrown asks, or null: none until the host installs one. */
let installed: Collector | null = null;

/**
 * Install the host's collector (null: none). The passes run in Bun and in the site's playground,
 * where there is no synchronous collection: the pass manager asks whatever the host installed. In
 * Bun, every tier and main that runs the passes imports collect-bun.ts, which installs Bun's.
 */
export function installCollector(collector: Collector | null): void {
  installed = collector;
}

/** What the pass manager calls between passes: the host's collector, if memory has grown (false with none). */
export function collectIfGrown(): boolean {
  return installed?.collectIfGrown() ?? false;
}
// #endregion collect
