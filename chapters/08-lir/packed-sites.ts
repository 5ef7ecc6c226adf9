// The sites of a program's code, kept until its run ends: for each op that can fail, the reaches the
// runtime replays when it does (reachesOf). A program has a site for every check and move, so they
// are kept as numbers in one array, not as the ops: held as objects (each op, its list of reaches,
// each reach), they would be most of what a big compile holds, and the collector would walk them
// all every time it runs. A move whose commands sit side by side keeps only its delta and its first
// command, as the op does (Steps): its reaches, one per step, are made when the runtime asks.
import type { LineIndex } from "../06-interpreter/source.ts";
import type { SiteTable } from "../07-template-jit/tier.ts";
import { reachesOf, straight, type Op, type Reach } from "./lir.ts";

/** What a site's numbers are: its reaches as (offset, position) pairs, or a move's (delta, first position). */
const PAIRS = 0;
const STRAIGHT = 1;

export class PackedSites {
  // Each site's numbers, one site after another; site k's start at #starts[k] and end where site
  // k + 1's start, and #kinds[k] says how to read them.
  #numbers = new Int32Array(1024);
  #used = 0;
  readonly #starts: number[] = [0];
  readonly #kinds: number[] = [];

  /** A new site for `op`; its number. */
  add(op: Op): number {
    if (op.kind === "move" && typeof op.steps === "number") this.#push(STRAIGHT, [op.delta, op.steps]);
    else {
      const reaches = reachesOf(op);
      const pairs: number[] = [];
      for (let i = 0; i < reaches.length; i++) pairs.push(reaches[i]!.off, reaches[i]!.pos);
      this.#push(PAIRS, pairs);
    }
    return this.#kinds.length - 1;
  }

  #push(kind: number, numbers: readonly number[]): void {
    const need = this.#used + numbers.length;
    if (need > this.#numbers.length) {
      const bigger = new Int32Array(Math.max(2 * this.#numbers.length, need));
      bigger.set(this.#numbers.subarray(0, this.#used));
      this.#numbers = bigger;
    }
    for (let i = 0; i < numbers.length; i++) this.#numbers[this.#used++] = numbers[i]!;
    this.#starts.push(this.#used);
    this.#kinds.push(kind);
  }

  /**
   * The sites so far, trimmed to what they hold, as the runtime asks for them: a site's steps, each
   * with its line and column in the text `lines` indexes (none for a number never given). Only a
   * failed check asks, so the steps are made then.
   */
  done(lines: LineIndex): SiteTable {
    const numbers = this.#numbers.slice(0, this.#used);
    const starts = Int32Array.from(this.#starts);
    const kinds = Uint8Array.from(this.#kinds);
    const reaches = (site: number): Reach[] => {
      if (!Number.isInteger(site) || site < 0 || site >= kinds.length) return [];
      const at = starts[site]!;
      if (kinds[site] === STRAIGHT) return straight(numbers[at]!, numbers[at + 1]!);
      const out: Reach[] = [];
      for (let i = at; i < starts[site + 1]!; i += 2) out.push({ off: numbers[i]!, pos: numbers[i + 1]! });
      return out;
    };
    return (site) => reaches(site).map((r) => ({ offset: r.off, pos: lines.pos(r.pos) }));
  }
}
