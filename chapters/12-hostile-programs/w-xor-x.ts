// W^X, checked while JIT code runs: a runaway program runs under a time limit, and meanwhile a worker
// thread reads the process's mappings. None may be writable and executable, and the code's own
// mapping (one that appeared since the program was compiled) must be r-x.
import { formatMapEntry, parseMaps, readMaps, writableExecutable, type MapEntry } from "../01-pages/maps.ts";
import { parse } from "../06-interpreter/parser.ts";
import type { LimitedIO } from "./limits.ts";
import { HOSTILE_TIERS, type HostileTierName } from "./tiers.ts";

export interface WxReport {
  readonly tier: string;
  /** The worker read the maps after the code started and before it stopped. */
  readonly whileRunning: boolean;
  /** Mappings both writable and executable that appeared since the compile: ours (none, if W^X holds). */
  readonly ours: readonly string[];
  /**
   * Mappings both writable and executable that were there before: the host's. JavaScriptCore keeps
   * its own JIT code in a large RWX pool (gone with BUN_JSC_useJIT=0, which turns its JIT off).
   */
  readonly host: readonly string[];
  /** Anonymous executable mappings that appeared since the compile: the code. */
  readonly newCode: readonly string[];
  /** How the run ended (the time limit stops it). */
  readonly stoppedBy: string;
}

// #region maps-while-running
export async function mapsWhileRunning(tier: HostileTierName, runMs = 600, readAfterMs = 150): Promise<WxReport> {
  const worker = new Worker(new URL("./maps-worker.ts", import.meta.url).href);
  try {
    const messages: unknown[] = [];
    let wake: () => void = () => {};
    worker.onmessage = (e: MessageEvent) => {
      messages.push(e.data);
      wake();
    };
    const next = async (): Promise<unknown> => {
      while (messages.length === 0) await new Promise<void>((r) => (wake = r));
      return messages.shift();
    };
    await next(); // "ready"
    const before = new Set(readMaps().map((m) => `${m.start}-${m.end} ${m.perms}`));
    const old = (m: MapEntry) => before.has(`${m.start}-${m.end} ${m.perms}`);
    using compiled = HOSTILE_TIERS[tier].compile(parse("+[>+<]"));
    worker.postMessage({ delayMs: readAfterMs });
    const started = Date.now();
    const io: LimitedIO = { timeoutMs: runMs };
    const result = compiled.run({ tapeSize: 16 }, io); // the main thread is in the code until the limit
    const ended = Date.now();
    const { maps, at } = (await next()) as { maps: string; at: number };
    const during = parseMaps(maps);
    return {
      tier,
      whileRunning: at > started && at < ended,
      ours: writableExecutable(during).filter((m) => !old(m)).map(formatMapEntry),
      host: writableExecutable(during).filter(old).map(formatMapEntry),
      newCode: during.filter((m) => m.perms[2] === "x" && m.path === "" && !old(m)).map(formatMapEntry),
      stoppedBy: result.error?.name ?? "nothing",
    };
  } finally {
    worker.terminate();
  }
}
// #endregion maps-while-running

/** mapsWhileRunning for every native tier, one after the other (one child process for them all). */
export async function mapsWhileEveryTierRuns(): Promise<WxReport[]> {
  const reports: WxReport[] = [];
  for (const tier of Object.keys(HOSTILE_TIERS) as HostileTierName[]) reports.push(await mapsWhileRunning(tier));
  return reports;
}
