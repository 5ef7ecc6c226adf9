// npm run verify -- N          run the tests of chapters 1..N (cumulative), one line per chapter
// npm run verify -- --only N   run chapter N alone
// Shows a progress bar, and the first failing chapter's failures in full with a hint.
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { CHAPTERS, TOTAL_CHAPTERS, chapterOfTestFile, type ChapterInfo } from "./chapters.ts";
import { closingLine, parseCounts, type TestCounts } from "./test-report.ts";

const root = resolve(import.meta.dir, "..");
const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
const green = (s: string) => paint(32, s);
const red = (s: string) => paint(31, s);
const dim = (s: string) => paint(2, s);

export class UsageError extends Error {
  override name = "UsageError";
}

export interface VerifyArgs {
  upTo: number;
  only: boolean;
}

export function parseArgs(argv: readonly string[]): VerifyArgs {
  let upTo = TOTAL_CHAPTERS;
  let only = false;
  for (const a of argv) {
    if (a === "--only") only = true;
    else if (/^\d+$/.test(a)) upTo = Number(a);
    else throw new UsageError(`unknown argument '${a}'. Usage: npm run verify -- [N] [--only]`);
  }
  if (upTo < 1 || upTo > TOTAL_CHAPTERS) throw new UsageError(`chapter ${upTo} does not exist: pick 1 to ${TOTAL_CHAPTERS}`);
  return { upTo, only };
}

export function testFilesOf(n: number): string[] {
  return readdirSync(resolve(root, "tests"))
    .filter((f) => chapterOfTestFile(f) === n)
    .sort()
    .map((f) => "./tests/" + f);
}

interface ChapterRun {
  chapter: ChapterInfo;
  files: string[];
  counts: TestCounts;
  exitCode: number;
  output: string;
}

function runChapter(chapter: ChapterInfo): ChapterRun {
  const files = testFilesOf(chapter.n);
  if (files.length === 0) return { chapter, files, counts: { pass: 0, fail: 0, skip: 0, todo: 0 }, exitCode: 0, output: "" };
  const r = Bun.spawnSync([process.execPath, "test", "--timeout=60000", ...files], { cwd: root, stdout: "pipe", stderr: "pipe", env: process.env });
  const output = r.stdout.toString() + r.stderr.toString();
  return { chapter, files, counts: parseCounts(output), exitCode: r.exitCode ?? 1, output };
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

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const selected = CHAPTERS.filter((c) => (args.only ? c.n === args.upTo : c.n <= args.upTo));
  let greenCount = 0;
  let firstFailure: ChapterRun | null = null;
  const total: TestCounts = { pass: 0, fail: 0, skip: 0, todo: 0 };
  for (const chapter of selected) {
    const run = runChapter(chapter);
    const name = `${String(chapter.n).padStart(2, "0")} ${chapter.title}`;
    const { pass, fail, skip } = run.counts;
    total.pass += pass;
    total.fail += fail;
    total.skip += skip;
    if (run.files.length === 0) {
      console.log(`${dim("○")} ${name.padEnd(36)} ${dim("not written yet")}`);
      continue;
    }
    const ok = run.exitCode === 0 && fail === 0;
    const tally = `${pass}/${pass + fail} tests` + (skip ? dim(` (${skip} skipped)`) : "");
    console.log(`${ok ? green("✓") : red("✗")} ${name.padEnd(36)} ${tally}`);
    if (ok) greenCount++;
    else firstFailure ??= run;
  }
  console.log("\n" + progressBar(greenCount, TOTAL_CHAPTERS));
  if (firstFailure) {
    const c = firstFailure.chapter;
    console.log(`\n${red(`First failing chapter: ${c.n} ${c.title}`)} (${firstFailure.files.join(" ")})\n`);
    console.log(failureDetails(firstFailure.output));
    console.log(`\nHint: ${c.hint}`);
  }
  console.log(closingLine(total));
  return firstFailure ? 1 : 0;
}

if (import.meta.main) {
  try {
    process.exit(main());
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}
