// What a start from bytecode saves (shared/start-up.ts): fresh processes, taken in turn, of Bun alone (a
// one-line script), of this chapter's command run from source (command.ts) and from its bundle
// (main.ts, once the bundle is fresh), each given --help (load the modules, parse the command line)
// and an empty program (the same, then a compile and a run). One JSON object for the prose.
//   bun chapters/10-faster-code/start-up-figures.ts [--runs N]
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { BUN, ROOT } from "../../shared/child.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { median, ONE_LINE } from "../../shared/bf-bench.ts";
import { time } from "./figures.ts";
import { bundledCommands, bundleManifest, freshBundle, refreshBundles } from "../../shared/start-up.ts";

export class StartUpFiguresError extends Error {
  override name = "StartUpFiguresError";
}

const COMMAND = "chapters/10-faster-code/command.ts";
const WAYS = {
  bun: [...ONE_LINE],
  sourceHelp: [BUN, COMMAND, "--help"],
  bundleHelp: [BUN, "chapters/10-faster-code/main.ts", "--help"],
  sourceEmpty: [BUN, COMMAND, "-e", ""],
  bundleEmpty: [BUN, "chapters/10-faster-code/main.ts", "-e", ""],
} as const;
type Way = keyof typeof WAYS;

/** As a reader runs the command: no loader hook (coverage, the workbook) that would keep it from its bundle. */
const PLAIN_ENV: Record<string, string> = Object.fromEntries(Object.entries({ ...process.env, DO_NOT_TRACK: "1", NYC_BUN: "0", JIT_TRACE: "0" }).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== "JIT_WORKBOOK"));

/** Wall time of one fresh process, in milliseconds. */
function processMs(argv: readonly string[]): number {
  const started = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", env: PLAIN_ENV, timeout: 60_000 });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new StartUpFiguresError(`${argv.slice(1).join(" ")} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return ms;
}

export async function startUpFigures(runs: number): Promise<Record<string, string | number>> {
  if (!bundledCommands().includes(COMMAND)) throw new StartUpFiguresError(`main.ts no longer starts ${COMMAND} with startCommand`);
  await refreshBundles();
  const bundle = freshBundle(COMMAND);
  if (bundle === null) throw new StartUpFiguresError("the bundle is not fresh just after it was built: is another process editing the chapters?");
  const ms = Object.fromEntries(Object.keys(WAYS).map((w) => [w, [] as number[]])) as Record<Way, number[]>;
  for (const argv of Object.values(WAYS)) processMs(argv); // the files into the page cache
  for (let i = 0; i < runs; i++) for (const [way, argv] of Object.entries(WAYS)) ms[way as Way].push(processMs(argv));
  if (freshBundle(COMMAND) !== bundle) throw new StartUpFiguresError("the bundle went stale while it was timed: a file it was built from changed");
  const m = Object.fromEntries(Object.entries(ms).map(([w, xs]) => [w, median(xs)])) as Record<Way, number>;
  // A check for the prose's sake ("the bundle saves ..."), where enough runs make noise unlikely to be why.
  if (runs >= 5 && m.bundleEmpty >= m.sourceEmpty) throw new StartUpFiguresError(`the bundle started no faster than the source (${time(m.bundleEmpty)} against ${time(m.sourceEmpty)}): is the machine busy? Run it again, with more --runs`);
  const manifest = bundleManifest(COMMAND)!;
  return {
    runs,
    modules: manifest.modules.length,
    bundleKib: Math.round(statSync(bundle).size / 1024),
    bytecodeKib: Math.round(statSync(`${bundle}.jsc`).size / 1024),
    bun: time(m.bun),
    sourceHelp: time(m.sourceHelp),
    bundleHelp: time(m.bundleHelp),
    sourceEmpty: time(m.sourceEmpty),
    bundleEmpty: time(m.bundleEmpty),
    sourceOver: time(m.sourceEmpty - m.bun),
    bundleOver: time(m.bundleEmpty - m.bun),
    saved: time(m.sourceEmpty - m.bundleEmpty),
  };
}

const USAGE = `bun chapters/10-faster-code/start-up-figures.ts [--runs N]

How long this chapter's command takes to start, from source and from its bytecode bundle, beside
Bun's own start-up: N fresh processes of each (default 11), taken in turn; the figures are medians.
Builds the bundle first if it is missing or stale. One JSON object, for chapter 10's prose.

  --runs N      processes of each kind (default 11)
  -h, --help    this text`;

if (import.meta.main) {
  await runMain(async () => {
    const args = parseCommand(process.argv.slice(2), USAGE, { options: { runs: { type: "string" } } });
    if (args === null) return;
    const runs = Number(args.values.runs ?? 11);
    if (!Number.isInteger(runs) || runs < 1) throw new StartUpFiguresError(`--runs must be a whole number of processes, 1 or more, not '${args.values.runs}'`);
    console.log(JSON.stringify(await startUpFigures(runs)));
  });
}
