// The figures chapter 12's prose quotes, measured in one process on the book's own programs and the
// chapter's generated ones: the two clocks side by side, what fuel costs a program that never runs
// out of it, how long a slice of fuel lasts, the template JIT's code for a deeply nested program,
// and what each tier pays for a long one.
//   bun chapters/12-hostile-programs/figures.ts
// It prints one JSON object, for a `run figures=hostile` block of the chapter's README.
import { readFileSync } from "node:fs";
import { parse } from "../06-interpreter/parser.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { findProgram } from "../../shared/programs.ts";
import { monotonicNs } from "./clock.ts";
import { FUEL_SLICE } from "./fuel.ts";
import { GUARD_TIERS, runGuarded } from "./guard.ts";
import { huge, nested, RUNAWAY } from "./programs.ts";
import { HOSTILE_TIERS } from "./tiers.ts";

export class FiguresError extends Error {
  override name = "FiguresError";
}

/** The book's program whose fuel cost the prose quotes: its scans are what fuel takes away. */
export const FUEL_PROGRAM = "circle";
/** Runs of each kind; the best one is kept (the compile is left out). */
export const RUNS = 7;
/** The long program's size: an eighth of the --demo huge one, so that the site builds quickly. */
export const HUGE_BYTES = 1 << 17;
export const DEEP = 100_000;

const ms = (t: number) => `${t < 10 ? t.toFixed(1) : t.toFixed(0)} ms`;
const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
const peakKb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0);

function best(run: () => void): number {
  let t = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    t = Math.min(t, performance.now() - start);
  }
  return t;
}

/** What fuel costs `name` with the optimizing JIT, when the limit is never reached. */
function fuelCost(name: string): Record<string, string> {
  const p = findProgram(name);
  if (p === null) throw new FiguresError(`${name} is not installed`);
  const input = p.inputFile === null ? new Uint8Array(0) : new Uint8Array(readFileSync(p.inputFile));
  using compiled = HOSTILE_TIERS.opt.compile(parse(readFileSync(p.file, "utf8")));
  const limited = { input, maxSteps: 1e12 };
  const out = compiled.run(limited).output; // compiles the fueled twin, outside the timing
  if (Buffer.compare(Buffer.from(out), readFileSync(p.outputFile)) !== 0) throw new FiguresError(`${name}: the fueled run printed the wrong output`);
  const plain = best(() => compiled.run({ input }));
  const fueled = best(() => compiled.run(limited));
  return { fuelPlain: ms(plain), fuelLimited: ms(fueled), fuelRatio: `${(fueled / plain).toFixed(1)}×`, runs: String(RUNS) };
}

/** How long one slice of fuel lasts: the runaway program, stopped after a number of slices. */
function sliceTime(): string {
  const slices = 64;
  using compiled = HOSTILE_TIERS.template.compile(parse(RUNAWAY));
  compiled.run({ maxSteps: FUEL_SLICE });
  const t = best(() => compiled.run({ maxSteps: FUEL_SLICE * slices }));
  return `${((t / slices) * 1000).toFixed(0)} µs`;
}

export async function hostileFigures(): Promise<Record<string, string | number>> {
  // The trap of the clocks: what each one says now.
  const hrtime = Number(process.hrtime.bigint()) / 1e6;
  const monotonic = Number(monotonicNs()) / 1e9;
  const figures: Record<string, string | number> = {
    hrtime: `${hrtime.toFixed(0)} ms`,
    monotonic: `${monotonic.toLocaleString("en-US", { maximumFractionDigits: 0 })} s`,
    ...fuelCost(FUEL_PROGRAM),
    slice: sliceTime(),
    sliceTests: FUEL_SLICE.toLocaleString("en-US"),
  };
  {
    using deep = HOSTILE_TIERS.template.compile(parse(nested(DEEP)));
    figures.deepCode = mib(deep.codeSize);
  }
  const source = huge(HUGE_BYTES);
  const program = parse(source);
  figures.hugeKiB = `${Math.round(source.length / 1024)} KiB`;
  figures.peakBefore = mib(peakKb() * 1024);
  let first: Uint8Array | null = null; // the first tier's output, which every other must give too
  for (const tier of GUARD_TIERS) {
    const { result, ms: took } = await runGuarded(program, tier, {});
    if (result.error !== null) throw new FiguresError(`the long program failed with ${tier}: ${result.error.message}`);
    first ??= result.output;
    if (Buffer.compare(result.output, first) !== 0) throw new FiguresError(`the long program's output with ${tier} is not ${GUARD_TIERS[0]}'s`);
    figures[`huge_${tier}`] = ms(took);
  }
  figures.hugeOut = first!.length.toLocaleString("en-US");
  figures.peakAfter = mib(peakKb() * 1024);
  return figures;
}

const USAGE = `bun chapters/12-hostile-programs/figures.ts

The figures chapter 12 quotes, as one JSON object: the two clocks now (hrtime, monotonic); ${FUEL_PROGRAM}.b
with the optimizing JIT without limits and with one it never reaches (fuelPlain, fuelLimited,
fuelRatio, best of ${RUNS}); how long a slice of fuel lasts (slice); the template JIT's code for ${DEEP.toLocaleString("en-US")}
nested loops (deepCode); each tier on a generated program of ${HUGE_BYTES / 1024} KiB (huge_TIER), and the
process's peak resident memory before and after (peakBefore, peakAfter).

  -h, --help    this text`;

if (import.meta.main) {
  await runMain(async () => {
    if (parseCommand(process.argv.slice(2), USAGE, { options: {} }) === null) return;
    console.log(JSON.stringify(await hostileFigures()));
  });
}
