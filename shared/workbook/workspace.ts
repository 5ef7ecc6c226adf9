// The reader's workspace: a folder beside chapters/ (my-jit/ by default) with their own copy of each
// chapter, as stubs to fill in. Which folder it is, and how far the reader got, is kept in
// .cache/workbook/ (ignored by git), so that `npm run verify` finds it without being told.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import type { StubFile } from "./generate.ts";
import { ROOT } from "./layout.ts";

export const DEFAULT_WORKSPACE = "my-jit";
// JIT_WORKBOOK_STATE moves it, so that the workbook's own tests leave the reader's record alone.
export const STATE_DIR = process.env.JIT_WORKBOOK_STATE ?? join(ROOT, ".cache/workbook");

/** A workspace folder that cannot be used, with the reason and what to do instead. */
export class WorkspaceError extends Error {
  override name = "WorkspaceError";
}

// Folders of the repository itself: a workspace there would overwrite the book.
const TAKEN = new Set(["chapters", "tests", "shared", "site", "node_modules", "dist", "coverage", ".cache", ".git", ".ci", ".nyc_output"]);

/**
 * The absolute path of workspace `dir` (relative to the repository). It must be a folder directly
 * inside the repository, as chapters/ is: then every relative import a chapter makes
 * (`../../shared/main.ts`, `../01-pages/ffi.ts`) means the same from the workspace, for Bun, for
 * Node and for the reader's editor.
 */
export function workspacePath(dir: string, root = ROOT): string {
  const path = resolve(root, dir);
  if (dirname(path) !== root) {
    throw new WorkspaceError(
      `the workspace must be a folder directly inside the repository (like chapters/), so that the chapters' ` +
        `relative imports work from it: '${dir}' is ${relative(root, path) || "the repository itself"}. Try '${DEFAULT_WORKSPACE}'.`,
    );
  }
  if (TAKEN.has(basename(path))) {
    throw new WorkspaceError(`'${basename(path)}' is one of the book's own folders: pick another name for your workspace, such as '${DEFAULT_WORKSPACE}'.`);
  }
  return path;
}

/** Write stubs into a workspace; `keep` leaves files that already exist alone. Returns what was written. */
export function writeStubs(workspace: string, stubs: readonly StubFile[], keep = false): StubFile[] {
  const written: StubFile[] = [];
  for (const s of stubs) {
    const path = join(workspace, s.module);
    if (keep && existsSync(path)) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, s.text);
    written.push(s);
  }
  return written;
}

/**
 * The workspace's tsconfig.json: the book's settings, except that unfinished code may leave names
 * unused, and a derived class's stubbed constructor (one super(...) whose arguments throw) leaves its
 * fields unassigned as far as TypeScript can tell.
 */
export function workspaceTsconfig(): string {
  const config = {
    extends: "../tsconfig.json",
    compilerOptions: { noUnusedLocals: false, noUnusedParameters: false, strictPropertyInitialization: false },
    include: ["**/*.ts"],
    exclude: [],
  };
  return JSON.stringify(config, null, 2) + "\n";
}

interface State {
  readonly workspace?: string;
}

/** The workspace `start` recorded, as an absolute path, or null. */
export function recordedWorkspace(stateDir = STATE_DIR, root = ROOT): string | null {
  const { workspace } = readJson<State>(join(stateDir, "state.json"), {});
  return workspace && existsSync(join(root, workspace)) ? join(root, workspace) : null;
}

export function recordWorkspace(path: string, stateDir = STATE_DIR, root = ROOT): void {
  writeJson(join(stateDir, "state.json"), { workspace: relative(root, path) } satisfies State);
}

export function readJson<T>(path: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return fallback;
  }
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(value, null, 2) + "\n");
}
