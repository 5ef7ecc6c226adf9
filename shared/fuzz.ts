// npm run fuzz -- [--seconds N] [--tiers template,lir,opt,tiered] [--seed S] [--batch K]
//
// The differential fuzzer of chapter 12 (chapters/12-hostile-programs/fuzz.ts), from the command
// line: random programs (shared/bf-random.ts) and mutations of the project's programs (tests/programs,
// and the catalogue's, shared/programs.ts, where installed), every native tier against its reference, until
// the time is up. A difference is printed with the program, minimized, and a command that
// reproduces it; the exit code is then 1. Defaults: 10 seconds, every native tier, a seed from the
// clock (printed, so that a run can be repeated), 400 programs per batch.
// With --cli, the programs go through the command-line mains instead (shared/fuzz-cli.ts).
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { commandsOf, formatReport, fuzz, fuzzTiers, type FuzzOptions, type Programs } from "../chapters/12-hostile-programs/fuzz.ts";
import { randomCase } from "./bf-random.ts";
import { ROOT } from "./child.ts";
import { parseCommand, UsageError } from "./cli.ts";
import { cliTargets, formatCliReport, fuzzCli, type CliFuzzOptions } from "./fuzz-cli.ts";
import { runMain } from "./main.ts";
import { findPrograms } from "./programs.ts";
import "./tiers.ts"; // every chapter's tiers registered: a tier without a fueled twin is fuzzed without fuel

export { fuzzTiers };

export class FuzzUsageError extends UsageError {
  override name = "FuzzUsageError";
}

/** The programs to mutate: their commands only, and none so big that a run takes long. */
export function corpus(maxLength = 2000): string[] {
  const tests = resolve(ROOT, "tests/programs");
  const files = [
    ...readdirSync(tests).filter((f) => f.endsWith(".b")).sort().map((f) => resolve(tests, f)),
    ...findPrograms().programs.map((p) => p.file),
  ];
  return [...new Set(files)]
    .map((file) => commandsOf(readFileSync(file, "utf8")))
    .filter((code) => code.length > 0 && code.length <= maxLength);
}

/** The random generator of chapter 9's tests, and the corpus to mutate. */
export function fuzzPrograms(): Programs {
  return { random: (seed) => randomCase(seed), corpus: corpus() };
}

export const FUZZ_USAGE = `npm run fuzz -- [--seconds N] [--tiers a,b,...] [--seed S] [--batch K]

Random programs, and mutations of the book's programs, through every native tier, each against its
reference, until the time is up. A difference is printed with the program, minimized, and a command
that reproduces it; the exit code is then 1.

  --seconds N     how long to fuzz (default 10)
  --tiers a,b     the native tiers to fuzz (default: all of them)
  --seed S        the first seed (default: from the clock, printed so a run can be repeated)
  --batch K       programs per child process (default 400)
  --cli           run the command-line mains instead: see npm run fuzz -- --cli --help
  -h, --help      this text`;

export const CLI_FUZZ_USAGE = `npm run fuzz -- --cli [--seconds N] [--tiers a,b,...] [--seed S] [--jobs J] [--timeout MS]

Random programs through every command-line main (each tier of the registry through the main and
--tier that run it, and the mains of chapters 7, 8, 11 and 12 with their own tiers), with input,
--eof and --tape, each compared with chapter 6's main: stdout, stderr (the file name normalized) and
exit status. For each program, two of the mains also get a reader that closes the pipe early
(| head -c N): each must stop promptly with its error. A difference is printed with a command that reproduces it; the exit
code is then 1.

  --seconds N     how long to fuzz (default 10; at least one program)
  --tiers a,b     the mains to run, by name: ch9:opt, ch7, ... (default: all of them)
  --seed S        the first seed (default: from the clock, printed so a run can be repeated)
  --jobs J        mains run at once (default 2)
  --timeout MS    how long a main may take on one program (default 20000)
  -h, --help      this text`;

/** The options of --cli, or null after printing the usage for --help. */
export function parseCliFuzzArgs(argv: readonly string[], now = Date.now()): CliFuzzOptions | null {
  const parsed = parseCommand(argv, CLI_FUZZ_USAGE, {
    options: {
      cli: { type: "boolean" },
      seconds: { type: "string" },
      tiers: { type: "string" },
      seed: { type: "string" },
      jobs: { type: "string" },
      timeout: { type: "string" },
    },
  });
  if (parsed === null) return null;
  const { values } = parsed;
  const number = (name: "seconds" | "seed" | "jobs" | "timeout", fallback: number, min: number): number => {
    const v = values[name];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new FuzzUsageError(`--${name} must be a number, ${min} or more, not '${v}'`);
    return n;
  };
  const all = cliTargets();
  const names = values.tiers?.split(",") ?? all.map((t) => t.name);
  const bad = names.filter((n) => !all.some((t) => t.name === n));
  if (bad.length > 0) throw new FuzzUsageError(`unknown main(s) ${bad.join(", ")}: the mains are ${all.map((t) => t.name).join(", ")}`);
  return {
    seconds: number("seconds", 10, 0),
    seed: Math.floor(number("seed", now % 1_000_000_000, 0)),
    targets: all.filter((t) => names.includes(t.name)),
    jobs: Math.floor(number("jobs", 2, 1)),
    timeoutMs: number("timeout", 20_000, 100),
  };
}

/** The options, or null after printing the usage for --help. */
export function parseFuzzArgs(argv: readonly string[], now = Date.now()): FuzzOptions | null {
  const parsed = parseCommand(argv, FUZZ_USAGE, {
    options: { seconds: { type: "string" }, tiers: { type: "string" }, seed: { type: "string" }, batch: { type: "string" } },
  });
  if (parsed === null) return null;
  const { values } = parsed;
  const number = (name: "seconds" | "seed" | "batch", fallback: number, min: number): number => {
    const v = values[name];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new FuzzUsageError(`--${name} must be a number, ${min} or more, not '${v}'`);
    return n;
  };
  const all = fuzzTiers();
  const names = values.tiers?.split(",") ?? all.map((t) => t.name);
  const bad = names.filter((n) => !all.some((t) => t.name === n));
  if (bad.length > 0) throw new FuzzUsageError(`unknown tier(s) ${bad.join(", ")}: the native tiers are ${all.map((t) => t.name).join(", ")}`);
  const tiers = all.filter((t) => names.includes(t.name));
  return { seconds: number("seconds", 10, 0), tiers, seed: Math.floor(number("seed", now % 1_000_000_000, 0)), batch: Math.floor(number("batch", 400, 3)) };
}

if (import.meta.main) {
  await runMain(async () => {
    if (process.argv.slice(2).includes("--cli")) {
      const c = parseCliFuzzArgs(process.argv.slice(2));
      if (c === null) return;
      console.log(`fuzzing ${c.targets.length} command-line mains against chapter 6's for ${c.seconds} s, from seed ${c.seed}, ${c.jobs} at once`);
      const report = await fuzzCli(c, (line) => console.log(line));
      console.log(formatCliReport(report, c));
      if (report.differences.length > 0) process.exitCode = 1;
      return;
    }
    const o = parseFuzzArgs(process.argv.slice(2));
    if (o === null) return;
    const programs = fuzzPrograms();
    console.log(
      `fuzzing ${o.tiers.map((t) => t.name).join(", ")} against the interpreters for ${o.seconds} s, from seed ${o.seed}, ` +
        `${o.batch} programs a batch (random, random with fuel, and mutations of ${programs.corpus.length} programs with fuel)`,
    );
    const report = await fuzz(o, programs, (line) => console.log(line));
    console.log(formatReport(report, o));
    if (report.differences.length > 0) process.exitCode = 1;
  });
}
