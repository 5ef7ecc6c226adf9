// npm run workbook -- start [DIR]: the reader's workspace, DIR (my-jit/ by default), with every chapter
// written so far as stubs. Run again, it adds what is new (a chapter, a module) and never touches a
// file that is already there: that file is the reader's work.
import { existsSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { generateStubs, type StubFile } from "./generate.ts";
import { LessonsError } from "./lessons.ts";
import { openTypeScript } from "./typescript.ts";
import { chaptersOnDisk, ROOT, titleOf, type ChapterOnDisk } from "./layout.ts";
import { DEFAULT_WORKSPACE, recordWorkspace, workspacePath, workspaceTsconfig, writeStubs } from "./workspace.ts";

export interface StartReport {
  readonly workspace: string;
  readonly chapters: readonly ChapterOnDisk[];
  readonly stubs: readonly StubFile[];
  readonly written: readonly StubFile[];
  /** Chapters whose "Your turn" list does not match their code: not stubbed, so the book's code runs for them. */
  readonly skipped: readonly { readonly chapter: ChapterOnDisk; readonly problem: string }[];
}

export interface StartOptions {
  /** The folder the workspace goes directly into: the repository (tests use a scratch folder). */
  readonly root?: string;
  /** Where the workspace is recorded for verify. */
  readonly stateDir?: string;
  /** The chapters to stub: all of them. */
  readonly chapters?: readonly ChapterOnDisk[];
}

export async function start(dir = DEFAULT_WORKSPACE, opts: StartOptions = {}): Promise<StartReport> {
  const root = opts.root ?? ROOT;
  const workspace = workspacePath(dir, root);
  const all = opts.chapters ?? chaptersOnDisk();
  // One chapter whose lesson list has drifted from its code must not cost the reader the others.
  const stubs: StubFile[] = [];
  const skipped: { chapter: ChapterOnDisk; problem: string }[] = [];
  const ts = await openTypeScript(ROOT);
  try {
    for (const c of all) {
      try {
        stubs.push(...(await generateStubs([c], ts)));
      } catch (e) {
        if (!(e instanceof LessonsError)) throw e;
        skipped.push({ chapter: c, problem: e.message });
      }
    }
  } finally {
    await ts.close();
  }
  const chapters = all.filter((c) => !skipped.some((s) => s.chapter === c));
  const written = writeStubs(workspace, stubs, true);
  const extras: [string, string][] = [["tsconfig.json", workspaceTsconfig()], ["README.md", workspaceReadme(relative(root, workspace))]];
  for (const [name, text] of extras) if (!existsSync(join(workspace, name))) writeFileSync(join(workspace, name), text);
  recordWorkspace(workspace, opts.stateDir, root);
  return { workspace, chapters, stubs, written, skipped };
}

export function formatStart(r: StartReport): string {
  const name = basename(r.workspace) + "/";
  const kept = r.stubs.length - r.written.length;
  const lines = [
    kept === 0
      ? `Created ${name}: your own copy of every chapter written so far, as stubs for you to fill in.`
      : `Updated ${name}: added ${r.written.length} new file(s); kept the ${kept} you already have (yours, untouched).`,
    "",
  ];
  const listed = [...r.chapters, ...r.skipped.map((s) => s.chapter)].sort((a, b) => a.n - b.n);
  for (const c of listed) {
    const problem = r.skipped.find((s) => s.chapter === c)?.problem;
    if (problem !== undefined) {
      lines.push(`  ${`${String(c.n).padStart(2, "0")} ${titleOf(c)}`.padEnd(36)} not stubbed, the book's code runs for it: ${problem}`);
      continue;
    }
    const stubs = r.stubs.filter((s) => s.module.startsWith(c.slug + "/"));
    const todo = stubs.reduce((n, s) => n + s.stubbed.length, 0);
    const given = stubs.reduce((n, s) => n + s.given.length, 0);
    const label = `${String(c.n).padStart(2, "0")} ${titleOf(c)}`;
    lines.push(`  ${label.padEnd(36)} ${String(stubs.length).padStart(2)} files  ${String(todo).padStart(3)} functions to write${given ? `, ${given} given` : ""}`);
  }
  const first = r.chapters[0];
  lines.push(
    "",
    `Every function you have to write throws NotImplemented until you do: its doc comment says what it`,
    `does, and the chapter explains how. Types, constants, tables and functions marked "Given" stay as they are.`,
    ...(first ? ["", `Start with ${name}${first.slug}/, then check it:`, `  npm run verify -- ${first.n}`] : []),
  );
  return lines.join("\n");
}

function workspaceReadme(name: string): string {
  return `# Your workspace

This folder is yours: one folder per chapter, the same modules as \`chapters/\`, with every function
body you have to write replaced by \`throw new NotImplemented(...)\`. Doc comments, types, constants
and tables are there; so are the few functions marked "Given" (they run while a module loads, or
their type comes from their body).

    npm run verify -- 3        # the tests of chapters 1 to 3, against ${name}/
    npm run verify -- 3 --watch   # again on every save
    npm run verify -- --doctor    # can this machine run the native chapters?

A chapter you delete from here is taken from the book instead, so you can start at any chapter.
\`npm run workbook -- start\` adds new chapters later and never overwrites your files.
`;
}
