// npm run site: build the site into dist/site/.   bun site/build.ts [--fresh] [--out DIR]
import { resolve } from "node:path";
import { parseCommand } from "../shared/cli.ts";
import { runMain } from "../shared/main.ts";
import { buildSite, DEFAULT_OUT, type BuildReport } from "./builder.ts";

export const BUILD_USAGE = `npm run site -- [--fresh] [--out DIR]

Build the book's site: every chapter rendered, with its live results run (and cached in .cache/site).

  --fresh       run every live command again instead of reusing cached results
  --out DIR     write the site to DIR (default dist/site)
  -h, --help    this text`;

export interface BuildFlags {
  readonly fresh?: boolean;
  readonly out?: string;
}

/** Build, printing progress and a one-line summary with the time it took. */
export async function buildAndReport(flags: BuildFlags = {}): Promise<BuildReport> {
  const report = await buildSite({ outDir: flags.out ? resolve(flags.out) : DEFAULT_OUT, fresh: flags.fresh === true, log: (l) => console.log(l) });
  const { hits, misses } = report.runs;
  console.log(
    `Built ${report.files.length} files (${report.chapters.length} chapters) into ${report.outDir} in ${(report.ms / 1000).toFixed(2)} s` +
      ` — live results: ${misses} run, ${hits} from the cache` +
      (report.links.length ? ` — ${report.links.length} broken link(s), listed above` : ""),
  );
  return report;
}

if (import.meta.main) {
  await runMain(async () => {
    const args = parseCommand(process.argv.slice(2), BUILD_USAGE, { options: { fresh: { type: "boolean" }, out: { type: "string" } } });
    if (args !== null) await buildAndReport(args.values);
  });
}
