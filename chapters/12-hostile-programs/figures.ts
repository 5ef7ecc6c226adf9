// The figures chapter 12's prose quotes, measured in one process on the book's own programs and the
// chapter's generated ones: the two clocks side by side, what fuel costs a program that never runs
// out of it, how long a slice of fuel lasts, the template JIT's code for a deeply nested program,
// and what each tier pays for a long one. With them, the numbers the prose takes from the code: the
// context block's fuel fields, where the runaway program stops, the limits and sizes of the tour.
//   bun chapters/12-hostile-programs/figures.ts
// It prints one JSON object, for a `run figures=hostile` block of the chapter's README.
import { readFileSync } from "node:fs";
import { readMaps, writableExecutable } from "../01-pages/maps.ts";
import { parse } from "../06-interpreter/parser.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { findProgram } from "../../shared/programs.ts";
import { fitsSigned } from "../04-encoder/numbers.ts";
import { interpret } from "../06-interpreter/interpreter.ts";
import type { RunResult } from "../06-interpreter/semantics.ts";
import { CONTEXT_SIZE } from "../07-template-jit/context.ts";
import { MAX_NESTING } from "../08-lir/errors.ts";
import { monotonicNs } from "./clock.ts";
import { FUEL_CONTEXT_SIZE, FUEL_CTX, FUEL_SLICE } from "./fuel.ts";
import { expected, FUZZ_TIERS } from "./fuzz.ts";
import { GUARD_TIERS, runGuarded } from "./guard.ts";
import { DEEP, DEMO_HUGE_BYTES, DEMO_MAX_STEPS, DEMO_TIMEOUT_MS, huge, nested, RUNAWAY } from "./programs.ts";
import { HOSTILE_TIERS } from "./tiers.ts";

export class FiguresError extends Error {
  override name = "FiguresError";
}

/** The book's program whose fuel cost the prose quotes: its scans are what fuel takes away. */
export const FUEL_PROGRAM = "circle";
/** Runs of each kind; the best one is kept (the compile is left out). */
export const RUNS = 7;
/** A step limit the fuel-cost program never reaches: its fuel is all paid for, and never runs out. */
export const NEVER_REACHED = 1e12;
/** The long program's size: an eighth of the --demo huge one, so that the site builds quickly. */
export const HUGE_BYTES = DEMO_HUGE_BYTES / 8;

const ms = (t: number) => `${t < 10 ? t.toFixed(1) : t.toFixed(0)} ms`;
const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(1)} MiB`;
/** A size given in whole units when it is one (1 GiB), else to a tenth. */
const size = (bytes: number) => {
  const [unit, scale] = bytes >= 2 ** 30 ? ["GiB", 2 ** 30] : bytes >= 2 ** 20 ? ["MiB", 2 ** 20] : ["KiB", 2 ** 10];
  return `${Number.isInteger(bytes / scale) ? bytes / scale : (bytes / scale).toFixed(1)} ${unit}`;
};
const count = (n: number) => n.toLocaleString("en-US");
/** "a", "a and b", "a, b and c". */
const list = (items: readonly string[]) => (items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`);
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
  const limited = { input, maxSteps: NEVER_REACHED };
  const out = compiled.run(limited).output; // compiles the fueled twin, outside the timing
  if (Buffer.compare(Buffer.from(out), readFileSync(p.outputFile)) !== 0) throw new FiguresError(`${name}: the fueled run printed the wrong output`);
  const plain = best(() => compiled.run({ input }));
  const fueled = best(() => compiled.run(limited));
  return { fuelPlain: ms(plain), fuelLimited: ms(fueled), fuelRatio: `${(fueled / plain).toFixed(1)}×`, runs: String(RUNS) };
}

/**
 * The fields fuel adds to the context block: how many, where the counter is, and the ones that lie
 * past a one-byte displacement. The prose says the counter still takes a one-byte one.
 */
function layout(): Record<string, string> {
  const fields = Object.entries(FUEL_CTX).sort(([, a], [, b]) => a - b);
  if (fields.length * 8 !== FUEL_CONTEXT_SIZE - CONTEXT_SIZE) throw new FiguresError(`the fuel fields are not ${fields.length} of 8 bytes each`);
  if (!fitsSigned(FUEL_CTX.fuel, 8)) throw new FiguresError(`the fuel counter, at offset ${FUEL_CTX.fuel}, no longer fits a one-byte displacement`);
  const far = fields.filter(([, offset]) => !fitsSigned(offset, 8));
  if (far.length === 0) throw new FiguresError("every fuel field fits a one-byte displacement: the prose says some do not");
  return { fuelFields: String(fields.length), fuelOffset: String(FUEL_CTX.fuel), farOffset: String(far[0]![1]), farFields: list(far.map(([name]) => name)) };
}

/**
 * Where the tour's runaway program stops under its step limit, by the references: the interpreter
 * (column of the command), the LIR interpreter on lowered LIR (the template and LIR JITs), and on
 * optimized LIR (the optimizing JIT). Each must be the command the prose names.
 */
function runawayStops(): Record<string, string> {
  const program = parse(RUNAWAY);
  const options = { maxSteps: DEMO_MAX_STEPS };
  const column = (who: string, r: RunResult | null, command: string): string => {
    const pos = r?.error?.name === "StepLimitError" ? r.error.pos : null;
    if (!pos) throw new FiguresError(`${RUNAWAY}: ${who} did not stop at a step limit of ${DEMO_MAX_STEPS}`);
    if (RUNAWAY[pos.offset] !== command) throw new FiguresError(`${RUNAWAY}: ${who} stops at '${RUNAWAY[pos.offset]}', not the '${command}' the prose names`);
    return String(pos.column);
  };
  const fuzzTier = (name: string) => FUZZ_TIERS.find((t) => t.name === name)!;
  return {
    demoSteps: count(DEMO_MAX_STEPS),
    stopInterp: column("the interpreter", interpret(program, options), "+"),
    stopLir: column("the template JIT's reference", expected(fuzzTier("template"), { name: "runaway", source: RUNAWAY, options }), "["),
    stopOpt: column("the optimizing JIT's reference", expected(fuzzTier("opt"), { name: "runaway", source: RUNAWAY, options }), "]"),
  };
}

/** The one writable and executable mapping the process has before any code of ours: the host's. */
function hostRwx(): string {
  const rwx = writableExecutable(readMaps());
  if (rwx.length !== 1 || rwx[0]!.path !== "") {
    const found = rwx.map((m) => `${size(m.end - m.start)} ${m.path === "" ? "anonymous" : m.path}`).join(", ") || "none";
    throw new FiguresError(
      `the prose ("W^X while the code runs") says the process has one anonymous RWX mapping, JavaScriptCore's pool for its own JIT, ` +
        `before any of our code is compiled; here it has ${found}. Is Bun's JIT turned off (BUN_JSC_useJIT=0), or is a tool preloaded? ` +
        `If this host differs for good, the prose must say what it finds.`,
    );
  }
  return size(rwx[0]!.end - rwx[0]!.start);
}

/** The tiers the fuzzer runs with fuel: this chapter's, then the others (chapter 10's). */
function fuzzed(): Record<string, string> {
  const own = FUZZ_TIERS.filter((t) => t.name in HOSTILE_TIERS).map((t) => t.name);
  const other = FUZZ_TIERS.filter((t) => !(t.name in HOSTILE_TIERS)).map((t) => t.name);
  return { fuzzOwn: list(own), fuzzOther: list(other) };
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
  const rwx = hostRwx(); // before anything of ours is compiled
  // The trap of the clocks: what each one says now.
  const hrtime = Number(process.hrtime.bigint()) / 1e6;
  const monotonic = Number(monotonicNs()) / 1e9;
  const figures: Record<string, string | number> = {
    hrtime: `${hrtime.toFixed(0)} ms`,
    monotonic: `${monotonic.toLocaleString("en-US", { maximumFractionDigits: 0 })} s`,
    ...fuelCost(FUEL_PROGRAM),
    slice: sliceTime(),
    sliceTests: FUEL_SLICE.toLocaleString("en-US"),
    fuelSteps: count(NEVER_REACHED),
    ...layout(),
    ...runawayStops(),
    demoTimeout: `${DEMO_TIMEOUT_MS} ms`,
    deep: count(DEEP),
    maxNesting: count(MAX_NESTING),
    demoHuge: size(DEMO_HUGE_BYTES),
    hugeRatio: String(DEMO_HUGE_BYTES / HUGE_BYTES),
    hostRwx: rwx,
    ...fuzzed(),
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
fuelRatio, best of ${RUNS}; fuelSteps); how long a slice of fuel lasts (slice, sliceTests); the template
JIT's code for ${DEEP.toLocaleString("en-US")} nested loops (deepCode); each tier on a generated program of
${HUGE_BYTES / 1024} KiB (huge_TIER), and the process's peak resident memory before and after (peakBefore,
peakAfter). And numbers taken from the code: the fuel fields of the context block (fuelFields,
fuelOffset, farOffset, farFields), where ${RUNAWAY} stops under the tour's step limit (demoSteps,
stopInterp, stopLir, stopOpt), the tour's other limits and sizes (demoTimeout, deep, demoHuge,
hugeRatio), chapter 8's nesting limit (maxNesting), the host's RWX mapping (hostRwx) and the tiers
fuzzed with fuel (fuzzOwn, fuzzOther).

  -h, --help    this text`;

if (import.meta.main) {
  await runMain(async () => {
    if (parseCommand(process.argv.slice(2), USAGE, { options: {} }) === null) return;
    console.log(JSON.stringify(await hostileFigures()));
  });
}
