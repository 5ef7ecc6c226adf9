// What a new reader of chapters 1 to 3 runs into, kept from coming back: a test that checks a message
// names it in the doc comment the stub carries; verify reports a crash of bun test itself; the hint
// fits the test, not the describe block around it; a page mapped without PROT_WRITE is not "sealed";
// one chapter whose "Your turn" list has drifted does not stop `start` for the others.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { diagnose } from "../shared/child.ts";
import { CHAPTERS, hintForTest } from "../shared/chapters.ts";
import type { TraceEvent } from "../shared/trace.ts";
import { failedTests, rerunCommand, runnerCrash } from "../shared/workbook/failure.ts";
import { chapterOnDisk, ROOT, type ChapterOnDisk } from "../shared/workbook/layout.ts";
import { formatStart, start } from "../shared/workbook/start.ts";

const source = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The doc comment right above `export function name` / `name(` in a module. */
function docOf(path: string, name: string): string {
  const text = source(path);
  const at = text.search(new RegExp(`\\n\\s*(?:export )?(?:static )?(?:function )?${name}\\b[^\\n]*\\{\\n`));
  expect(at).toBeGreaterThan(0);
  const start = text.lastIndexOf("/**", at);
  return text.slice(start, at);
}

describe("doc comments state what the tests check", () => {
  test("checkSize quotes each message tests/01-pages.test.ts looks for", () => {
    const doc = docOf("chapters/01-pages/checks.ts", "checkSize");
    for (const words of ["finite number of bytes, got NaN", "whole number of bytes, got 1.5", "must be at least 1 byte", "(1 EiB) is more than the 128 TiB"]) {
      expect(doc).toContain(words);
    }
  });

  test.each([
    ["mapPages", '{ ev: "map"', '"anonymous"'],
    ["unmapPages", '{ ev: "unmap"', "addr, size"],
    ["protect", '{ ev: "protect"', "protString(prot)"],
  ])("%s names its trace event", (fn, event, detail) => {
    const doc = docOf("chapters/01-pages/pages.ts", fn);
    expect(doc).toContain(event);
    expect(doc).toContain(detail);
  });

  test("CodeBuffer's guard lists the verbs the misuse tests match", () => {
    const doc = docOf("chapters/03-w-xor-x/code-buffer.ts", "#expect");
    const tested = [...source("tests/03-w-xor-x.test.ts").matchAll(/\/cannot (\w+)\\b\//g)].map((m) => m[1]!);
    expect(tested.length).toBeGreaterThan(0);
    for (const verb of new Set(tested)) expect(doc).toMatch(new RegExp(`"${verb}\\b`));
  });

  test("chapter 2's calls say their declared signature", () => {
    for (const fn of ["return42", "addFour", "add"]) expect(docOf("chapters/02-first-bytes/calls.ts", fn)).toMatch(/returns: "i32"/);
  });
});

describe("a crash of bun test itself", () => {
  const output = [
    "tests/02-first-bytes.test.ts:",
    "(pass) hand-written bytes > returnConstant(42) [0.20ms]",
    "(fail) calling the bytes (in a child process) > return42([]) = 42 [300.00ms]",
    "(pass) no code runs in this process for these > withRwxPage refuses empty code before mapping anything [0.80ms]",
    "============================================================",
    "Bun v1.4.5 (a7733435c) Linux x64",
    "panic(main thread): Segmentation fault at address 0x7FBCA5623000",
    "oh no: Bun has crashed. This indicates a bug in Bun, not your code.",
  ].join("\n");

  test("is the first failure, naming the test before it, the file and the fault", () => {
    const [first, ...rest] = failedTests(output);
    expect(first!.name).toBe('(the test process crashed in the test after "no code runs in this process for these > withRwxPage refuses empty code before mapping anything")');
    expect(first!.file).toBe("tests/02-first-bytes.test.ts");
    expect(first!.report).toContain("Segmentation fault at address 0x7FBCA5623000");
    expect(first!.report).toContain("here it is not");
    expect(rest.map((f) => f.name)).toEqual(["calling the bytes (in a child process) > return42([]) = 42"]);
  });

  test("a report without Bun's panic banner has none", () => {
    expect(runnerCrash("(fail) x > y\n1 tests failed:", "tests/a.test.ts", "x > y")).toBeNull();
  });

  test("the command to rerun a file runs it against the workspace, not the book", () => {
    expect(rerunCommand("tests/02-first-bytes.test.ts", "my-jit")).toBe("JIT_WORKBOOK=my-jit npx bun test tests/02-first-bytes.test.ts");
    expect(rerunCommand("tests/02-first-bytes.test.ts", null)).toBe("npx bun test tests/02-first-bytes.test.ts");
  });
});

describe("chapter 1's hints follow the test's own words", () => {
  const ch1 = CHAPTERS.find((c) => c.n === 1)!;
  const pages = "pages (mmap, mprotect, munmap in this process: no code runs)";
  test.each([
    [`${pages} > a mapping the kernel refuses: LibcError ENOMEM, not an address`, "MAP_FAILED"],
    [`${pages} > mapPages(4097 bytes) maps 2 whole page(s), page-aligned`, "MAP_FAILED"],
    [`${pages} > mprotect on pages that were unmapped: LibcError ENOMEM with a hint`, "mprotect wants"],
    [`${pages} > the page size is sysconf's, a power of two`, "_SC_PAGESIZE"],
    ["argument checks (before any libc call) > under Node, bad sizes are still ArgumentErrors: no libc call was attempted", "maps (findMapping"],
    ["in a child process > freeAligned makes an RX block writable again before free() writes into it", "freeAligned makes"],
  ])("%s", (name, words) => {
    expect(hintForTest(ch1, name)).toContain(words);
  });
});

describe("the harness's diagnosis of a write to a page that is not writable", () => {
  const addr = 0x7f0000000000;
  const map = (prot: string): TraceEvent => ({ ev: "map", addr, size: 4096, prot, how: "anonymous" });
  const segv = (trace: TraceEvent[]) => diagnose({ signal: "SIGSEGV", timedOut: false, faultAddress: addr + 8, trace, exitCode: null }, 0);

  test("mapped without PROT_WRITE: says so, not 'sealed'", () => {
    const d = segv([map("r-x")]);
    expect(d).toContain("was mapped r-x, without PROT_WRITE");
    expect(d).not.toContain("sealed");
  });

  test("made read-only by mprotect: sealed", () => {
    expect(segv([map("rw-"), { ev: "protect", addr, size: 4096, prot: "r-x" }])).toContain("it was sealed read-only");
  });
});

describe("start, when one chapter's lesson list names a function its code lacks", () => {
  const SCRATCH = join(ROOT, ".cache/workbook-tests/reader");
  afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

  test("stubs the other chapters, lists that one as not stubbed with the reason", async () => {
    rmSync(SCRATCH, { recursive: true, force: true });
    const folder = join(SCRATCH, "chapters/98-broken");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "README.md"), "# Broken\n\n```workbook\nnone.ts  gone  #broken\n```\n");
    // lessonsOf reads chapters/<slug>/README.md under the book: a slug that climbs into the scratch folder.
    const broken: ChapterOnDisk = { n: 98, slug: "../.cache/workbook-tests/reader/chapters/98-broken", info: null, modules: [], tests: [] };
    const r = await start("mine", { root: SCRATCH, stateDir: join(SCRATCH, "state"), chapters: [chapterOnDisk(1), broken] });
    expect(r.chapters.map((c) => c.n)).toEqual([1]);
    expect(r.stubs.some((s) => s.module.startsWith("01-pages/"))).toBe(true);
    expect(r.skipped.map((s) => s.chapter.n)).toEqual([98]);
    expect(formatStart(r)).toMatch(/98 .* not stubbed, the book's code runs for it: .*README\.md line 4: there is no none\.ts/);
  });
});
