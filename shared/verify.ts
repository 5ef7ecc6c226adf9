// npm run verify -- N              the tests of chapters 1..N (cumulative), one line per chapter
// npm run verify -- --only N       chapter N alone
// npm run verify -- N --impl DIR   against your own code: the chapters DIR holds replace the book's
// npm run verify -- N --watch      again on every save
// npm run verify -- --doctor       can this machine run the book?
// Without --impl, the workspace that `npm run workbook -- start` made is used; --reference uses the
// book's own code. Shows a progress bar, the first failing test in full, and a hint.
import { existsSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { UsageError as CommandUsageError, parseCommand, usageLine } from "./cli.ts";
import { CHAPTERS, hintForTest, TOTAL_CHAPTERS, type ChapterInfo } from "./chapters.ts";
import { closingLine, type TestCounts } from "./test-report.ts";
import { doctor, formatChecks } from "./workbook/doctor.ts";
import { explain, failedTests, rerunCommand } from "./workbook/failure.ts";
import { ROOT, testFilesOf as chapterTestFiles } from "./workbook/layout.ts";
import { describeChange, loadProgress, saveProgress, type ChapterProgress } from "./workbook/progress.ts";
import { runTests, type TestRun } from "./workbook/run-tests.ts";
import { Rerunner, watchTypeScript } from "./workbook/watch.ts";
import { recordedWorkspace } from "./workbook/workspace.ts";

const root = ROOT;
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const green = (s: string) => paint(32, s);
const red = (s: string) => paint(31, s);
const dim = (s: string) => paint(2, s);

export class UsageError extends CommandUsageError {
  override name = "UsageError";
}

export interface VerifyArgs {
  upTo: number;
  only: boolean;
  /** --impl DIR: the reader's workspace. */
  impl?: string;
  /** --reference: the book's code, even when a workspace was recorded. */
  reference?: true;
  watch?: true;
  doctor?: true;
}

const USAGE = `npm run verify -- [N] [--only] [--impl DIR | --reference] [--watch] | --doctor

The tests of chapters 1 to N (default: all), one line per chapter, the first failure in full, a hint.

  --only          chapter N alone
  --impl DIR      against your own code: the chapters DIR holds replace the book's
  --reference     the book's own code, even when a workspace was recorded
  --watch         again on every save
  --doctor        can this machine run the book?
  -h, --help      this text`;

const IMPL_NEEDS_A_FOLDER = "--impl needs a folder, your workspace: npm run verify -- 3 --impl my-jit";

/** The options, or null after printing the usage for --help. */
export function parseArgs(argv: readonly string[]): VerifyArgs | null {
  const options = { only: { type: "boolean" }, impl: { type: "string" }, reference: { type: "boolean" }, watch: { type: "boolean" }, doctor: { type: "boolean" } } as const;
  const parsed = parseCommand(argv, USAGE, { allowPositionals: true, options }, console.log, (problem) =>
    problem === "--impl needs a value" ? new UsageError(IMPL_NEEDS_A_FOLDER) : new UsageError(`${problem}\n${usageLine(USAGE)}`),
  );
  if (parsed === null) return null;
  const { values, positionals } = parsed;
  if (positionals.length > 1 || positionals.some((p) => !/^\d+$/.test(p))) throw new UsageError(`unknown argument '${positionals.join(" ")}': give one chapter number. ${usageLine(USAGE)}`);
  const upTo = positionals.length === 0 ? TOTAL_CHAPTERS : Number(positionals[0]);
  const extra: Omit<VerifyArgs, "upTo" | "only"> = {};
  if (values.impl !== undefined) {
    if (values.impl === "") throw new UsageError(IMPL_NEEDS_A_FOLDER);
    extra.impl = values.impl;
  }
  if (values.reference === true) extra.reference = true;
  if (values.watch === true) extra.watch = true;
  if (values.doctor === true) extra.doctor = true;
  if (upTo < 1 || upTo > TOTAL_CHAPTERS) throw new UsageError(`chapter ${upTo} does not exist: pick 1 to ${TOTAL_CHAPTERS}`);
  if (extra.impl !== undefined && extra.reference) throw new UsageError(`--impl and --reference contradict each other: pick one`);
  return { upTo, only: values.only === true, ...extra };
}

export function testFilesOf(n: number): string[] {
  return chapterTestFiles(n, root);
}

/** The workspace a run uses: --impl's, else the recorded one, else none (the book's own code). */
export function workspaceFor(args: VerifyArgs, recorded: string | null = recordedWorkspace()): string | null {
  if (args.reference) return null;
  if (args.impl === undefined) return recorded;
  const dir = resolve(root, args.impl);
  if (!existsSync(dir)) {
    throw new UsageError(`there is no folder ${args.impl}: create your workspace with \`npm run workbook -- start ${args.impl}\``);
  }
  if (!readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory() && /^\d\d-/.test(e.name))) {
    throw new UsageError(`${args.impl} holds no chapter folders (01-pages, ...): is it your workspace? \`npm run workbook -- start\` makes one`);
  }
  return dir;
}

interface ChapterRun {
  chapter: ChapterInfo;
  files: string[];
  /** True when the chapter's code came from the workspace. */
  yours: boolean;
  run: TestRun | null;
}

export function progressBar(green: number, total: number, width = total): string {
  const filled = Math.round((green / total) * width);
  return "[" + "█".repeat(filled) + "░".repeat(width - filled) + `] ${green} of ${total} chapters green`;
}

/** The failing tests of a bun test run, without the passing ones' lines. */
export function failureDetails(output: string): string {
  return output
    .split("\n")
    .filter((l) => !l.startsWith("(pass)") && !l.startsWith("(skip)") && !/^bun test v/.test(l))
    .join("\n")
    .trim();
}

const isGreen = (r: ChapterRun) => r.run !== null && r.run.exitCode === 0 && r.run.counts.fail === 0;

async function runChapter(chapter: ChapterInfo, workspace: string | null): Promise<ChapterRun> {
  const files = testFilesOf(chapter.n);
  const yours = workspace !== null && existsSync(join(workspace, chapter.slug));
  if (files.length === 0) return { chapter, files, yours, run: null };
  const run = await runTests(files, { ...(workspace ? { workspace } : {}), env: { JIT_VERIFY: "1" } });
  return { chapter, files, yours, run };
}

function chapterLine(r: ChapterRun, workspace: string | null): string {
  const name = `${String(r.chapter.n).padStart(2, "0")} ${r.chapter.title}`.padEnd(36);
  const source = workspace === null ? "" : (r.yours ? "yours" : dim("book ")) + "  ";
  if (r.run === null) return `${dim("○")} ${name} ${source}${dim("not written yet")}`;
  const { pass, fail, skip } = r.run.counts;
  const crashed = pass + fail === 0 && /^panic\(/m.test(r.run.output);
  const tally = crashed
    ? `crashed after ${r.run.passed.length + r.run.failed.length} tests (${r.run.failed.length} failed)`
    : `${pass}/${pass + fail} tests` + (skip ? dim(` (${skip} skipped)`) : "");
  return `${isGreen(r) ? green("✓") : red("✗")} ${name} ${source}${tally}`;
}

/** What to read after the first failing test, for the chapter it belongs to. */
function hintFor(r: ChapterRun, workspace: string | null, testName: string | null, report: string | null): string {
  const theirs = workspace !== null && !r.yours;
  const hint = hintForTest(r.chapter, testName, report);
  return theirs ? `Chapter ${r.chapter.n} is the book's code, running on your earlier chapters: the cause is probably in one of them. ${hint}` : hint;
}

const MAX_REPORT_LINES = 60;

function firstFailure(r: ChapterRun, workspace: string | null): string {
  const ws = workspace === null ? null : relative(root, workspace) || workspace;
  const failures = failedTests(r.run!.output);
  const first = failures[0];
  const lines = [red(`First failing test: chapter ${r.chapter.n} (${r.chapter.title})`) + (first?.file ? `, ${first.file}` : "")];
  if (!first) {
    lines.push("", failureDetails(r.run!.output)); // no test failed by name: show bun's own words
  } else {
    const report = first.report.split("\n");
    const shown = report.length > MAX_REPORT_LINES ? [...report.slice(0, MAX_REPORT_LINES), `… (${report.length - MAX_REPORT_LINES} more lines: ${rerunCommand(first.file ?? r.files[0]!, ws)} shows them all)`] : report;
    lines.push(`  ${first.name}`, "", ...shown.map((l) => (l ? "    " + l : "")));
    const notes = explain(first.report, ws);
    if (first.name.startsWith("(the test process crashed")) notes.push(`To see it, run that file alone: ${rerunCommand(first.file ?? r.files[0]!, ws)}`);
    if (notes.length > 0) lines.push("", ...notes.map((n) => n.replace(/^/gm, "  ")));
    if (failures.length > 1) lines.push("", dim(`  (and ${failures.length - 1} more failing in this chapter)`));
  }
  lines.push("", `Hint: ${hintFor(r, workspace, first?.name ?? null, first?.report ?? null)}`);
  return lines.join("\n");
}

export async function verifyOnce(args: VerifyArgs, workspace: string | null): Promise<number> {
  const selected = CHAPTERS.filter((c) => (args.only ? c.n === args.upTo : c.n <= args.upTo));
  const ws = workspace === null ? null : relative(root, workspace) || workspace;
  const key = ws ?? "reference";
  const before = loadProgress(key);
  if (ws !== null) {
    const yours = selected.filter((c) => existsSync(join(workspace!, c.slug))).map((c) => c.n);
    console.log(`Verifying against your workspace ${ws}/ (yours: ${yours.length ? yours.join(", ") : "none"}; the others are the book's)\n`);
  }
  const runs: ChapterRun[] = [];
  for (const chapter of selected) {
    const r = await runChapter(chapter, workspace);
    runs.push(r);
    console.log(chapterLine(r, workspace));
  }
  const now: Record<string, ChapterProgress> = {};
  const at = new Date().toISOString();
  for (const r of runs) if (r.run) now[r.chapter.n] = { green: isGreen(r), passed: r.run.counts.pass, total: r.run.counts.pass + r.run.counts.fail, at };
  saveProgress(key, now);
  const all = { ...before, ...now };
  const greenCount = Object.values(all).filter((p) => p.green).length;
  console.log("\n" + progressBar(greenCount, TOTAL_CHAPTERS));
  const titles = new Map(CHAPTERS.map((c) => [c.n, c.title]));
  for (const line of describeChange(before, now, titles)) console.log(line);

  const failing = runs.find((r) => r.run !== null && !isGreen(r));
  if (failing) console.log("\n" + firstFailure(failing, workspace));
  const solved = runs.filter((r) => r.yours && isGreen(r));
  if (solved.length > 0) {
    console.log(`\nSolutions to compare with yours, for the chapters you made green: ${solved.map((r) => `chapters/${r.chapter.slug}/`).join(", ")}`);
  }
  if (!failing && ws !== null) {
    const next = CHAPTERS.find((c) => c.n > args.upTo && existsSync(join(workspace!, c.slug)));
    if (next && !args.only) console.log(`\nNext: chapter ${next.n} (${next.title}), in ${ws}/${next.slug}/:  npm run verify -- ${next.n}`);
  }
  const total: TestCounts = { pass: 0, fail: 0, skip: 0, todo: 0 };
  for (const r of runs) {
    if (!r.run) continue;
    total.pass += r.run.counts.pass;
    total.fail += r.run.counts.fail;
    total.skip += r.run.counts.skip;
  }
  console.log(closingLine(total));
  return failing ? 1 : 0;
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args === null) return 0; // --help
  if (args.doctor) {
    const checks = await doctor();
    console.log(formatChecks(checks));
    return checks.some((c) => c.status === "fail") ? 1 : 0;
  }
  const workspace = workspaceFor(args);
  if (!args.watch) return verifyOnce(args, workspace);
  const rerun = new Rerunner(async () => {
    if (process.stdout.isTTY) console.clear();
    await verifyOnce(args, workspace);
    console.log(dim(`\nWatching ${workspace ? relative(root, workspace) + "/" : "chapters/"} and tests/ for changes (Ctrl-C to stop).`));
  });
  watchTypeScript([workspace ?? join(root, "chapters"), join(root, "tests")], () => rerun.trigger());
  rerun.trigger();
  return new Promise<number>(() => {}); // until Ctrl-C
}

if (import.meta.main) {
  try {
    process.exit(await main());
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.name}: ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
}
