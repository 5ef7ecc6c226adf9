// What a chapter asks the reader to write: its lessons, listed in its README in the order the prose
// builds them, in a fence of their own:
//
//   ```workbook
//   checks.ts  checkSize       #refusing-bad-sizes-before-libc-sees-them
//   pages.ts   mapPages        #the-right-way-mmap
//   ```
//
// Each line is a module of the chapter, a function as NotImplemented names it ("checkSize",
// "CodeBuffer.seal", "new LibcError"), and the heading of the section that explains it. The workbook
// stubs exactly these (the rest of the chapter is given, working), the site draws the list as the
// chapter's "Your turn" box, and a test checks that every entry names a real function and heading.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface Lesson {
  /** The module, relative to its chapter's folder: "checks.ts". */
  readonly file: string;
  /** The function as NotImplemented names it. */
  readonly label: string;
  /** The id of the heading that explains it, without "#". */
  readonly anchor: string;
  /** README line of the entry, for error messages. */
  readonly line: number;
}

export class LessonsError extends Error {
  override name = "LessonsError";
}

/** The lessons of a README's workbook fence, or null when it has none (then every function is a lesson). */
export function parseLessons(markdown: string, readme = "README.md"): Lesson[] | null {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.trim() === "```workbook");
  if (start === -1) return null;
  const lessons: Lesson[] = [];
  for (let i = start + 1; i < lines.length && lines[i]!.trim() !== "```"; i++) {
    const text = lines[i]!.trim();
    if (text === "") continue;
    const m = /^(\S+\.ts)\s+(\S+(?: \S+)?)\s+#(\S+)$/.exec(text);
    if (!m) throw new LessonsError(`${readme} line ${i + 1}: a workbook line is "file.ts  function  #section", not '${text}'`);
    lessons.push({ file: m[1]!, label: m[2]!, anchor: m[3]!, line: i + 1 });
  }
  return lessons;
}

/** The lessons of chapter `slug` in the book (or a workspace) at `root`. */
export function lessonsOf(root: string, slug: string): Lesson[] | null {
  const readme = join(root, "chapters", slug, "README.md");
  return existsSync(readme) ? parseLessons(readFileSync(readme, "utf8"), `chapters/${slug}/README.md`) : null;
}
