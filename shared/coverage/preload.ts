// nyc cannot see code that runs under Bun (it hooks Node's require). So we do what nyc does, with
// nyc's own instrumenter: a Bun plugin instruments chapters/**/*.ts as it loads, and the counters are
// written to .nyc_output/ for `nyc report`. Active only when NYC_BUN=1 (npm run coverage sets it), in
// the test process and, through shared/child.ts, in every child it spawns.
import { plugin } from "bun";
import { mkdirSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";

declare global {
  var __coverage__: Record<string, unknown> | undefined;
}

if (process.env.NYC_BUN === "1") {
  const { createInstrumenter } = await import("istanbul-lib-instrument");
  const instrumenter = createInstrumenter({
    esModules: true,
    compact: false,
    produceSourceMap: false,
    parserPlugins: ["typescript", "importMeta", "topLevelAwait"],
  });
  const root = resolve(import.meta.dir, "../..");
  const chapters = (root + "/chapters/").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  plugin({
    name: "istanbul",
    setup(build) {
      // A runtime onLoad must return contents, so the filter alone selects what we instrument.
      build.onLoad({ filter: new RegExp(`^${chapters}.*\\.ts$`) }, async ({ path }) => ({
        contents: instrumenter.instrumentSync(await Bun.file(path).text(), path),
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
