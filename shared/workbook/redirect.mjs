// Where a module comes from when a workbook is active: a chapter that the reader's workspace holds is
// loaded from the workspace, every other chapter from chapters/. Plain JavaScript, because both the
// Bun preload (preload.ts) and the Node hooks (node-hooks.mjs, for tsx) use it.
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Chapter folders look like "04-encoder". */
const CHAPTER = /^\d\d-[^/\\]+$/;

export function workspaceOf(root, dir) {
  const workspace = resolve(root, dir);
  const present = new Map();
  return {
    root,
    workspace,
    hasChapter(slug) {
      if (!present.has(slug)) present.set(slug, CHAPTER.test(slug) && existsSync(join(workspace, slug)));
      return present.get(slug);
    },
  };
}

const inside = (dir, path) => path === dir || path.startsWith(dir + sep);

/** A path in the workspace as the reference file it stands for: my-jit/01-pages/x.ts -> chapters/01-pages/x.ts. */
export function toReference(ws, path) {
  return inside(ws.workspace, path) ? join(ws.root, "chapters", relative(ws.workspace, path)) : path;
}

/** A reference path as the file to load: the workspace's copy when the workspace holds that chapter. */
export function toWorkspace(ws, path) {
  const chapters = join(ws.root, "chapters");
  if (!inside(chapters, path) || path === chapters) return path;
  const rel = relative(chapters, path);
  const slug = rel.split(sep)[0];
  return ws.hasChapter(slug) ? join(ws.workspace, rel) : path;
}

/**
 * The file an import should load, or null to let the runtime resolve it as usual. Relative imports
 * are resolved as if the importing file were in chapters/, so a workspace file's `../../shared/x.ts`
 * means what it means in the reference wherever the workspace is.
 */
export function redirect(ws, specifier, importer, cwd = process.cwd()) {
  let spec = specifier;
  if (spec.startsWith("file:")) spec = fileURLToPath(spec);
  if (!(spec.startsWith("./") || spec.startsWith("../") || isAbsolute(spec))) return null;
  // An entry point's importer is not a file ("bun:main" when bun starts a script): resolve from cwd.
  const base = importer && isAbsolute(importer) ? dirname(importer) : cwd;
  const target = toWorkspace(ws, toReference(ws, resolve(toReference(ws, base), spec)));
  return target === resolve(base, spec) ? null : target;
}
