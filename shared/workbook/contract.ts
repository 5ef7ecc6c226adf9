// The contract that keeps the chapter tests honest: the reference passes every test of a chapter, and
// with that chapter replaced by its stubs, every one of its tests fails. A test that passes against
// the stubs checks something the reader does not write (a constant, a type, a table), or only that
// something throws, so it would tell a reader they are done when they are not. Tests of what the
// workbook gives live apart, in tests/NN-name-given.test.ts, and must pass against the stubs.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { runBun } from "../child.ts";
import { generateStubs, type StubFile } from "./generate.ts";
import { moduleName, ROOT, isGivenTestFile, titleOf, type ChapterOnDisk } from "./layout.ts";
import { runTests, type TestRun } from "./run-tests.ts";
import { writeStubs } from "./workspace.ts";

export interface ContractResult {
  readonly chapter: ChapterOnDisk;
  /** The chapter's tests against its stubs: every one must fail. */
  readonly stubbed: TestRun;
  /** Its *-given tests against its stubs, when it has some: every one must pass. */
  readonly given: TestRun | null;
  /** The chapter's tests against the reference, when asked for: every one must pass. */
  readonly reference: TestRun | null;
  /** Tests that passed against the stubs: each breaks the contract. */
  readonly passedForFree: readonly string[];
  /** *-given tests that failed against the stubs: they test the reader's code, so they belong with the others. */
  readonly givenFailing: readonly string[];
  /** Stubs a test file called while loading (so all its tests failed at once, before running). */
  readonly calledWhileLoading: readonly string[];
  /** Stub modules that throw while they load (a given function the plan missed). */
  readonly loadFailures: readonly LoadFailure[];
  readonly ok: boolean;
}

export interface ContractOptions {
  /** Also run the tests against the reference (npm test does that already). */
  readonly reference?: boolean;
  /** How many chapters' tests run at once. */
  readonly parallel?: number;
  /** Where the stubbed workspaces go; one folder per chapter. */
  readonly dir?: string;
  /** The chapters' stubs, when the caller generated them already. */
  readonly stubs?: readonly StubFile[];
  readonly onResult?: (r: ContractResult) => void;
}

export const CONTRACT_DIR = join(ROOT, ".cache/workbook/contract");

export async function checkContract(chapters: readonly ChapterOnDisk[], opts: ContractOptions = {}): Promise<ContractResult[]> {
  const dir = opts.dir ?? CONTRACT_DIR;
  const stubs = opts.stubs ?? (await generateStubs(chapters));
  const check = async (c: ChapterOnDisk): Promise<ContractResult> => {
    // One workspace per chapter, holding that chapter alone: the others are the reference.
    const workspace = join(dir, c.slug);
    const own = stubs.filter((s) => s.module.startsWith(c.slug + "/"));
    rmSync(workspace, { recursive: true, force: true });
    writeStubs(workspace, own);
    const loadFailures = await stubsThatDoNotLoad(workspace, own);
    const givenFiles = c.tests.filter(isGivenTestFile);
    const stubbed = await runTests(c.tests.filter((t) => !isGivenTestFile(t)), { workspace });
    const given = givenFiles.length > 0 ? await runTests(givenFiles, { workspace }) : null;
    const reference = opts.reference ? await runTests(c.tests) : null;
    const passedForFree = stubbed.passed;
    const givenFailing = given ? [...given.failed, ...(given.exitCode !== 0 && given.failed.length === 0 ? ["(the run failed: see its output)"] : [])] : [];
    const ok =
      stubbed.files.length > 0 &&
      passedForFree.length === 0 &&
      stubbed.counts.fail > 0 &&
      givenFailing.length === 0 &&
      loadFailures.length === 0 &&
      (reference === null || (reference.exitCode === 0 && reference.counts.fail === 0));
    const result = { chapter: c, stubbed, given, reference, passedForFree, givenFailing, calledWhileLoading: calledWhileLoading(stubbed.output), loadFailures, ok };
    opts.onResult?.(result);
    return result;
  };
  return inBatches(chapters, opts.parallel ?? 2, check);
}

/** A stub module that throws while it loads: every test that imports it fails before it starts. */
export interface LoadFailure {
  readonly module: string;
  readonly error: string;
}

/**
 * Import every stubbed library module of `workspace` in a child process; the ones that throw. Scripts
 * (a top-level `runMain(…)`, or `startCommand(…)`, which starts one) are left out: importing one runs it.
 */
export async function stubsThatDoNotLoad(workspace: string, stubs: readonly StubFile[]): Promise<LoadFailure[]> {
  const modules = stubs.filter((s) => !/^(await )?(runMain|startCommand)\(/m.test(s.text)).map((s) => s.reference);
  const r = await runBun("shared/workbook/load-check.ts", modules, { env: { JIT_WORKBOOK: workspace, JIT_TRACE: "0" }, timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`the load check itself failed (exit ${r.exitCode}): ${r.diagnosis ?? r.stderr.trim().split("\n").at(-1)}`);
  return (JSON.parse(r.stdout.trim().split("\n").at(-1)!) as LoadFailure[]).map((f) => ({ ...f, module: moduleName(f.module) }));
}

/** The stubs named in bun's "Unhandled error between tests" blocks: code a test file runs as it loads. */
export function calledWhileLoading(output: string): string[] {
  const names = new Set<string>();
  for (const block of output.split("# Unhandled error between tests").slice(1)) {
    const m = /NotImplemented: (.+?) \((\S+?), chapter \d+\)/.exec(block.split("\n-------------------------------\n")[1] ?? block);
    if (m) names.add(`${m[1]} (${m[2]})`);
  }
  return [...names];
}

async function inBatches<T, R>(items: readonly T[], width: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
  return results;
}

/** One paragraph per chapter: ✓ or ✗, and for ✗ the tests to fix and how. */
export function formatContract(results: readonly ContractResult[]): string {
  return results
    .map((r) => {
      const c = r.chapter;
      const name = `${String(c.n).padStart(2, "0")} ${titleOf(c)}`;
      const secs = `${((r.stubbed.durationMs + (r.given?.durationMs ?? 0)) / 1000).toFixed(1)} s`;
      const given = r.given ? `; ${r.given.counts.pass} given test(s) pass` : "";
      const lines = [
        r.ok
          ? `✓ ${name}: all ${r.stubbed.counts.fail} tests fail against the stubs${given} [${secs}]`
          : `✗ ${name}: the contract is broken [${secs}]`,
      ];
      if (r.stubbed.files.length === 0) lines.push(`    the chapter has no tests (tests/${c.slug}.test.ts)`);
      if (r.passedForFree.length > 0) {
        lines.push(`    ${r.passedForFree.length} test(s) pass against the stubs, so they would pass before the reader writes anything:`);
        lines.push(...r.passedForFree.map((t) => `      - ${t}`));
        lines.push(`    Make each test behaviour a stub cannot fake, or, if it tests what the workbook gives (a table, a constant,`);
        lines.push(`    the demo's script), move it to tests/${c.slug}-given.test.ts.`);
      }
      if (r.givenFailing.length > 0) {
        lines.push(`    ${r.givenFailing.length} *-given test(s) fail against the stubs, so they test the reader's code: move them to tests/${c.slug}.test.ts`);
        lines.push(...r.givenFailing.map((t) => `      - ${t}`));
      }
      for (const f of r.loadFailures) lines.push(`    the stub ${f.module} throws while it loads (${f.error}): its tests cannot even start`);
      if (r.reference && (r.reference.exitCode !== 0 || r.reference.counts.fail > 0)) {
        lines.push(`    the reference fails ${r.reference.counts.fail} test(s): ${r.reference.failed.slice(0, 3).join("; ")}`);
      }
      for (const s of r.calledWhileLoading) {
        lines.push(`    note: a test file calls ${s} while it loads, so all its tests fail at once; call it inside the tests.`);
      }
      return lines.join("\n");
    })
    .join("\n");
}
