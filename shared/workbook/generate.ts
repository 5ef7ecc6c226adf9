// Stubs for whole chapters: each module of the chapter, planned (plan.ts) and rendered (render.ts).
import { dirname, join, relative } from "node:path";
import { moduleName, ROOT, type ChapterOnDisk } from "./layout.ts";
import { planChapter } from "./plan.ts";
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
      for (const plan of await planChapter(ts, c.modules)) {
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

/** The import specifier of not-implemented.ts from a chapter file (relative paths mean the same in a workspace). */
function importPath(from: string): string {
  const rel = relative(dirname(from), join(ROOT, "shared/workbook/not-implemented.ts"));
  return rel.startsWith(".") ? rel : "./" + rel;
}
