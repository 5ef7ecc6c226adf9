// What the kernel says about this process: its mappings (/proc/self/maps) and its resident memory
// (/proc/self/status). Pure parsing, plus two reads of files Linux provides.
import { readFileSync } from "node:fs";

// #region maps
/** One line of /proc/self/maps. */
export interface MapLine {
  readonly start: number;
  readonly end: number;
  /** "r-xp", "rw-p", ...: read, write, execute, private or shared. */
  readonly perms: string;
  /** The file, "[heap]", "[stack]", ..., or "" for anonymous memory (where JIT code lives). */
  readonly path: string;
}

export function parseMaps(text: string): MapLine[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const [range, perms, , , , ...path] = line.split(/\s+/);
      const [start, end] = range!.split("-").map((h) => parseInt(h, 16));
      return { start: start!, end: end!, perms: perms!, path: path.join(" ") };
    });
}

/** The mappings both writable and executable: the ones W^X forbids. */
export function writableAndExecutable(maps: readonly MapLine[]): MapLine[] {
  return maps.filter((m) => m.perms[1] === "w" && m.perms[2] === "x");
}

export function formatMapLine(m: MapLine): string {
  return `${m.start.toString(16)}-${m.end.toString(16)} ${m.perms} ${m.path || "(anonymous)"}`;
}
// #endregion maps

export function readMaps(): MapLine[] {
  return parseMaps(readFileSync("/proc/self/maps", "utf8"));
}

// #region rss
/** Resident memory, in KiB: VmRSS of /proc/self/status. */
export function parseRss(status: string): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (m === null) throw new Error("no VmRSS line in /proc/self/status: is this Linux?");
  return Number(m[1]);
}
// #endregion rss

export function readRssKb(): number {
  return parseRss(readFileSync("/proc/self/status", "utf8"));
}
