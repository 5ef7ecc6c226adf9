// Compile and run thousands of programs in one process, and watch what the process holds: every
// code buffer and every run's memory must be unmapped, or a long-lived host leaks one mapping per
// program until mmap fails.
import { parse } from "../06-interpreter/parser.ts";
import { HOSTILE_TIERS, type HostileTierName } from "./tiers.ts";
import { readMaps } from "../01-pages/maps.ts";
import { readRssKb } from "./proc.ts";

/** The process, measured: mappings in /proc/self/maps, resident KiB. */
export interface Footprint {
  readonly mappings: number;
  readonly rssKb: number;
}

export interface ChurnReport {
  readonly tier: string;
  readonly programs: number;
  readonly before: Footprint;
  readonly after: Footprint;
  readonly ms: number;
}

function footprint(): Footprint {
  Bun.gc(true); // garbage the JavaScript side may still hold is not a leak of ours
  return { mappings: readMaps().length, rssKb: readRssKb() };
}

// #region churn
/**
 * Compile and run `programs` programs (each a little different, so nothing is cached), freeing each
 * one, after a warm-up that lets the heaps reach their working size. Before and after, the footprint.
 */
export function churn(tier: HostileTierName, programs: number, warmUp = 500): ChurnReport {
  const source = (i: number) => `${"+".repeat(1 + (i % 7))}[>${"+".repeat(1 + (i % 5))}<-]>.${">".repeat(i % 3)}`;
  const once = (i: number) => {
    using compiled = HOSTILE_TIERS[tier].compile(parse(source(i)));
    compiled.run({ tapeSize: 64 });
  };
  for (let i = 0; i < warmUp; i++) once(i);
  const before = footprint();
  const started = performance.now();
  for (let i = 0; i < programs; i++) once(i);
  const ms = performance.now() - started;
  return { tier, programs, before, after: footprint(), ms };
}
// #endregion churn

/** churn() for every native tier, `programs` each. */
export function churnEveryTier(programs: number): ChurnReport[] {
  return (Object.keys(HOSTILE_TIERS) as HostileTierName[]).map((tier) => churn(tier, programs, 1));
}
