// Live results: every `run` directive's command is run at build time, from the repository root, at
// most two at a time (the machine has two cores), and its result is cached by the hash of its
// inputs, so an unchanged chapter is not run again. Inputs beyond the repository's sources (the
// classic programs, an optional download) are recorded as the command looks for them
// (shared/programs.ts's noteRead) and kept with the result: when one appears, changes or goes, the
// cached result no longer holds and the command runs again.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import type { ChapterInfo } from "../shared/chapters.ts";
import { ROOT } from "../shared/child.ts";
import { commandArgv, runDirective, runFailure, type RunDirective } from "../shared/directives.ts";
import { READS_ENV } from "../shared/programs.ts";
import type { InputHasher } from "./inputs.ts";
import type { Provenance } from "./provenance.ts";

export interface LiveResult {
  readonly command: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly durationMs: number;
  readonly provenance: Provenance;
  /** Files the command wrote under .cache/bench/ (path -> contents): figures read them from here. */
  readonly artifacts: Readonly<Record<string, string>>;
  /** Optional files the command looked for, each with its SHA-256 then, or null if it was absent. */
  readonly reads: readonly (readonly [string, string | null])[];
}

export interface LiveJob {
  readonly chapter: ChapterInfo;
  readonly directive: RunDirective;
}

export interface LiveOutcome {
  /** Keyed by liveKey(chapter, directive line). */
  readonly results: ReadonlyMap<string, LiveResult & { readonly cached: boolean }>;
  readonly hits: number;
  readonly misses: number;
  /** One message per failed command: chapter, README line, the command, its stderr. */
  readonly failures: readonly string[];
}

export interface LiveOptions {
  readonly cacheDir: string;
  readonly hasher: InputHasher;
  readonly chapters: readonly ChapterInfo[];
  readonly provenance: Provenance;
  readonly concurrency?: number;
  /** Ignore cached results (they are still written). */
  readonly fresh?: boolean;
  readonly onRun?: (job: LiveJob, result: LiveResult, cached: boolean) => void;
}

/** Commands may leave results here for figures (the benchmark's JSON): they are cached too. */
export const ARTIFACT_DIR = ".cache/bench";

export const liveKey = (chapter: ChapterInfo, line: number) => `${chapter.slug}:${line}`;

export async function runLive(jobs: readonly LiveJob[], opts: LiveOptions): Promise<LiveOutcome> {
  const results = new Map<string, LiveResult & { cached: boolean }>();
  const failures: string[] = [];
  let hits = 0;
  let misses = 0;
  mkdirSync(opts.cacheDir, { recursive: true });

  await forEachConcurrently(jobs, opts.concurrency ?? 2, async (job) => {
    const key = opts.hasher.keyFor(job.directive.command, job.chapter, opts.chapters);
    const file = join(opts.cacheDir, `${key}.json`);
    const cached = opts.fresh ? null : readCached(file);
    if (cached && readsHold(cached)) {
      hits++;
      results.set(liveKey(job.chapter, job.directive.line), { ...cached, cached: true });
      opts.onRun?.(job, cached, true);
      return;
    }
    misses++;
    const started = Date.now();
    const scratch = mkdtempSync(join(tmpdir(), "jit-reads-"));
    const log = join(scratch, "reads");
    const r = await runDirective(job.directive, { [READS_ENV]: log });
    const reads = readsOf(log);
    rmSync(scratch, { recursive: true, force: true });
    const failure = runFailure(job.directive, r);
    if (failure !== null) {
      const where = `chapter ${job.chapter.n} (chapters/${job.chapter.slug}/README.md line ${job.directive.line})`;
      failures.push(`${where}: ${failure}${r.diagnosis ? `\n${r.diagnosis}` : ""}`);
      return;
    }
    const result: LiveResult = {
      command: job.directive.command,
      stdout: r.stdout,
      stderr: r.stderr,
      exitCode: r.exitCode,
      signal: r.signal,
      durationMs: Math.round(r.durationMs),
      provenance: { ...opts.provenance, date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC" },
      artifacts: artifactsOf(job.directive.command, started),
      reads,
    };
    writeFileSync(file, JSON.stringify(result));
    results.set(liveKey(job.chapter, job.directive.line), { ...result, cached: false });
    opts.onRun?.(job, result, false);
  });
  return { results, hits, misses, failures };
}

/** Run `fn` over `items` with at most `limit` calls in flight. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

// #region reads
const digestOf = (path: string): string | null => (existsSync(path) ? createHash("sha256").update(readFileSync(path)).digest("hex") : null);

/** The files a run looked for (one path a line, any number of times), each with its digest now. */
function readsOf(log: string): [string, string | null][] {
  const paths = existsSync(log) ? [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))].sort() : [];
  return paths.map((p) => [p, digestOf(p)]);
}

/** Is every optional file the cached run looked for as it was then (there with the same bytes, or still absent)? */
export function readsHold(result: Pick<LiveResult, "reads">): boolean {
  return (result.reads ?? []).every(([path, digest]) => digestOf(path) === digest);
}
// #endregion

function readCached(file: string): LiveResult | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LiveResult;
  } catch {
    return null; // a truncated entry (an interrupted build) is simply a miss
  }
}

/**
 * The files under ARTIFACT_DIR that the command names (its --out) and wrote during its run. Only
 * those: two commands run at once, and one must not be credited with the other's file.
 */
function artifactsOf(command: string, startedMs: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const word of commandArgv(command)) {
    const rel = relative(ROOT, resolve(ROOT, word));
    if (!rel.startsWith(ARTIFACT_DIR + "/")) continue;
    const path = resolve(ROOT, rel);
    if (existsSync(path) && statSync(path).isFile() && statSync(path).mtimeMs >= startedMs - 1000) out[rel] = readFileSync(path, "utf8");
  }
  return out;
}
