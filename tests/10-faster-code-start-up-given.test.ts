// Chapter 10's start-up from bytecode (shared/start-up.ts): the bundle does what the source does, and is
// used only while it is fresh and nothing hooks module loading.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBundle, bundledCommands, freshBundle, startingPoint } from "../shared/start-up.ts";
import { declareLoadHook, loadHooks } from "../shared/load-hooks.ts";
import { ROOT, runBun } from "../shared/child.ts";

const ENTRY = "chapters/10-faster-code/command.ts";
/** The bundle runs no chapter module from source, so coverage has nothing to count in it; a trace names addresses, which differ from run to run. */
const PLAIN = { env: { NYC_BUN: "0", JIT_TRACE: "0" } };

let dir = "";
let bundle = "";
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "start-up-"));
  bundle = await buildBundle(ENTRY, dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the bundle", () => {
  test("chapter 10's command is bundled: its main.ts starts it with startCommand", () => {
    expect(bundledCommands()).toEqual([ENTRY]);
  });

  // The same command lines through the bundle and from source: output, errors and exit status alike.
  // Not in the workbook: there the source is the reader's, the bundle the book's, and the command
  // never starts from a bundle anyway.
  test.skipIf(loadHooks().includes("workbook")).each([
    ["a program", ["-e", "++++++++[>++++++++<-]>+.>+[<]"], ""],
    ["its input", ["-e", ",[.,]", "--eof", "zero"], "echo"],
    ["a syntax error", ["-e", "+["], ""],
    ["an error while running", ["-e", "<"], ""],
    ["an unknown option", ["--bogus"], ""],
    ["--help", ["--help"], ""],
    ["a listing", ["-e", "+[->+<]", "--emit=opt-lir"], ""],
    ["an earlier tier", ["-e", "+++.", "--tier", "opt"], ""],
  ])("%s: as from source", async (_, args, stdin) => {
    const [fromBundle, fromSource] = await Promise.all([
      runBun(bundle, args, { ...PLAIN, stdin }),
      runBun(ENTRY, args, { ...PLAIN, stdin }),
    ]);
    expect({ stdout: fromBundle.stdout, stderr: fromBundle.stderr, exitCode: fromBundle.exitCode }).toEqual({
      stdout: fromSource.stdout,
      stderr: fromSource.stderr,
      exitCode: fromSource.exitCode,
    });
  });
});

describe("when the bundle is used", () => {
  const manifestFile = () => join(dir, "chapters-10-faster-code-command", "manifest.json");

  test("fresh: built by this Bun from files unchanged since", () => {
    expect(freshBundle(ENTRY, dir)).toBe(bundle);
    const { inputs } = JSON.parse(readFileSync(manifestFile(), "utf8")) as { inputs: [string, number, number][] };
    expect(inputs.map(([path]) => path)).toContain(ENTRY);
    expect(inputs.map(([path]) => path)).toContain("chapters/04-encoder/assembler.ts");
  });

  test("stale when a file it was built from changed, or another Bun built it; missing when never built", () => {
    const original = readFileSync(manifestFile(), "utf8");
    try {
      const manifest = JSON.parse(original) as { bun: string; inputs: [string, number, number][] };
      const [path, size, mtimeMs] = manifest.inputs[0]!;
      writeFileSync(manifestFile(), JSON.stringify({ ...manifest, inputs: [[path, size + 1, mtimeMs], ...manifest.inputs.slice(1)] }));
      expect(freshBundle(ENTRY, dir)).toBeNull();
      writeFileSync(manifestFile(), JSON.stringify({ ...manifest, inputs: [[path, size, mtimeMs - 1000], ...manifest.inputs.slice(1)] }));
      expect(freshBundle(ENTRY, dir)).toBeNull();
      writeFileSync(manifestFile(), JSON.stringify({ ...manifest, bun: "0.0.0" }));
      expect(freshBundle(ENTRY, dir)).toBeNull();
    } finally {
      writeFileSync(manifestFile(), original);
    }
    expect(freshBundle(ENTRY, join(dir, "nowhere"))).toBeNull();
    expect(startingPoint(ENTRY, join(dir, "nowhere"))).toBe(join(ROOT, ENTRY));
  });

  test("never while a loader hook is installed: the workbook and coverage must see each module", () => {
    if (loadHooks().length === 0) {
      expect(startingPoint(ENTRY, dir)).toBe(bundle);
      declareLoadHook("this test");
    }
    expect(startingPoint(ENTRY, dir)).toBe(join(ROOT, ENTRY));
  });
});
