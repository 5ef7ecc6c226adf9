// Chapter 10's start from bytecode (shared/start-up.ts): main.ts does through the bundle what
// command.ts does from source, and a bundle is used only while it is fresh and nothing hooks module
// loading.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle, bundledCommands, bundleManifest, freshBundle, refreshBundles, settled, startingPoint, StartUpError, symbolicLinks } from "../shared/start-up.ts";
import { loadHooks } from "../shared/load-hooks.ts";
import { BUN, ROOT, runBun, runChild } from "../shared/child.ts";

const MAIN = "chapters/10-faster-code/main.ts";
const ENTRY = "chapters/10-faster-code/command.ts";
/** As a reader runs it: no coverage (which would hook module loading), no trace (which names addresses), no stacks. */
const PLAIN = { env: { NYC_BUN: "0", JIT_TRACE: "0", JIT_DEBUG: "0" } };
/** In the workbook the source is the reader's and the bundle the book's; the command never starts from a bundle there. */
const inWorkbook = loadHooks().includes("workbook");

let dir = "";
let bundle = "";
beforeAll(async () => {
  await refreshBundles(); // the bundle main.ts starts from
  dir = mkdtempSync(join(tmpdir(), "start-up-"));
  bundle = await buildBundle(ENTRY, dir); // one of its own, for the tests that spoil its manifest
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Where a fresh process, with `env`, would start the command from (after running `before`). */
async function startsFrom(env: Record<string, string>, before = ""): Promise<string> {
  const script = `${before} import { startingPoint } from "./shared/start-up.ts"; console.log(startingPoint(${JSON.stringify(ENTRY)}));`;
  const r = await runChild([BUN, "-e", script], { env: { ...PLAIN.env, ...env } });
  expect(r.stderr).toBe("");
  return r.stdout.trim();
}

describe("main.ts", () => {
  test("starts chapter 10's command with startCommand: the one command bundled", () => {
    expect(bundledCommands()).toEqual([ENTRY]);
  });

  test.skipIf(inWorkbook)("starts from the bundle as a reader runs it, from source under a loader hook", async () => {
    expect(await startsFrom({})).toMatch(/\/\.cache\/start-up\/.*\/command\.js$/);
    expect(await startsFrom({}, `import { declareLoadHook } from "./shared/load-hooks.ts"; declareLoadHook("a test");`)).toBe(join(ROOT, ENTRY));
  });

  // The same command lines through main.ts (the bundle) and command.ts (the source): output, errors
  // and exit status alike.
  test.skipIf(inWorkbook).each([
    ["a program", ["-e", "++++++++[>++++++++<-]>+.>+[<]"], ""],
    ["its input", ["-e", ",[.,]", "--eof", "zero"], "echo"],
    ["a syntax error", ["-e", "+["], ""],
    ["an error while running", ["-e", "<"], ""],
    ["an unknown option", ["--bogus"], ""],
    ["--help", ["--help"], ""],
    ["a listing", ["-e", "+[->+<]", "--emit=opt-lir"], ""],
    ["an earlier tier", ["-e", "+++.", "--tier", "opt"], ""],
  ])("%s: as from source", async (_, args, stdin) => {
    const [fromBundle, fromSource] = await Promise.all([runBun(MAIN, args, { ...PLAIN, stdin }), runBun(ENTRY, args, { ...PLAIN, stdin })]);
    expect({ stdout: fromBundle.stdout, stderr: fromBundle.stderr, exitCode: fromBundle.exitCode }).toEqual({
      stdout: fromSource.stdout,
      stderr: fromSource.stderr,
      exitCode: fromSource.exitCode,
    });
  });
});

describe("a bundle", () => {
  const manifestFile = () => join(dir, encodeURIComponent(ENTRY), "manifest.json");

  test("runs in strict mode, as the modules it holds do", () => {
    expect(readFileSync(bundle, "utf8").slice(0, 200)).toContain('"use strict";');
  });

  test("is fresh when this Bun built it, from files unchanged since: the modules and the build's settings", () => {
    expect(freshBundle(ENTRY, dir)).toBe(bundle);
    const manifest = bundleManifest(ENTRY, dir)!;
    expect(manifest.modules.map(([path]) => path)).toEqual(expect.arrayContaining([ENTRY, "chapters/04-encoder/assembler.ts", "chapters/06-interpreter/parser.ts"]));
    expect(manifest.settings.map(([path]) => path)).toEqual(["shared/start-up.ts", "tsconfig.json", "package.json", "bunfig.toml"]);
  });

  test("is stale when a file it was built from changed, or another Bun built it; missing when never built or its manifest is not one", () => {
    const original = readFileSync(manifestFile(), "utf8");
    const manifest = bundleManifest(ENTRY, dir)!;
    const [path, size, mtimeMs] = manifest.modules[0]!;
    const [setting, settingSize, settingTime] = manifest.settings[0]!;
    const spoiled = [
      { ...manifest, modules: [[path, size + 1, mtimeMs], ...manifest.modules.slice(1)] },
      { ...manifest, modules: [[path, size, mtimeMs - 1000], ...manifest.modules.slice(1)] },
      { ...manifest, settings: [[setting, settingSize, settingTime - 1], ...manifest.settings.slice(1)] },
      { ...manifest, bun: "0.0.0" },
      { ...manifest, modules: "none" },
      { ...manifest, format: 0 },
      { ...manifest, entry: "chapters/10-faster-code/other.ts" },
      { ...manifest, build: ".." },
      null,
    ];
    try {
      for (const m of spoiled) {
        writeFileSync(manifestFile(), JSON.stringify(m));
        expect(freshBundle(ENTRY, dir)).toBeNull();
      }
      writeFileSync(manifestFile(), "{");
      expect(freshBundle(ENTRY, dir)).toBeNull();
    } finally {
      writeFileSync(manifestFile(), original);
    }
    expect(freshBundle(ENTRY, dir)).toBe(bundle);
    expect(freshBundle(ENTRY, join(dir, "nowhere"))).toBeNull();
    expect(startingPoint(ENTRY, join(dir, "nowhere"))).toBe(join(ROOT, ENTRY));
  });

  test("is not used once its files are gone, though its manifest is there", () => {
    const folder = join(dir, encodeURIComponent(ENTRY), bundleManifest(ENTRY, dir)!.build);
    renameSync(folder, `${folder}-away`);
    try {
      expect(freshBundle(ENTRY, dir)).toBeNull();
    } finally {
      renameSync(`${folder}-away`, folder);
    }
    expect(freshBundle(ENTRY, dir)).toBe(bundle);
  });
});

describe("a build", () => {
  /** A tree of its own: chapters/ and shared/ with a file in each. */
  function tree(): string {
    const root = mkdtempSync(join(tmpdir(), "start-up-tree-"));
    for (const d of ["chapters/01-a", "shared"]) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, "chapters/01-a/a.ts"), "export const a = 1;\n");
    writeFileSync(join(root, "shared/b.ts"), "export const b = 2;\n");
    return root;
  }
  const past = (root: string, path: string) => utimesSync(join(root, path), new Date(Date.now() - 10_000), new Date(Date.now() - 10_000));

  test("refuses symbolic links among the sources: a link can point elsewhere with no file changed", () => {
    const root = tree();
    try {
      expect(symbolicLinks(root)).toEqual([]);
      symlinkSync(join(root, "shared/b.ts"), join(root, "chapters/01-a/link.ts"));
      expect(symbolicLinks(root)).toEqual(["chapters/01-a/link.ts"]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("publishes what it read, with each file's size and time, when nothing changed since", async () => {
    const root = tree();
    try {
      for (const p of ["chapters/01-a/a.ts", "shared/b.ts"]) past(root, p);
      const read = new Map([[join(root, "chapters/01-a/a.ts"), "export const a = 1;\n"]]);
      let published: unknown = null;
      await settled(root, ["chapters/01-a/a.ts", "shared/b.ts"], read, (stamps) => {
        writeFileSync(join(root, "m.tmp"), JSON.stringify(stamps));
        return join(root, "m.tmp");
      }, (written) => (published = JSON.parse(readFileSync(written, "utf8"))));
      expect(published).toEqual([["chapters/01-a/a.ts", 20, expect.any(Number)], ["shared/b.ts", 20, expect.any(Number)]]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("fails when a file no longer holds what the bundler read: it was saved during the build", async () => {
    const root = tree();
    try {
      past(root, "chapters/01-a/a.ts");
      const read = new Map([[join(root, "chapters/01-a/a.ts"), "export const a = 0;\n"]]); // what it held then
      const publish = () => {
        throw new Error("published a bundle of text the file no longer holds");
      };
      await expect(settled(root, ["chapters/01-a/a.ts"], read, () => join(root, "chapters/01-a/a.ts"), publish)).rejects.toThrow(StartUpError);
      await expect(settled(root, ["chapters/01-a/a.ts"], read, () => join(root, "chapters/01-a/a.ts"), publish)).rejects.toThrow("chapters/01-a/a.ts changed while the bundle was being built");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test("waits when a file changed as late as its manifest was written, then looks again", async () => {
    const root = tree();
    try {
      // The file's time is not before the manifest's (as for a change in the same tick of a coarse
      // clock); by the second look it is.
      utimesSync(join(root, "shared/b.ts"), new Date(), new Date(Date.now() + 60_000));
      const rounds: number[] = [];
      await settled(root, ["shared/b.ts"], new Map(), (stamps) => {
        rounds.push(stamps[0]![2]);
        writeFileSync(join(root, "m.tmp"), "");
        if (rounds.length === 1) past(root, "shared/b.ts");
        return join(root, "m.tmp");
      }, () => undefined);
      expect(rounds.length).toBe(2);
      expect(rounds[1]!).toBeLessThan(rounds[0]!);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

});
