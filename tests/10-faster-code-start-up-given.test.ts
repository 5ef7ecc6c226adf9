// Chapter 10's start from bytecode (shared/start-up.ts): main.ts does through the bundle what
// command.ts does from source, and a bundle is used only while it is fresh and nothing hooks module
// loading.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle, bundledCommands, bundleManifest, freshBundle, refreshBundles, startingPoint } from "../shared/start-up.ts";
import { loadHooks } from "../shared/load-hooks.ts";
import { BUN, ROOT, runBun, runChild } from "../shared/child.ts";

const MAIN = "chapters/10-faster-code/main.ts";
const ENTRY = "chapters/10-faster-code/command.ts";
/** As a reader runs it: no coverage (which would hook module loading) and no trace (which names addresses). */
const PLAIN = { env: { NYC_BUN: "0", JIT_TRACE: "0" } };
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
});
