// npm run site: build the site into dist/site/.   bun site/build.ts [--fresh] [--out DIR]
//   --fresh   run every live command again instead of reusing cached results
import { resolve } from "node:path";
import { flag, hasFlag, runMain } from "../shared/main.ts";
import { buildSite, DEFAULT_OUT, type BuildReport } from "./builder.ts";

/** Build, printing progress and a one-line summary with the time it took. */
export async function buildAndReport(argv: readonly string[] = []): Promise<BuildReport> {
  const out = flag(argv, "out");
  const report = await buildSite({ outDir: out ? resolve(out) : DEFAULT_OUT, fresh: hasFlag(argv, "fresh"), log: (l) => console.log(l) });
  const { hits, misses } = report.runs;
  console.log(
    `Built ${report.files.length} files (${report.chapters.length} chapters) into ${report.outDir} in ${(report.ms / 1000).toFixed(2)} s` +
      ` — live results: ${misses} run, ${hits} from the cache` +
      (report.links.length ? ` — ${report.links.length} broken link(s), listed above` : ""),
  );
  return report;
}

if (import.meta.main) await runMain(async () => void (await buildAndReport(process.argv.slice(2))));
