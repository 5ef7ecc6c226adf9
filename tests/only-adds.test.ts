// "A chapter only adds": no chapter's code, comments included, nor its README names what a later chapter introduces
// (shared/introduces.ts lists the names; exported identifiers are collected from the chapters), and
// the book cut after any chapter still type-checks and passes its tests (shared/truncate.ts).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chapterFolders, INTRODUCES, introducedNames, tsFiles, violations } from "../shared/introduces.ts";
import { makeCopy, plan, repositoryFiles, runTests, truncateContents, typecheck } from "../shared/truncate.ts";

const ROOT = resolve(import.meta.dir, "..");

interface Entry {
  readonly file: string;
  readonly name: string;
}

// Where a later chapter's name is an earlier chapter's own word, for a reason the entry gives.
const ALLOWED: readonly (Entry & { readonly why: string })[] = [
  { file: "chapters/04-encoder/bench.ts", name: "WebAssembly", why: "iced-x86, the yardstick, is Rust compiled to WebAssembly: not chapter 13's backend" },
  { file: "chapters/04-encoder/README.md", name: "WebAssembly", why: "the same yardstick, in the prose" },
  { file: "chapters/09-optimizer/c-backend.ts", name: "CLOCK_MONOTONIC", why: "libc's clock, in the C the backend writes; chapter 12 exports the same libc constant" },
];

// Violations on main today. The list only shrinks: an entry that no longer occurs fails the test,
// so that it is deleted here with the change that fixed it.
const PENDING: readonly Entry[] = [];

const key = (e: Entry) => `${e.file}  ${e.name}`;

describe("each chapter only adds", () => {
  const found = violations(ROOT);

  test("no chapter's code or prose names what a later chapter introduces", () => {
    const excused = new Set([...ALLOWED, ...PENDING].map(key));
    const fresh = found
      .filter((v) => !excused.has(key(v)))
      .map((v) => `${v.file}:${v.line} names ${JSON.stringify(v.name)} (${v.kind}), which chapter ${v.chapter} introduces`);
    expect(fresh).toEqual([]);
  });

  test("the PENDING and ALLOWED lists only name violations that still occur", () => {
    const occurring = new Set(found.map(key));
    const gone = [...PENDING, ...ALLOWED].filter((e) => !occurring.has(key(e))).map((e) => `${key(e)}: fixed, delete its entry`);
    expect(gone).toEqual([]);
  });

  test("chapter 6's step limit is its own (maxSteps), not a later chapter's name", () => {
    const steps = introducedNames(ROOT).filter((n) => n.chapter > 6 && n.pattern.test("maxSteps"));
    expect(steps.map((n) => `chapter ${n.chapter}: ${n.name}`)).toEqual([]);
  });

  test("every name in the manifest occurs in its own chapter (no typo hides a violation)", () => {
    const folders = chapterFolders(ROOT);
    const names = introducedNames(ROOT).filter((n) => n.kind !== "export");
    const missing = names
      .filter((n) => {
        const dir = folders.get(n.chapter);
        if (dir === undefined) return true;
        const texts = [readFileSync(join(dir, "README.md"), "utf8"), ...tsFiles(dir).map((f) => readFileSync(f, "utf8"))];
        return !texts.some((t) => t.split("\n").some((l) => n.pattern.test(l)));
      })
      .map((n) => `chapter ${n.chapter}: ${n.name}`);
    expect(missing).toEqual([]);
    expect(Object.keys(INTRODUCES).every((n) => folders.has(Number(n)))).toBe(true);
  });
});

// Every prefix of the book stands on its own (npm run truncate -- N runs all of it; here, what fits in
// a minute: the type-check of four prefixes, and the last chapter's tests in the shortest).
//
// Shared files that need a later chapter on main today. The list only shrinks, as PENDING does: each
// must be a problem in some copy below, and the type-check tolerates errors in these files alone.
const PENDING_PROBLEMS: readonly { readonly file: string; readonly fix: string; readonly typeErrorsIn?: readonly string[] }[] = [];
const isPending = (path: string) => PENDING_PROBLEMS.some((p) => path === p.file);
const typeErrorPending = (path: string) => PENDING_PROBLEMS.some((p) => path === p.file || p.typeErrorsIn?.includes(path));

describe("the book up to chapter N, alone", () => {
  const copies = new Map<number, string>();
  const pendingSeen = new Set<string>();
  const copyOf = (last: number): string => {
    let dir = copies.get(last);
    if (dir === undefined) {
      dir = mkdtempSync(join(tmpdir(), `jit-upto-${last}-`));
      const p = plan(last, repositoryFiles(ROOT), (f) => readFileSync(join(ROOT, f), "utf8"));
      for (const problem of p.problems) if (isPending(problem.split(" ")[0]!)) pendingSeen.add(problem.split(" ")[0]!);
      expect(p.problems.filter((problem) => !isPending(problem.split(" ")[0]!))).toEqual([]);
      makeCopy(p, dir, ROOT);
      copies.set(last, dir);
    }
    return dir;
  };
  afterAll(() => {
    for (const dir of copies.values()) rmSync(dir, { recursive: true, force: true });
  });

  test("a copy leaves out later chapters, their tests, and the site and tools that need them", () => {
    const files = ["chapters/03-w-xor-x/a.ts", "chapters/04-encoder/b.ts", "tests/03-w-xor-x.test.ts", "tests/04-encoder.test.ts", "tests/fixtures/04-x.ts", "site/fig.ts", "site/page.ts", "shared/tool.ts", "shared/fuzz.ts"];
    const sources: Record<string, string> = {
      "site/fig.ts": `import { b } from "../chapters/04-encoder/b.ts";`,
      "site/page.ts": `import { fig } from "./fig.ts";`,
      "shared/tool.ts": `const m = await import("../chapters/04-encoder/b.ts");`,
      "tests/03-w-xor-x.test.ts": `import { fig } from "../site/fig.ts";`,
    };
    const p = plan(3, files, (f) => sources[f] ?? "");
    expect(p.keep).toEqual(["chapters/03-w-xor-x/a.ts", "tests/03-w-xor-x.test.ts", "shared/tool.ts"]);
    expect(p.dropped.get("site/page.ts")).toBe("imports site/fig.ts");
    expect(p.dropped.get("shared/fuzz.ts")).toBe("a tool of chapter 12");
    expect(p.problems).toEqual([
      "shared/tool.ts imports chapters/04-encoder/b.ts, which the copy leaves out (chapter 4's)",
      "tests/03-w-xor-x.test.ts imports site/fig.ts, which the copy leaves out (imports chapters/04-encoder/b.ts)",
    ]);
    expect(truncateContents("export const LAST_CHAPTER: number = 13;\n", 7)).toBe("export const LAST_CHAPTER: number = 7;\n");
  });

  for (const last of [3, 7, 9, 11]) {
    test(`up to chapter ${last}: it type-checks, and its table of contents ends there`, () => {
      const dir = copyOf(last);
      expect(readFileSync(join(dir, "shared/chapters.ts"), "utf8")).toContain(`export const LAST_CHAPTER: number = ${last};`);
      const r = typecheck(dir);
      if (r.ok) return;
      const errors = r.output.split("\n").filter((l) => /: error TS\d+/.test(l));
      // Errors only in PENDING_PROBLEMS files pass; a failure without an error line (tsc did not run) does not.
      expect(errors.length > 0 ? errors.filter((l) => !typeErrorPending(l.slice(0, l.indexOf("(")))) : [r.output]).toEqual([]);
    }, 180_000);
  }

  test("up to chapter 3: chapter 3's tests pass in the copy", () => {
    const r = runTests(copyOf(3), 3, 3);
    expect(r.ok ? "" : r.output.slice(-4000)).toBe("");
  }, 180_000);

  test("each PENDING_PROBLEMS file is still a problem in one of the copies", () => {
    for (const last of [3, 7, 9, 11]) copyOf(last);
    expect(PENDING_PROBLEMS.filter((p) => !pendingSeen.has(p.file)).map((p) => `${p.file}: fixed, delete its entry`)).toEqual([]);
  });
});
