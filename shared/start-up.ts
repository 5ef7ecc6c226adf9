// A command's start-up, from bytecode (chapter 10, "Starting from bytecode"). At every start Bun
// reads each module a command imports, turns its TypeScript into JavaScript and parses that, and
// JavaScriptCore compiles it to bytecode, each function when it is first called. `bun build
// --bytecode` does that once: one CommonJS bundle of the modules, and the bytecode beside it, which
// Bun loads instead of the sources. A chapter's main.ts opts in by starting its command with
// startCommand("chapters/NN-name/X.ts").
//
// A bundle is used only while it is fresh: built by this Bun with these settings, from files that
// are all unchanged since (same size and modification time), and with no loader hook installed (the
// workbook's, coverage's: they must see each module load). Otherwise the command loads from source,
// as it would without a bundle. Nothing builds a bundle while a command runs; `npm ci` (package.json's
// prepare), the bench and the site's figures do, with `bun shared/start-up.ts`.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { loadHooks } from "./load-hooks.ts";

// The URL's path, not node:url's fileURLToPath: loading node:url would add a millisecond to every start.
const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);

/** Where bundles are kept, one folder per entry. */
export const BUNDLE_DIR = join(ROOT, ".cache/start-up");

/** Files that are not in a bundle but decide what it is: the build's settings, the compiler's, the package's. */
const SETTINGS = ["shared/start-up.ts", "tsconfig.json", "package.json", "bunfig.toml"];

/** The folders whose files a command may import. */
const SOURCES = ["chapters", "shared"];

/**
 * A file changed this recently may change again within the same tick of the file system's clock
 * and keep its modification time (git's index calls such entries racy): a build waits this long
 * past its newest input before it trusts what it read.
 */
const RACY_MS = 100;

const FORMAT = 1;

export interface Manifest {
  readonly format: typeof FORMAT;
  readonly entry: string;
  /** The Bun that built it: bytecode is for one version of the engine. */
  readonly bun: string;
  /** The folder, beside the manifest, that holds this build. */
  readonly build: string;
  /** Each module in the bundle: path from the repository's root, size, modification time. */
  readonly modules: readonly FileStamp[];
  /** The same for each of SETTINGS. */
  readonly settings: readonly FileStamp[];
}

type FileStamp = readonly [path: string, size: number, mtimeMs: number];

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

const folderOf = (entry: string, dir: string) => join(dir, encodeURIComponent(entry));
const engine = () => `${Bun.version} ${Bun.revision}`;
const outputName = (entry: string) => basename(entry).replace(/\.ts$/, ".js");

/** The manifest of `entry`'s bundle in `dir`, if there is one, whole and of this format. */
export function bundleManifest(entry: string, dir = BUNDLE_DIR): Manifest | null {
  let m: Partial<Manifest>;
  try {
    m = JSON.parse(readFileSync(join(folderOf(entry, dir), "manifest.json"), "utf8")) as Partial<Manifest>;
  } catch {
    return null; // never built, or not whole
  }
  const stamps = (list: unknown) => Array.isArray(list) && list.every((i) => Array.isArray(i) && typeof i[0] === "string" && typeof i[1] === "number" && typeof i[2] === "number");
  const wellFormed =
    m.format === FORMAT && m.entry === entry && typeof m.bun === "string" && typeof m.build === "string" && /^[\w.-]+$/.test(m.build) && stamps(m.modules) && stamps(m.settings);
  return wellFormed ? (m as Manifest) : null;
}

// #region fresh
/** The bundle of `entry` (a path from the repository's root), or null when it is missing or stale. */
export function freshBundle(entry: string, dir = BUNDLE_DIR): string | null {
  const manifest = bundleManifest(entry, dir);
  if (manifest === null || typeof Bun === "undefined" || manifest.bun !== engine()) return null;
  for (const [path, size, mtimeMs] of [...manifest.modules, ...manifest.settings]) {
    const s = statSync(join(ROOT, path), { throwIfNoEntry: false });
    if (s === undefined || s.size !== size || s.mtimeMs !== mtimeMs) return null;
  }
  return join(folderOf(entry, dir), manifest.build, outputName(entry));
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
/**
 * Bundle `entry` with its bytecode into `dir`, and publish it with a manifest of what it was built
 * from, checked against what the bundler read. Returns the bundle's path.
 */
export async function buildBundle(entry: string, dir = BUNDLE_DIR): Promise<string> {
  const links = symbolicLinks();
  if (links.length > 0) throw new StartUpError(`not bundled: ${links.join(", ")} ${links.length === 1 ? "is a symbolic link" : "are symbolic links"}, and a link can point elsewhere without a change a bundle could see`);
  const folder = folderOf(entry, dir);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (e) {
    throw new StartUpError(`not bundled: cannot make ${folder} (${(e as Error).message})`);
  }
  const build = `b-${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const read = new Map<string, string>(); // what the bundler read, by path
  const result = await Bun.build({
    entrypoints: [join(ROOT, entry)],
    target: "bun",
    format: "cjs", // Bun keeps bytecode for a CommonJS bundle (an ES module's only inside an executable)
    bytecode: true,
    banner: '"use strict";', // as the modules are: a CommonJS file is sloppy unless it says so
    sourcemap: "linked", // an error's stack names the source files, not the bundle's lines
    outdir: join(folder, build),
    allowUnresolved: [], // an import whose path is computed at run time: no bundle could say what it loads
    plugins: [
      {
        name: "inputs",
        setup(b) {
          b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async ({ path }) => {
            const text = await Bun.file(path).text();
            read.set(path, text);
            return { contents: text, loader: path.endsWith("ts") ? "ts" : "js" };
          });
        },
      },
    ],
    throw: false,
  });
  try {
    if (!result.success) {
      throw new StartUpError(`bun build could not bundle ${entry} (a bundled command must import every module by a literal path): ${result.logs.map(String).join("\n")}`);
    }
    const paths = [...read.keys()].map((p) => relative(ROOT, p));
    const outside = paths.filter((p) => !SOURCES.some((s) => p.startsWith(`${s}/`)));
    if (outside.length > 0) throw new StartUpError(`not bundled: ${entry} imports ${outside.join(", ")}, outside ${SOURCES.join("/ and ")}/`);
    const stamps = await settled([...paths, ...SETTINGS], read);
    const manifest: Manifest = { format: FORMAT, entry, bun: engine(), build, modules: stamps.slice(0, paths.length), settings: stamps.slice(paths.length) };
    const temporary = join(folder, `manifest.json.${build}`);
    writeFileSync(temporary, JSON.stringify(manifest));
    renameSync(temporary, join(folder, "manifest.json")); // whole or absent; the build it named stays
    removeOldBuilds(folder, build);
    return join(folder, build, outputName(entry));
  } catch (e) {
    rmSync(join(folder, build), { recursive: true, force: true });
    throw e;
  }
}

/**
 * Each file's size and modification time, once it has stopped changing: none changed since the
 * bundler read it, and none changed so recently that another change could keep its time (RACY_MS).
 */
async function settled(paths: readonly string[], read: ReadonlyMap<string, string>): Promise<FileStamp[]> {
  for (;;) {
    const stats = paths.map((p) => {
      const s = statSync(join(ROOT, p), { throwIfNoEntry: false });
      if (s === undefined) throw new StartUpError(`not bundled: ${p} was removed while the bundle was being built`);
      return [p, s.size, s.mtimeMs] as const;
    });
    for (const [p] of stats) {
      const text = read.get(join(ROOT, p));
      if (text !== undefined && readFileSync(join(ROOT, p), "utf8") !== text) throw new StartUpError(`not bundled: ${p} changed while the bundle was being built; build it again`);
    }
    const newest = Math.max(...stats.map(([, , t]) => t));
    const wait = newest + RACY_MS - Date.now();
    if (wait <= 0) return stats;
    await Bun.sleep(wait); // then look again: a change meanwhile shows in the stats or the text
  }
}

/** A build stays a minute after another replaces it, for a command that read the manifest just before. */
function removeOldBuilds(folder: string, keep: string): void {
  for (const name of readdirSync(folder)) {
    if (name === keep || !(name.startsWith("b-") || name.startsWith("manifest.json.b-"))) continue;
    const path = join(folder, name);
    if (Date.now() - lstatSync(path).mtimeMs > 60_000) rmSync(path, { recursive: true, force: true });
  }
}

function symbolicLinks(): string[] {
  return SOURCES.flatMap((s) =>
    readdirSync(join(ROOT, s), { recursive: true, withFileTypes: true })
      .filter((d) => d.isSymbolicLink())
      .map((d) => relative(ROOT, join(d.parentPath, d.name))),
  );
}

/** Build the bundles that are missing or stale; the entries rebuilt. */
export async function refreshBundles(dir = BUNDLE_DIR): Promise<string[]> {
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
