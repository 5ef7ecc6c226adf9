// Live results: every `run` directive's command is run at build time, from the repository root, at
// most two at a time (the machine has two cores), and its result is cached by the hash of its
// inputs, so an unchanged chapter is not run again.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ChapterInfo } from "../shared/chapters.ts";
import { ROOT } from "../shared/child.ts";
import { runDirective, runFailure, type RunDirective } from "../shared/directives.ts";
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
    if (cached) {
      hits++;
      results.set(liveKey(job.chapter, job.directive.line), { ...cached, cached: true });
      opts.onRun?.(job, cached, true);
      return;
    }
    misses++;
    const started = Date.now();
    const r = await runDirective(job.directive);
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
      artifacts: artifactsSince(started),
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

function readCached(file: string): LiveResult | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LiveResult;
  } catch {
    return null; // a truncated entry (an interrupted build) is simply a miss
  }
}

function artifactsSince(startedMs: number): Record<string, string> {
  const dir = resolve(ROOT, ARTIFACT_DIR);
  if (!existsSync(dir)) return {};
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isFile() && statSync(path).mtimeMs >= startedMs - 1000) out[`${ARTIFACT_DIR}/${name}`] = readFileSync(path, "utf8");
  }
  return out;
}
