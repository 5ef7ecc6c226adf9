// How far the reader got: each verify run records, per workspace, which chapters were green, so the
// next run can say what changed. Kept in .cache/workbook/progress.json (ignored by git).
import { join } from "node:path";
import { readJson, STATE_DIR, writeJson } from "./workspace.ts";

export interface ChapterProgress {
  readonly green: boolean;
  readonly passed: number;
  readonly total: number;
  /** ISO time of the run. */
  readonly at: string;
}

export type Progress = Readonly<Record<string, ChapterProgress>>;

type File = Record<string, Record<string, ChapterProgress>>;

export const PROGRESS_FILE = join(STATE_DIR, "progress.json");

/** `key` is the workspace (relative to the repository), or "reference". */
export function loadProgress(key: string, file = PROGRESS_FILE): Progress {
  return readJson<File>(file, {})[key] ?? {};
}

/** Record the chapters of this run; chapters it did not run keep their last result. */
export function saveProgress(key: string, run: Progress, file = PROGRESS_FILE): void {
  const all = readJson<File>(file, {});
  all[key] = { ...all[key], ...run };
  writeJson(file, all);
}

/** What changed since the last run, in a sentence or two; empty on the first run. */
export function describeChange(before: Progress, now: Progress, titles: ReadonlyMap<number, string>, nowMs = Date.now()): string[] {
  const runs = Object.values(before);
  if (runs.length === 0) return [];
  const last = Math.max(...runs.map((r) => Date.parse(r.at)));
  const greenBefore = runs.filter((r) => r.green).length;
  const name = (n: string) => `${n} (${titles.get(Number(n)) ?? "?"})`;
  const lines = [`Last run ${ago(nowMs - last)}: ${greenBefore} chapter(s) green.`];
  const newly = Object.keys(now).filter((n) => now[n]!.green && !before[n]?.green);
  const lost = Object.keys(now).filter((n) => !now[n]!.green && before[n]?.green);
  if (newly.length > 0) lines.push(`Newly green: chapter ${newly.map(name).join(", ")}. Well done.`);
  if (lost.length > 0) lines.push(`No longer green: chapter ${lost.map(name).join(", ")}: a change broke what passed before.`);
  return lines;
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
