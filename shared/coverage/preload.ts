// nyc cannot see code that runs under Bun (it hooks Node's require). So we do what nyc does, with
// nyc's own instrumenter: a Bun plugin instruments chapters/**/*.ts as it loads, and the counters are
// written to .nyc_output/ for `nyc report`. Active only when NYC_BUN=1 (npm run coverage sets it), in
// the test process and, through shared/child.ts, in every child it spawns.
import { plugin } from "bun";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createHash, randomUUID } from "node:crypto";
import { resolve } from "node:path";

declare global {
  var __coverage__: Record<string, unknown> | undefined;
}

if (process.env.NYC_BUN === "1") {
  const root = resolve(import.meta.dir, "../..");
  const chapters = (root + "/chapters/").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  // Instrumenting is the slow part of a child's start (seconds: Babel parses every module), and the
  // output depends only on the file's path and text: children share it through a disk cache, and
  // load the instrumenter itself only on a miss.
  const cacheDir = resolve(root, ".cache/coverage-instrumented");
  mkdirSync(cacheDir, { recursive: true });
  // Part of every key: another version of the instrumenter (or of this file's options) must not reuse old output.
  const version = (JSON.parse(readFileSync(resolve(root, "node_modules/istanbul-lib-instrument/package.json"), "utf8")) as { version: string }).version;
  const INSTRUMENTER = `istanbul-lib-instrument ${version}, esModules, typescript`;
  let instrument: ((source: string, path: string) => string) | null = null;
  const instrumented = async (source: string, path: string): Promise<string> => {
    const cached = resolve(cacheDir, createHash("sha256").update(`${INSTRUMENTER}\0${path}\0${source}`).digest("hex") + ".ts");
    if (existsSync(cached)) return readFileSync(cached, "utf8");
    if (instrument === null) {
      const { createInstrumenter } = await import("istanbul-lib-instrument");
      const instrumenter = createInstrumenter({
        esModules: true,
        compact: false,
        produceSourceMap: false,
        parserPlugins: ["typescript", "importMeta", "topLevelAwait"],
      });
      instrument = (text, file) => instrumenter.instrumentSync(text, file);
    }
    const code = instrument(source, path);
    const partial = `${cached}.${process.pid}`;
    writeFileSync(partial, code);
    renameSync(partial, cached); // whole or absent: a concurrent reader never sees half a file
    return code;
  };
  (await import("../load-hooks.ts")).declareLoadHook("coverage");
  plugin({
    name: "istanbul",
    setup(build) {
      // A runtime onLoad must return contents, so the filter alone selects what we instrument.
      build.onLoad({ filter: new RegExp(`^${chapters}.*\\.ts$`) }, async ({ path }) => ({
        contents: await instrumented(await Bun.file(path).text(), path),
        loader: "ts",
      }));
    },
  });

  const outDir = resolve(root, ".nyc_output");
  let written = false;
  const dump = () => {
    if (written || !globalThis.__coverage__) return;
    written = true;
    mkdirSync(outDir, { recursive: true });
    writeFileSync(resolve(outDir, `${randomUUID()}.json`), JSON.stringify(globalThis.__coverage__));
  };
  // `exit` does not fire under bun test, so the test process dumps from an afterAll hook.
  if (process.env.JIT_CHILD !== "1") {
    const { afterAll } = await import("bun:test");
    afterAll(dump);
  }
  process.on("exit", dump);
}
