// Stubs for whole chapters: each module of the chapter, planned (plan.ts) and rendered (render.ts).
import { dirname, join, relative } from "node:path";
import { moduleName, ROOT, type ChapterOnDisk } from "./layout.ts";
import { lessonsOf, LessonsError, type Lesson } from "./lessons.ts";
import { planChapter, type FilePlan } from "./plan.ts";
import { renderStub } from "./render.ts";
import { openTypeScript, type TypeScript } from "./typescript.ts";

export interface StubFile {
  /** The reference module it stands for, absolute. */
  readonly reference: string;
  /** "04-encoder/fields.ts": where it goes in a workspace. */
  readonly module: string;
  readonly text: string;
  /** What the reader writes in it, and what stays given: "Assembler.add", ... */
  readonly stubbed: readonly string[];
  readonly given: readonly string[];
}

/** The stubs of `chapters`, with one TypeScript session (or the one given). */
export async function generateStubs(chapters: readonly ChapterOnDisk[], session?: TypeScript): Promise<StubFile[]> {
  const ts = session ?? (await openTypeScript(ROOT));
  try {
    const out: StubFile[] = [];
    for (const c of chapters) {
      const plans = await planChapter(ts, c.modules);
      const lessons = lessonsOf(ROOT, c.slug);
      if (lessons !== null) keepLessons(plans, lessons, c.slug);
      for (const plan of plans) {
        const module = moduleName(plan.path);
        const text = renderStub(plan, { module, chapter: c.n, notImplementedImport: importPath(plan.path) });
        const stubbed = plan.sites.filter((s) => s.given === null).map((s) => s.label);
        const given = plan.sites.filter((s) => s.given !== null).map((s) => s.label);
        out.push({ reference: plan.path, module, text, stubbed, given });
      }
    }
    return out;
  } finally {
    if (!session) await ts.close();
  }
}

/**
 * Only the chapter's lessons stay the reader's: every other function is given. A lesson that names no
 * function the reader could write (a typo, a function since renamed, or one the stubs must keep) is an
 * error, so the README's list cannot drift from the code.
 */
export function keepLessons(plans: readonly FilePlan[], lessons: readonly Lesson[], slug: string): void {
  for (const l of lessons) {
    const plan = plans.find((p) => p.path.endsWith(`/${slug}/${l.file}`));
    const site = plan?.sites.find((s) => s.label === l.label);
    if (!site || site.given !== null) {
      const why = !plan ? `there is no ${l.file}` : !site ? `${l.file} has no function ${l.label}` : `${l.label} must stay given (${site.given})`;
      throw new LessonsError(`chapters/${slug}/README.md line ${l.line}: ${why}`);
    }
  }
  for (const plan of plans) {
    for (const site of plan.sites) {
      if (site.given === null && !lessons.some((l) => plan.path.endsWith(`/${slug}/${l.file}`) && l.label === site.label)) site.given = "not-a-lesson";
    }
  }
}

/** The import specifier of not-implemented.ts from a chapter file (relative paths mean the same in a workspace). */
function importPath(from: string): string {
  const rel = relative(dirname(from), join(ROOT, "shared/workbook/not-implemented.ts"));
  return rel.startsWith(".") ? rel : "./" + rel;
}
