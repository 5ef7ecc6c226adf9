// A command's start-up, from bytecode (chapter 10, "Starting from bytecode"). At every start Bun
// reads each module a command imports, turns its TypeScript into JavaScript and compiles that to
// JavaScriptCore's bytecode, before the first line runs. `bun build --bytecode` does it once: one
// CommonJS bundle of the modules, and the bytecode beside it, which Bun loads instead of parsing.
// A chapter's main.ts opts in by starting its command with startCommand("chapters/NN-name/X.ts").
//
// A bundle is used only while it is fresh: built by this Bun, from files that are all unchanged
// since (same size and modification time: what make compares), and with no loader hook installed
// (the workbook's, coverage's: they must see each module load). Otherwise the command loads from
// source, as it would without a bundle: a stale bundle costs start-up time, never a wrong answer.
// Nothing builds a bundle while a command runs; `npm ci` (package.json's prepare), the bench and
// the site's figures do, with `bun shared/start-up.ts`.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadHooks } from "./load-hooks.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Where bundles are kept, one folder per entry. */
export const BUNDLE_DIR = join(ROOT, ".cache/start-up");

/** The commands that start from a bundle: those a chapter's main.ts starts with startCommand. */
export function bundledCommands(root = ROOT): string[] {
  const chapters = join(root, "chapters");
  return readdirSync(chapters)
    .sort()
    .flatMap((slug) => {
      const main = join(chapters, slug, "main.ts");
      return existsSync(main) ? [...readFileSync(main, "utf8").matchAll(/\bstartCommand\("([^"]+)"\)/g)].map((m) => m[1]!) : [];
    });
}

interface Manifest {
  /** The Bun that built it: bytecode is for one version of the engine. */
  readonly bun: string;
  /** Each file the bundle was built from: path from the repository's root, size, modification time. */
  readonly inputs: readonly (readonly [string, number, number])[];
}

const folderOf = (entry: string, dir: string) => join(dir, entry.replace(/\.ts$/, "").replaceAll("/", "-"));
const bundleOf = (entry: string, dir: string) => join(folderOf(entry, dir), basename(entry).replace(/\.ts$/, ".js"));
const engine = () => `${Bun.version} ${Bun.revision}`;

// #region fresh
/** The bundle of `entry` (a path from the repository's root), or null when it is missing or stale. */
export function freshBundle(entry: string, dir = BUNDLE_DIR): string | null {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(join(folderOf(entry, dir), "manifest.json"), "utf8")) as Manifest;
  } catch {
    return null; // never built
  }
  if (typeof Bun === "undefined" || manifest.bun !== engine()) return null; // under Node, the source says why not
  for (const [path, size, mtimeMs] of manifest.inputs) {
    const s = statSync(join(ROOT, path), { throwIfNoEntry: false });
    if (s === undefined || s.size !== size || s.mtimeMs !== mtimeMs) return null;
  }
  return bundleOf(entry, dir);
}

/** What starts the command `entry`: its bundle when that is fresh and nothing hooks module loading, else its source. */
export function startingPoint(entry: string, dir = BUNDLE_DIR): string {
  return (loadHooks().length === 0 ? freshBundle(entry, dir) : null) ?? join(ROOT, entry);
}

/** Run the command `entry` (a path from the repository's root), from where startingPoint says. */
export async function startCommand(entry: string): Promise<void> {
  await import(startingPoint(entry));
}
// #endregion fresh

// #region build
/** Bundle `entry` with its bytecode into `dir`, and note what it was built from. */
export async function buildBundle(entry: string, dir = BUNDLE_DIR): Promise<string> {
  const building = `${folderOf(entry, dir)}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const result = await Bun.build({
    entrypoints: [join(ROOT, entry)],
    target: "bun",
    format: "cjs", // Bun keeps bytecode for a CommonJS bundle (an ES module's only inside an executable)
    bytecode: true,
    sourcemap: "linked", // an error's stack names the source files, not the bundle's lines
    outdir: building,
    metafile: true, // what the bundle was built from, for freshBundle
    allowUnresolved: [], // an import whose path is computed at run time: no bundle could say what it loads
    throw: false,
  });
  if (!result.success || result.metafile === undefined) {
    rmSync(building, { recursive: true, force: true });
    throw new StartUpError(`bun build could not bundle ${entry} (a bundled command must import every module by a literal path): ${result.logs.map(String).join("\n")}`);
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !/^(bun|node):/.test(p))
    .map((p) => {
      const path = relative(ROOT, resolve(p));
      const s = statSync(join(ROOT, path));
      return [path, s.size, s.mtimeMs] as const;
    });
  const manifest: Manifest = { bun: engine(), inputs };
  writeFileSync(join(building, "manifest.json"), JSON.stringify(manifest));
  const final = folderOf(entry, dir);
  rmSync(final, { recursive: true, force: true });
  try {
    renameSync(building, final); // whole or absent: a command starting meanwhile loads from source
  } catch (e) {
    rmSync(building, { recursive: true, force: true }); // another process put its own there first
    if (freshBundle(entry, dir) === null) throw e;
  }
  return bundleOf(entry, dir);
}

/** Build the bundles that are missing or stale; the entries rebuilt. */
export async function refreshBundles(dir = BUNDLE_DIR): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const stale = bundledCommands().filter((e) => freshBundle(e, dir) === null);
  for (const entry of stale) await buildBundle(entry, dir);
  return stale;
}
// #endregion build

export class StartUpError extends Error {
  override name = "StartUpError";
}

if (import.meta.main) {
  // Run by `npm ci` (package.json's prepare): a bundle is only a faster start, so a failure is a note.
  try {
    const built = await refreshBundles();
    console.log(built.length === 0 ? "start-up bundles: fresh" : `start-up bundles: built ${built.join(", ")} (${relative(ROOT, BUNDLE_DIR)})`);
  } catch (e) {
    console.log(`start-up bundles: none (${e instanceof Error ? e.message : String(e)}); the commands load from source`);
  }
}
