// A reader's session with the workbook, end to end: a workspace of stubs, chapter 1 written (here,
// copied from the book), and `npm run verify` turning chapter 1 green while chapter 2's stubs fail
// with the chapter's hint. Its own workspace and state, so a reader's my-jit/ is never touched.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { TOTAL_CHAPTERS } from "../shared/chapters.ts";
import { runBun, type ChildResult } from "../shared/child.ts";
import { generateStubs, type StubFile } from "../shared/workbook/generate.ts";
import { chapterOnDisk, chaptersOnDisk, ROOT } from "../shared/workbook/layout.ts";
import { writeStubs } from "../shared/workbook/workspace.ts";
import { exitOf } from "./support/exit.ts";

setDefaultTimeout(120_000);

const SCRATCH = join(ROOT, ".cache/workbook-tests/session");
const WORKSPACE = join(SCRATCH, "my-jit");
// NYC_BUN off: under `npm run coverage` these runs would be instrumented for nothing, and slow.
const env = { JIT_WORKBOOK_STATE: join(SCRATCH, "state"), NO_COLOR: "1", NYC_BUN: "" };
const verify = (...args: string[]): Promise<ChildResult> => runBun("shared/verify.ts", args, { env, timeoutMs: 120_000 });

beforeAll(async () => {
  rmSync(SCRATCH, { recursive: true, force: true });
  writeStubs(WORKSPACE, await generateStubs([chapterOnDisk(1), chapterOnDisk(2)]));
  // The reader writes chapter 1: here, the book's own solution.
  for (const f of readdirSync(join(ROOT, "chapters/01-pages")).filter((f) => f.endsWith(".ts"))) {
    copyFileSync(join(ROOT, "chapters/01-pages", f), join(WORKSPACE, "01-pages", f));
  }
  mkdirSync(env.JIT_WORKBOOK_STATE, { recursive: true });
}, 120_000);
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

describe("verify --impl", () => {
  test("chapter 1, written, is green; verify says where the book's solution is, and what is next", async () => {
    const r = await verify("1", "--impl", WORKSPACE);
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    expect(r.stdout).toMatch(/^✓ 01 Pages +yours +\d+\/\d+ tests$/m);
    expect(r.stdout).toContain(`[█${"░".repeat(TOTAL_CHAPTERS - 1)}] 1 of ${TOTAL_CHAPTERS} chapters green`);
    expect(r.stdout).toContain("Solutions to compare with yours, for the chapters you made green: chapters/01-pages/");
    expect(r.stdout).toContain("Next: chapter 2 (First bytes)");
    expect(r.stdout).toMatch(/^tests: \d+ passed, 0 failed, 0 skipped$/m);
  });

  test("chapter 2's stubs fail: the first failing test in full, the function to write, the hint", async () => {
    const r = await verify("2", "--impl", WORKSPACE);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^✓ 01 Pages +yours/m);
    // Its *-given tests pass against the stubs; the others fail.
    const [, passed = "0", total = "0"] = /^✗ 02 First bytes +yours +(\d+)\/(\d+) tests$/m.exec(r.stdout) ?? [];
    expect(Number(passed)).toBeGreaterThan(0);
    expect(Number(passed)).toBeLessThan(Number(total));
    expect(r.stdout).toContain("First failing test: chapter 2 (First bytes), tests/02-first-bytes.test.ts");
    expect(r.stdout).toMatch(/NotImplemented: \w+ \(02-first-bytes\/programs\.ts, chapter 2\) is not written yet/);
    expect(r.stdout).toMatch(/\w+ is not written yet: it is in .*my-jit\/02-first-bytes\/programs\.ts, where it throws NotImplemented\./);
    expect(r.stdout).toContain("Hint: mov eax, imm32 is B8 followed by the 32-bit value"); // the hint for the test that failed
    expect(r.stdout).toContain("Last run "); // the first test's run, remembered
  });

  test("without a workspace it verifies the book's own code", async () => {
    const r = await verify("--only", "1", "--reference");
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    expect(r.stdout).toMatch(/^✓ 01 Pages +\d+\/\d+ tests$/m);
    expect(r.stdout).not.toContain("yours");
  });
});

describe("verify --doctor", () => {
  test("checks Bun, the host, native code, and lists the optional pieces with how to get each", async () => {
    const r = await verify("--doctor");
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    expect(r.stdout).toMatch(/^[✓!] Bun +\d+\.\d+\.\d+/m);
    expect(r.stdout).toMatch(/^[✓!] Host +\w+\/\w+/m);
    expect(r.stdout).toMatch(/^[✓!] Native code /m);
    for (const piece of ["Programs", "GNU as", "Chromium", "gcc"]) expect(r.stdout).toMatch(new RegExp(`^[✓○] ${piece} `, "m"));
  });
});

describe("npm run workbook", () => {
  test("an unknown command is one line with the usage", async () => {
    const r = await runBun("shared/workbook/cli.ts", ["frobnicate"], { env });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      "WorkbookUsageError: unknown command 'frobnicate'. usage: npm run workbook -- start [DIR] | contract [N...] [--reference] [--parallel=K] | stubs N",
    );
  });
});

// Later chapters' stubs never break earlier chapters: a workspace of every chapter, the first ones
// written (the book's bodies), the rest still stubs, is green up to the last one written.
describe("a workspace of every chapter, written up to one", () => {
  const SCRATCH_ALL = join(ROOT, ".cache/workbook-tests/every-chapter");
  const ALL = join(SCRATCH_ALL, "my-jit");
  const envAll = { ...env, JIT_WORKBOOK_STATE: join(SCRATCH_ALL, "state") };
  const verifyAll = (...args: string[]): Promise<ChildResult> => runBun("shared/verify.ts", args, { env: envAll, timeoutMs: 300_000 });
  let stubs: StubFile[] = [];
  /** The reader writes chapters `from`..`to`: here, the book's own bodies. */
  const write = (from: number, to: number) => {
    for (const s of stubs.filter((s) => chapterOfModule(s.module) >= from && chapterOfModule(s.module) <= to)) copyFileSync(s.reference, join(ALL, s.module));
  };

  beforeAll(async () => {
    rmSync(SCRATCH_ALL, { recursive: true, force: true });
    stubs = await generateStubs(chaptersOnDisk());
    writeStubs(ALL, stubs);
    mkdirSync(envAll.JIT_WORKBOOK_STATE, { recursive: true });
  }, 300_000);
  afterAll(() => rmSync(SCRATCH_ALL, { recursive: true, force: true }));

  test("chapter 1 written, 2 to 13 stubs: verify 1 is green", async () => {
    write(1, 1);
    const r = await verifyAll("1", "--impl", ALL);
    expect(verifyExit(r)).toEqual({ exitCode: 0 });
    expect(r.stdout).toMatch(/^✓ 01 Pages +yours/m);
  }, 300_000);

  test("chapters 1 to 7 written, 8 to 13 stubs: verify --only 7 is green", async () => {
    write(1, 7);
    const r = await verifyAll("--only", "7", "--impl", ALL);
    expect(verifyExit(r)).toEqual({ exitCode: 0 });
    expect(r.stdout).toMatch(/^✓ 07 A template JIT +yours/m);
  }, 300_000);
});

/** 7 for "07-template-jit/runtime.ts". */
function chapterOfModule(module: string): number {
  return Number(module.slice(0, 2));
}

/** verify's exit, and on a failure what it printed (its report is on stdout). */
function verifyExit(r: ChildResult): { exitCode: number | null; stdout?: string } {
  return r.exitCode === 0 ? { exitCode: 0 } : { exitCode: r.exitCode, stdout: r.stdout + r.stderr };
}
