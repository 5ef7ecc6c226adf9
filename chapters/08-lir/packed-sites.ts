// The sites of a program's code, kept until its run ends: for each op that can fail, the reaches the
// runtime replays when it does (reachesOf). A program has a site for every check and move, so they
// are kept as numbers in one array, not as the ops: held as objects (each op, its list of reaches,
// each reach), they would be most of what a big compile holds, and the collector would walk them
// all every time it runs.
import type { Reach } from "./lir.ts";

export class PackedSites {
  // Each site's reaches as (offset, position) pairs, one site after another; site k's pairs start
  // at #starts[k] and end where site k + 1's start.
  #pairs = new Int32Array(1024);
  #used = 0;
  readonly #starts: number[] = [0];

  /** A new site with these reaches; its number. */
  add(reaches: readonly Reach[]): number {
    const need = this.#used + 2 * reaches.length;
    if (need > this.#pairs.length) {
      const bigger = new Int32Array(Math.max(2 * this.#pairs.length, need));
      bigger.set(this.#pairs.subarray(0, this.#used));
      this.#pairs = bigger;
    }
    for (let i = 0; i < reaches.length; i++) {
      this.#pairs[this.#used++] = reaches[i]!.off;
      this.#pairs[this.#used++] = reaches[i]!.pos;
    }
    this.#starts.push(this.#used);
    return this.#starts.length - 2;
  }

  /** The sites so far, trimmed to what they hold, for the run to ask (none for a number never given). */
  done(): (site: number) => Reach[] {
    const pairs = this.#pairs.slice(0, this.#used);
    const starts = Int32Array.from(this.#starts);
    return (site) => {
      const reaches: Reach[] = [];
      if (!Number.isInteger(site) || site < 0 || site + 1 >= starts.length) return reaches;
      for (let i = starts[site]!; i < starts[site + 1]!; i += 2) reaches.push({ off: pairs[i]!, pos: pairs[i + 1]! });
      return reaches;
    };
  }
}
