// npm run programs [-- list]                       the book's programs and the classic ones, and which are here
// npm run programs -- fetch [--from DIR] [--base-url URL] [--dir DIR]
//                                                  download the classic programs (pinned, SHA-256 checked)
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { CLASSIC_FILES, DEFAULT_BASE_URL, describeSource, fetchClassics, isStored } from "./classic-programs.ts";
import { ROOT } from "./child.ts";
import { parseCommand, UsageError } from "./cli.ts";
import { runMain } from "./main.ts";
import { CLASSIC_ENV, classicDir, findPrograms } from "./programs.ts";

const HELP = `npm run programs -- [list | fetch] [options]

  list                the programs the book runs, where each is, and whether it is installed (default)
  fetch               store the classic third-party programs (mandelbrot, hanoi, factor, long, bench,
                      dbfi, awib, and a few more) where the benchmarks and tests look, each checked
                      against its SHA-256; files already there are kept

options (fetch):
  --from DIR          copy from a local folder (bench/ and extra/ inside, or the files flat) instead of
                      downloading
  --base-url URL      download from URL/OWNER/REPO/COMMIT/PATH (default ${DEFAULT_BASE_URL})
  --dir DIR           store them in DIR (default: $${CLASSIC_ENV}, or .cache/programs)
  -h, --help          this text`;

export class ProgramsUsageError extends UsageError {
  override name = "ProgramsUsageError";
}

export async function programsCommand(argv: readonly string[], log: (line: string) => void = console.log): Promise<void> {
  const args = parseCommand(argv, HELP, { allowPositionals: true, options: { from: { type: "string" }, "base-url": { type: "string" }, dir: { type: "string" } } }, log);
  if (args === null) return;
  const { values, positionals } = args;
  const [command = "list", ...extra] = positionals;
  if (extra.length > 0) throw new ProgramsUsageError(`unexpected ${extra.join(" ")}: see npm run programs -- --help`);
  const dest = values.dir ?? classicDir();
  if (command === "list") return list(log);
  if (command !== "fetch") throw new ProgramsUsageError(`unknown command '${command}': list or fetch (npm run programs -- --help)`);
  if (values.from !== undefined && !existsSync(values.from)) throw new ProgramsUsageError(`--from ${values.from}: no such folder`);
  log(`classic programs -> ${shown(dest)}${values.from ? ` (from ${values.from})` : ""}`);
  const r = await fetchClassics({
    dest,
    ...(values.from === undefined ? {} : { from: values.from }),
    ...(values["base-url"] === undefined ? {} : { baseUrl: values["base-url"] }),
    log,
  });
  log(`${r.stored} stored, ${r.present} already there: ${CLASSIC_FILES.length} files, each matching its SHA-256`);
}

function list(log: (line: string) => void): void {
  const { programs, missing } = findPrograms();
  const rows = [
    ...programs.map((p) => [p.name, p.origin, shown(p.file), p.what]),
    ...missing.map((n) => [n, "classic", "not installed", ""]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) log(r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join("  ").trimEnd());
  const stored = CLASSIC_FILES.filter((f) => isStored(classicDir(), f)).length;
  log(`\nclassic files in ${shown(classicDir())}: ${stored} of ${CLASSIC_FILES.length}` + (stored < CLASSIC_FILES.length ? " (npm run programs -- fetch)" : ""));
  const repos = CLASSIC_FILES.flatMap((f) => ("repo" in f.source ? [describeSource(f).split(" : ")[0]!] : []));
  if (stored < CLASSIC_FILES.length) log(`from: ${[...new Set(repos)].join("; ")}`);
}

/** A path inside the checkout relative to it, any other as it is. */
const shown = (path: string): string => (path.startsWith(ROOT + "/") ? relative(ROOT, path) : path);

if (import.meta.main) await runMain(() => programsCommand(process.argv.slice(2)));
