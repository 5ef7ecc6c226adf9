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
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { loadHooks } from "./load-hooks.ts";

// The URL's path, not node:url's fileURLToPath: loading node:url adds about half a millisecond to every start.
const ROOT = decodeURIComponent(new URL("..", import.meta.url).pathname);

/** Where bundles are kept, one folder per entry. */
export const BUNDLE_DIR = join(ROOT, ".cache/start-up");

/** Files that are not in a bundle but decide what it is: the build's settings, the compiler's, the package's. */
const SETTINGS = ["shared/start-up.ts", "tsconfig.json", "package.json", "bunfig.toml"];

/** The folders whose files a command may import. */
const SOURCES = ["chapters", "shared"];

/** How long a build waits to look again at files changed as late as its manifest, and how often. */
const RACY_MS = 100;
const MAX_ROUNDS = 50;

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

export type FileStamp = readonly [path: string, size: number, mtimeMs: number];

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
  let m: unknown;
  try {
    m = JSON.parse(readFileSync(join(folderOf(entry, dir), "manifest.json"), "utf8"));
  } catch {
    return null; // never built, or not whole
  }
  if (typeof m !== "object" || m === null) return null;
  const f = m as Partial<Record<keyof Manifest, unknown>>;
  const stamps = (list: unknown) => Array.isArray(list) && list.every((i) => Array.isArray(i) && typeof i[0] === "string" && typeof i[1] === "number" && typeof i[2] === "number");
  const wellFormed = f.format === FORMAT && f.entry === entry && typeof f.bun === "string" && typeof f.build === "string" && /^b-[\w-]+$/.test(f.build) && stamps(f.modules) && stamps(f.settings);
  return wellFormed ? (m as Manifest) : null;
}

// #region fresh
/** The bundle of `entry` (a path from the repository's root), or null when it is missing or stale. */
export function freshBundle(entry: string, dir = BUNDLE_DIR): string | null {
  const manifest = bundleManifest(entry, dir);
  if (manifest === null || typeof Bun === "undefined" || manifest.bun !== engine()) return null;
  try {
    for (const [path, size, mtimeMs] of [...manifest.modules, ...manifest.settings]) {
      const s = statSync(join(ROOT, path), { throwIfNoEntry: false });
      if (s === undefined || s.size !== size || s.mtimeMs !== mtimeMs) return null;
    }
  } catch {
    return null; // a file that cannot be looked at is not known to be unchanged
  }
  const bundle = join(folderOf(entry, dir), manifest.build, outputName(entry));
  return existsSync(bundle) ? bundle : null;
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
  const links = symbolicLinks(ROOT);
  if (links.length > 0) {
    throw new StartUpError(`not bundled: ${links.join(", ")} ${links.length === 1 ? "is a symbolic link" : "are symbolic links"}, which can point elsewhere without a change a bundle could see; put a copy of the file there instead`);
  }
  const folder = folderOf(entry, dir);
  const build = `b-${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const read = new Map<string, string>(); // what the build read, by path: the settings now, the modules as the bundler loads them
  guard(`read the build's settings`, () => {
    mkdirSync(folder, { recursive: true });
    for (const p of SETTINGS) read.set(join(ROOT, p), readFileSync(join(ROOT, p), "utf8"));
  });
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
  const previous = bundleManifest(entry, dir)?.build ?? null;
  try {
    if (!result.success) throw new StartUpError(`bun build could not bundle ${entry}: ${result.logs.map(String).join("\n")}`);
    const paths = [...read.keys()].map((p) => relative(ROOT, p)).filter((p) => !SETTINGS.includes(p));
    const outside = paths.filter((p) => !SOURCES.some((s) => p.startsWith(`${s}/`)));
    if (outside.length > 0) throw new StartUpError(`not bundled: ${entry} imports ${outside.join(", ")}, outside ${SOURCES.join("/ and ")}/`);
    const published = join(folder, "manifest.json");
    await settled(ROOT, [...paths, ...SETTINGS], read, async (stamps) => {
      const manifest: Manifest = { format: FORMAT, entry, bun: engine(), build, modules: stamps.slice(0, paths.length), settings: stamps.slice(paths.length) };
      const temporary = `${published}.${build}`;
      guard("write the manifest", () => writeFileSync(temporary, JSON.stringify(manifest)));
      return temporary;
    }, (temporary) => guard("publish the manifest", () => renameSync(temporary, published))); // whole or absent
  } catch (e) {
    rmSync(join(folder, build), { recursive: true, force: true });
    throw e;
  }
  removeOldBuilds(folder, [build, previous]);
  return join(folder, build, outputName(entry));
}

/**
 * Wait until `paths` have settled, then publish: none changed since the build read it, and each
 * was last changed before the manifest was written, by the file system's own clock, so that a
 * change after it shows in a modification time however coarse that clock (git's index calls an
 * entry that is not so "racy"). `write` writes the manifest for the stamps and says where; `publish`
 * puts it in place.
 */
export async function settled(
  root: string,
  paths: readonly string[],
  read: ReadonlyMap<string, string>,
  write: (stamps: FileStamp[]) => Promise<string> | string,
  publish: (written: string) => void,
): Promise<void> {
  for (let round = 0; ; round++) {
    const stamps = guard("look at the files again", () =>
      paths.map((p) => {
        const s = statSync(join(root, p), { throwIfNoEntry: false });
        if (s === undefined) throw new StartUpError(`not bundled: ${p} was removed while the bundle was being built`);
        const text = read.get(join(root, p));
        if (text !== undefined && readFileSync(join(root, p), "utf8") !== text) {
          throw new StartUpError(`not bundled: ${p} changed while the bundle was being built; build it again with bun shared/start-up.ts`);
        }
        return [p, s.size, s.mtimeMs] as const;
      }),
    );
    const written = await write(stamps);
    const clock = guard("look at the manifest", () => statSync(written).mtimeMs);
    const racy = stamps.filter(([, , t]) => t >= clock);
    if (racy.length === 0) return publish(written);
    rmSync(written, { force: true });
    if (round === MAX_ROUNDS) {
      const [p, , t] = racy[0]!;
      throw new StartUpError(`not bundled: ${p} was changed at ${new Date(t).toISOString()}, not before the build's own files (${new Date(clock).toISOString()}): a file being written again and again, or a modification time in the future (touch the file)`);
    }
    await Bun.sleep(RACY_MS); // then look again: a change meanwhile shows in the text or the stamps
  }
}

/**
 * Remove the builds not kept (the new one, and the one before, which a command may be starting
 * from) and temporary manifests, once they are a minute old: a younger one may be another run's,
 * still being built.
 */
function removeOldBuilds(folder: string, keep: readonly (string | null)[]): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return; // tidying is not worth failing a build for
  }
  for (const name of names) {
    if (keep.includes(name) || !/^(manifest\.json\.)?b-/.test(name)) continue;
    const s = statSync(join(folder, name), { throwIfNoEntry: false });
    if (s === undefined || Date.now() - s.mtimeMs < 60_000) continue;
    try {
      rmSync(join(folder, name), { recursive: true, force: true });
    } catch {
      // another run removed it first
    }
  }
}

/** The symbolic links among the sources a command may import, from `root`. */
export function symbolicLinks(root: string): string[] {
  return guard("look for symbolic links", () =>
    SOURCES.flatMap((s) =>
      readdirSync(join(root, s), { recursive: true, withFileTypes: true })
        .filter((d) => d.isSymbolicLink())
        .map((d) => relative(root, join(d.parentPath, d.name))),
    ),
  );
}

/** Run `f`; a file system error becomes a StartUpError that says what the build was doing. */
function guard<T>(doing: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StartUpError) throw e;
    throw new StartUpError(`not bundled: could not ${doing} (${e instanceof Error ? e.message : String(e)})`);
  }
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
