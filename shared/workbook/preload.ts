// Bun preload (bunfig.toml, for `bun test` and for every bun process started from the repository).
// JIT_WORKBOOK names a workspace: chapters it holds are loaded from it, so tests, test helpers and the
// children they spawn import chapters/… and get the reader's code, unchanged. JIT_VERIFY=1 (set by
// `npm run verify`) adds the diagnosis of crashed children to the test output.
import { resolve } from "node:path";

const dir = process.env.JIT_WORKBOOK;
if (dir) {
  const { plugin } = await import("bun");
  const { redirect, workspaceOf } = await import("./redirect.mjs");
  (await import("../load-hooks.ts")).declareLoadHook("workbook");
  const ws = workspaceOf(resolve(import.meta.dir, "../.."), dir);
  // The script bun was started with, when the workspace holds it: loaded from there, it would not be
  // Bun.main, so its `if (import.meta.main)` would skip the program, and a script that compares
  // process.argv[1] with its own path would not find itself. It is the main module: say so, twice.
  const script = process.argv[1] ? redirect(ws, resolve(process.argv[1]), undefined) : null;
  if (script !== null) process.argv[1] = script;
  plugin({
    name: "workbook",
    setup(build) {
      build.onResolve({ filter: /^(\.\.?\/|\/|file:)/ }, (args) => {
        const path = redirect(ws, args.path, args.importer || undefined);
        return path === null ? undefined : { path };
      });
      if (script !== null) {
        build.onLoad({ filter: new RegExp(`^${script.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`) }, async (args) => ({
          contents: (await Bun.file(args.path).text()).replaceAll("import.meta.main", "true"),
          loader: "ts",
        }));
      }
    },
  });
}
if (process.env.JIT_VERIFY === "1" && process.env.JIT_CHILD !== "1") {
  const { reportCrashes } = await import("./crash-report.ts");
  reportCrashes();
}
