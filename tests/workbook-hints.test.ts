// The hints `npm run verify` gives after a failing test: each is for the failure its tests detect, and
// the commands a hint gives work when pasted.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hasGnuAs } from "../chapters/02-first-bytes/gnu-as.ts";
import { CHAPTERS, chapter, hintForTest } from "../shared/chapters.ts";
import { runChild } from "../shared/child.ts";
import { isGivenTestFile, ROOT, testFilesOf } from "../shared/workbook/layout.ts";

describe("hints", () => {
  test("a fault at 0x2a in chapter 2 asks whether the code fell off the end without ret, and names the sections", () => {
    const report = "[verify] the child process (x) crashed: segmentation fault (SIGSEGV) at 0x2a: that address is near 0";
    const hint = hintForTest(chapter(2), "the programs > returnConstant(42)", report);
    expect(hint).toContain("did the code fall off the end without `ret`");
    expect(hint).toContain("#six-bytes-that-return-42");
    // Without the crash, the test's own hint; without either, the chapter's.
    expect(hintForTest(chapter(2), "returnConstant(42)", "Expected: 42")).toContain("mov eax, imm32 is B8");
    expect(hintForTest(chapter(2), "something else", null)).toBe(chapter(2).hint);
  });

  test.each(CHAPTERS.filter((c) => c.n >= 4).map((c) => [c.n, c] as const))("chapter %i: hints per test, each for a test the chapter has", (_n, c) => {
    const sources = testFilesOf(c.n)
      .filter((f) => !isGivenTestFile(f))
      .map((f) => readFileSync(join(ROOT, f), "utf8"))
      .join("\n");
    expect(c.testHints?.length ?? 0).toBeGreaterThan(2);
    for (const h of c.testHints ?? []) {
      if (h.test) expect([h.test.source, h.test.test(sources)]).toEqual([h.test.source, true]);
    }
  });

  test.skipIf(!hasGnuAs())("every GNU as command a hint gives assembles", async () => {
    const commands = new Set<string>();
    for (const c of CHAPTERS) {
      for (const h of [{ hint: c.hint }, ...(c.testHints ?? [])]) {
        for (const m of h.hint.matchAll(/printf '[^']*' \| as --64 -o \/tmp\/a\.o && objdump -d -M intel \/tmp\/a\.o/g)) commands.add(m[0]);
      }
    }
    expect(commands.size).toBeGreaterThan(3);
    for (const command of commands) {
      const r = await runChild(["bash", "-c", command.replaceAll("/tmp/a.o", "/tmp/jit-hint-check.o")]);
      expect([command, r.exitCode, r.stderr]).toEqual([command, 0, ""]);
    }
  });
});
