// /proc/self/maps: the kernel's own list of this process's mappings, one line each. It is how we check
// that a page really has the protection we asked for, without trusting our own bookkeeping.
import { readFileSync } from "node:fs";

/** One line of /proc/self/maps. `perms` is four letters: r, w, x, then p (private) or s (shared). */
export interface MapEntry {
  readonly start: number;
  readonly end: number;
  readonly perms: string;
  readonly offset: number;
  readonly path: string;
}

/** A line that does not have the shape /proc/<pid>/maps lines have. */
export class MapsFormatError extends Error {
  override name = "MapsFormatError";
}

// #region parse-line
// start-end perms offset dev inode [path]; the path may contain spaces, or be absent.
const LINE = /^([0-9a-f]+)-([0-9a-f]+) ([r-][w-][x-][ps]) ([0-9a-f]+) \S+ \d+\s*(.*)$/;

/**
 * Addresses are parsed into numbers. That is exact even for [vsyscall] at 0xffffffffff600000: above
 * 2^53 doubles are spaced at most 2^11 apart, and these values are multiples of the page size.
 */
export function parseMapsLine(line: string): MapEntry {
  const m = LINE.exec(line);
  if (!m) throw new MapsFormatError(`not a /proc/self/maps line: ${JSON.stringify(line)}`);
  return {
    start: parseInt(m[1]!, 16),
    end: parseInt(m[2]!, 16),
    perms: m[3]!,
    offset: parseInt(m[4]!, 16),
    path: m[5]!,
  };
}
// #endregion parse-line

export function parseMaps(text: string): MapEntry[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map(parseMapsLine);
}

/** The current mappings of this process. Read it again after every change: it is a snapshot. */
export function readMaps(): MapEntry[] {
  return parseMaps(readFileSync("/proc/self/maps", "utf8"));
}

// #region find-mapping
/** The mapping that contains `address`, or null when nothing is mapped there. */
export function findMapping(address: number, maps: readonly MapEntry[] = readMaps()): MapEntry | null {
  return maps.find((m) => address >= m.start && address < m.end) ?? null;
}

/** Mappings that are writable and executable at once: what a policy that pages be writable or executable, never both, forbids. */
export function writableExecutable(maps: readonly MapEntry[] = readMaps()): MapEntry[] {
  return maps.filter((m) => m.perms[1] === "w" && m.perms[2] === "x");
}
// #endregion find-mapping

/** The line as /proc/self/maps prints it, minus the device and inode columns nobody here needs. */
export function formatMapEntry(m: MapEntry): string {
  const range = `${m.start.toString(16)}-${m.end.toString(16)}`;
  return `${range} ${m.perms} ${m.path === "" ? "(anonymous)" : m.path}`;
}
