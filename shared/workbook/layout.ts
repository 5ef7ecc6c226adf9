// The chapters as the file system has them: chapters/NN-name/ with its modules, tests/NN-name*.test.ts
// with its tests. Discovered, not listed, so a chapter takes part in the workbook as soon as it exists.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { CHAPTERS, chapterOfTestFile, type ChapterInfo } from "../chapters.ts";

export const ROOT = resolve(import.meta.dir, "../..");

export interface ChapterOnDisk {
  readonly n: number;
  /** "04-encoder": the folder under chapters/, and under a workspace. */
  readonly slug: string;
  /** The book's entry for it (title, hint), when shared/chapters.ts has one. */
  readonly info: ChapterInfo | null;
  /** Absolute paths of its TypeScript modules, subfolders included, sorted. */
  readonly modules: readonly string[];
  /** Its test files as bun test takes them: "./tests/04-encoder.test.ts". */
  readonly tests: readonly string[];
}

/** Every chapter folder that holds TypeScript, in order. */
export function chaptersOnDisk(root = ROOT): ChapterOnDisk[] {
  const dir = join(root, "chapters");
  return readdirSync(dir)
    .filter((slug) => /^\d\d-/.test(slug) && statSync(join(dir, slug)).isDirectory())
    .sort()
    .map((slug) => {
      const n = Number(slug.slice(0, 2));
      return { n, slug, info: CHAPTERS.find((c) => c.n === n) ?? null, modules: tsFiles(join(dir, slug)), tests: testFilesOf(n, root) };
    })
    .filter((c) => c.modules.length > 0);
}

export function chapterOnDisk(n: number, root = ROOT): ChapterOnDisk {
  const c = chaptersOnDisk(root).find((x) => x.n === n);
  if (!c) throw new RangeError(`chapter ${n} has no folder under chapters/ yet: the chapters written so far are ${chaptersOnDisk(root).map((x) => x.n).join(", ")}`);
  return c;
}

/** The chapter's test files, "./tests/NN-name*.test.ts": the main one first, then the others by name. */
export function testFilesOf(n: number, root = ROOT): string[] {
  const stem = (f: string) => f.slice(0, -".test.ts".length);
  return readdirSync(join(root, "tests"))
    .filter((f) => chapterOfTestFile(f) === n)
    .sort((a, b) => (stem(a) < stem(b) ? -1 : stem(a) > stem(b) ? 1 : 0))
    .map((f) => "./tests/" + f);
}

/** tests/NN-name-given.test.ts: tests of what the workbook gives (tables, constants, the demo's script). */
export function isGivenTestFile(file: string): boolean {
  return file.endsWith("-given.test.ts");
}

export function titleOf(c: ChapterOnDisk): string {
  return c.info?.title ?? c.slug.slice(3).replace(/-/g, " ");
}

/** A module's name inside the chapters tree: "04-encoder/fields.ts". */
export function moduleName(path: string, root = ROOT): string {
  return relative(join(root, "chapters"), path);
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => join(dir, f))
    .sort();
}
