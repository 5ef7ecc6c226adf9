// What the kernel says about this process's resident memory (/proc/self/status): pure parsing, and
// one read of a file Linux provides. Its mappings are chapter 1's to read (maps.ts).
import { readFileSync } from "node:fs";

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
