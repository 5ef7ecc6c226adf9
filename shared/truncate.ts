// npm run truncate -- N [DIR]: the book as it stands after chapter N, checked. A copy of the repository
// (its files as git lists them; node_modules linked, not copied) without chapters N+1 and later, then
// type-checked, with chapters 1..N's tests and demos run in it. Since each chapter only adds, every
// prefix of the book must stand on its own.
//
// What the copy leaves out besides the later chapters: their tests and fixtures (tests/NN-*), the
// shared tools that belong to a later chapter (TOOLS), and any file of site/ or tests/ (or the site's
// command, npm start) that imports something left out, directly or through another file: the site
// renders the whole book, so it goes with the chapters its figures and playground show. A file of
// chapters/ or shared/ that still needs a missing file is a problem, reported, and the type-check
// fails on it. The copy's shared/chapters.ts ends at chapter N, so every tool sees only 1..N.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { chapterOfTestFile } from "./chapters.ts";
import { parseCommand, UsageError } from "./cli.ts";
import { runMain } from "./main.ts";

export const ROOT = resolve(import.meta.dir, "..");

/** Shared files that are one chapter's tools: a copy that ends before that chapter leaves them out. */
export const TOOLS: Readonly<Record<string, number>> = {
  // every tier on the Brainfuck programs, with gcc -O2 on chapter 9's optimized LIR as its yardstick
  "shared/bf-bench.ts": 9,
  // chapter 12's differential fuzzer, from the command line
  "shared/fuzz.ts": 12,
  "shared/fuzz-cli.ts": 12,
  // peak memory of every tier, from the tier registry
  "shared/memory-bench.ts": 9,
  // random Brainfuck programs, run against chapter 6's interpreter
  "shared/bf-random.ts": 6,
  // the doctor's native probe: chapter 3's CodeBuffer, RW then RX, called
  "shared/workbook/probe.ts": 3,
};

/** Files that go with the site when the site goes: its commands. */
const SITE_COMMANDS: ReadonlySet<string> = new Set(["shared/start.ts"]);

/**
 * Whether a file that imports a file left out is left out too (else it is a problem): the site's and
 * the tests' files, but never a test of a chapter the copy holds, which must not go unnoticed.
 */
const followsWhatItImports = (f: string, last: number) =>
  (f.startsWith("site/") || f.startsWith("tests/") || SITE_COMMANDS.has(f)) && !((chapterOfPath(f) ?? Infinity) <= last);

const IMPORT = [
  /^\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm,
  /^\s*import\s*["']([^"']+)["']/gm,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
];

/** The repository files that `file` imports, statically or by a literal dynamic import (tsc checks both). */
export function importsOf(file: string, source: string): string[] {
  const out = new Set<string>();
  for (const re of IMPORT) {
    for (const m of source.matchAll(re)) {
      const spec = m[1]!;
      if (spec.startsWith(".")) out.add(join(dirname(file), spec));
    }
  }
  return [...out];
}

/** The chapter a repository path belongs to by its name (chapters/NN-*, tests/NN-*, tests/fixtures/NN-*), or null. */
export function chapterOfPath(path: string): number | null {
  const m = /^chapters\/(\d\d)-/.exec(path) ?? /^tests\/(?:fixtures\/)?(\d\d)-/.exec(path);
  return m ? Number(m[1]) : null;
}

/** The files of the working tree as git lists them: tracked and new, not ignored, and present. */
export function repositoryFiles(root = ROOT): string[] {
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ls-files failed in ${root}: ${r.stderr.trim()} (is it a git checkout?)`);
  // Files only: a node_modules that is a link (as in a copy) is not ignored by "/node_modules/".
  return [...new Set(r.stdout.split("\0").filter((f) => f !== "" && existsSync(join(root, f)) && lstatSync(join(root, f)).isFile()))].sort();
}

export interface Plan {
  readonly last: number;
  /** The files the copy holds. */
  readonly keep: readonly string[];
  /** Each file left out, with why. */
  readonly dropped: ReadonlyMap<string, string>;
  /** Files of chapters/ or shared/ the copy keeps though they import a file it leaves out. */
  readonly problems: readonly string[];
}

/** Which of `files` a copy that ends with chapter `last` holds. */
export function plan(last: number, files: readonly string[], read: (f: string) => string): Plan {
  const dropped = new Map<string, string>();
  for (const f of files) {
    const n = chapterOfPath(f);
    if (n !== null && n > last) dropped.set(f, `chapter ${n}'s`);
    const tool = TOOLS[f];
    if (tool !== undefined && tool > last) dropped.set(f, `a tool of chapter ${tool}`);
  }
  const present = new Set(files);
  const imports = new Map(files.filter((f) => f.endsWith(".ts")).map((f) => [f, importsOf(f, read(f)).filter((i) => present.has(i) || !i.endsWith(".ts"))]));
  const problems = new Set<string>();
  // Leave out, until nothing changes, each file of site/ or tests/ that imports one left out.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [f, deps] of imports) {
      if (dropped.has(f)) continue;
      const gone = deps.find((d) => dropped.has(d));
      if (gone === undefined) continue;
      if (followsWhatItImports(f, last)) {
        dropped.set(f, `imports ${gone}`);
        changed = true;
      } else problems.add(`${f} imports ${gone}, which the copy leaves out (${dropped.get(gone)})`);
    }
  }
  return { last, keep: files.filter((f) => !dropped.has(f)), dropped, problems: [...problems].sort() };
}

/** Point shared/chapters.ts's LAST_CHAPTER at `last`, so that the copy's table of contents ends there. */
export function truncateContents(source: string, last: number): string {
  const line = /^export const LAST_CHAPTER: number = \d+;$/m;
  if (!line.test(source)) throw new Error("shared/chapters.ts has no line `export const LAST_CHAPTER: number = 13;` for shared/truncate.ts to rewrite");
  return source.replace(line, `export const LAST_CHAPTER: number = ${last};`);
}

/** Make the copy in `dir` (which must not exist or be empty); node_modules is a link to the original's. */
export function makeCopy(p: Plan, dir: string, root = ROOT): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new UsageError(`${dir} is not empty: give a new folder, or none for a temporary one`);
  for (const f of p.keep) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    copyFileSync(join(root, f), join(dir, f));
  }
  const contents = join(dir, "shared/chapters.ts");
  writeFileSync(contents, truncateContents(readFileSync(contents, "utf8"), p.last));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
}

export interface Step {
  readonly ok: boolean;
  readonly output: string;
  readonly ms: number;
}

function run(argv: readonly string[], cwd: string, quiet: boolean, timeoutMs: number): Step {
  const t = performance.now();
  // The copy runs the book's own code (no reader's workspace), uninstrumented (coverage is the original's).
  const { JIT_WORKBOOK: _workspace, NYC_BUN: _coverage, ...env } = process.env;
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd, encoding: "utf8", stdio: quiet ? "pipe" : "inherit", timeout: timeoutMs, env: { ...env, NO_COLOR: "1" } });
  const output = quiet ? `${r.stdout ?? ""}${r.stderr ?? ""}` : "";
  const why = r.error ? `\n${r.error.message}` : r.signal ? `\nkilled by ${r.signal}` : "";
  return { ok: r.status === 0, output: output + why, ms: performance.now() - t };
}

/** tsc over the copy, with the original's TypeScript. */
export function typecheck(dir: string, quiet = true): Step {
  return run([join(ROOT, "node_modules/.bin/tsc"), "--noEmit", "-p", dir], dir, quiet, 600_000);
}

/** The copy's test files of chapters `from`..`to`, as bun test takes them. */
export function testFiles(dir: string, from: number, to: number): string[] {
  return readdirSync(join(dir, "tests"))
    .filter((f) => f.endsWith(".test.ts"))
    .filter((f) => {
      const n = chapterOfTestFile(f);
      return n !== null && n >= from && n <= to;
    })
    .sort()
    .map((f) => `./tests/${f}`);
}

export function runTests(dir: string, from: number, to: number, quiet = true): Step {
  // The timeout as npm test gives it (tests/setup.ts's default does not reach every file).
  return run([process.execPath, "test", "--timeout=60000", ...testFiles(dir, from, to)], dir, quiet, 3_600_000);
}

export function runDemos(dir: string, quiet = true): Step {
  return run([process.execPath, "shared/demos.ts"], dir, quiet, 3_600_000);
}

const USAGE = `npm run truncate -- N [DIR] [--types-only] [--keep]

The book as it stands after chapter N: a copy of the repository in DIR (default: a temporary folder,
removed afterwards) without chapters N+1 and later, type-checked, then chapters 1..N's tests and
demos run in it.

  --types-only   only the type-check
  --keep         keep the temporary copy
  -h, --help     this text`;

export async function truncateCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommand(argv, USAGE, { options: { "types-only": { type: "boolean" }, keep: { type: "boolean" } }, allowPositionals: true });
  if (parsed === null) return 0;
  const [nText, dirArg, ...extra] = parsed.positionals;
  const last = Number(nText);
  if (nText === undefined || !/^\d+$/.test(nText) || last < 1) throw new UsageError(`give the last chapter the copy holds, a whole number from 1: ${USAGE.split("\n")[0]}`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(" ")}`);
  const dir = dirArg === undefined ? mkdtempSync(join(tmpdir(), `jit-upto-${last}-`)) : resolve(dirArg);
  const p = plan(last, repositoryFiles(), (f) => readFileSync(join(ROOT, f), "utf8"));
  makeCopy(p, dir);
  console.log(`The book up to chapter ${last} in ${dir}: ${p.keep.length} files, ${p.dropped.size} left out.`);
  const notChapters = [...p.dropped].filter(([f]) => chapterOfPath(f) === null);
  if (notChapters.length > 0) console.log(`Left out besides chapters ${last + 1}+ and their tests:\n${notChapters.map(([f, why]) => `  ${f}: ${why}`).join("\n")}`);
  for (const problem of p.problems) console.log(`✗ ${problem}`);
  let failed = p.problems.length > 0;
  const step = (name: string, s: Step) => {
    console.log(`${s.ok ? "✓" : "✗"} ${name} (${(s.ms / 1000).toFixed(1)} s)`);
    if (!s.ok) failed = true;
  };
  console.log(`\n$ tsc --noEmit -p ${relative(process.cwd(), dir) || "."}`);
  step("type-check", typecheck(dir, false));
  if (!parsed.values["types-only"]) {
    console.log(`\n$ bun test (chapters 1..${last})`);
    step("tests", runTests(dir, 1, last, false));
    console.log(`\n$ bun shared/demos.ts`);
    step("demos", runDemos(dir, false));
  }
  if (dirArg === undefined && !parsed.values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`The copy stays in ${dir}.`);
  return failed ? 1 : 0;
}

if (import.meta.main) await runMain(async () => process.exit(await truncateCommand(process.argv.slice(2))));
