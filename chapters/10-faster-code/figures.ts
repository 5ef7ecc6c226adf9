// The figures chapter 10's prose quotes: what each technique buys, measured the careful way. Every
// variant of a program is compiled once, in this one process, then the variants run in turn, round
// after round, and each keeps its fastest time in the program's own code: chapter 9's optimizing JIT,
// the fast tier, the fast tier without bounds checks, the fast tier with one technique turned off
// (linear loops, SIMD scans, registers, block checks), and gcc -O2 on chapter 9's LIR printed as C
// (when gcc is installed). Every run's output is checked. And, made first in the process, before
// anything has warmed the compiler: the compile, stage by stage, cold and warm.
//   bun chapters/10-faster-code/figures.ts [--budget S] [--table] [name ...]
// It prints one JSON object, for a `run figures=fast` block of the chapter's README (or, with
// --table, the same measurements as a table to read).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ROOT } from "../../shared/child.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { loopsProgram } from "../../shared/memory-bench.ts";
import { findPrograms, type BfProgram } from "../../shared/programs.ts";
import { parse } from "../06-interpreter/parser.ts";
import type { RunOptions } from "../06-interpreter/semantics.ts";
import type { CompiledProgram } from "../07-template-jit/tier.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { lirToC } from "../09-optimizer/c-backend.ts";
import { loadOptimized } from "../09-optimizer/jit.ts";
import { optimize } from "../09-optimizer/optimize.ts";
import { stopwatch } from "../09-optimizer/tiers.ts";
import { detectSimd } from "./cpu.ts";
import { VECTOR_CELLS, vectorCells } from "./fast-lowering.ts";
import { loadFast } from "./jit.ts";
import { knownChecks } from "./known-checks.ts";
import { linearLoops } from "./linear-loops.ts";

/** The book's own programs: always there, so the prose may quote them. */
export const BOOK_PROGRAMS: readonly string[] = ["collatz", "pascal", "circle", "cipher", "times"];
/** The classic ones, measured with --classic when they are installed (the prose never quotes them). */
export const CLASSIC_PROGRAMS: readonly string[] = ["mandelbrot", "long", "factor", "dbfi", "awib", "hanoi", "bench"];

/**
 * long.b's shape, written for this chapter: four nested counters around an innermost loop that adds
 * 3 to [0] and runs a multiply loop between two cells it then clears. Linear after its first turn.
 */
export const NEST_COUNTS = [8, 200, 200, 250] as const;
export function nestSource([a, b, c, d]: readonly number[] = NEST_COUNTS): string {
  const n = (k: number | undefined) => "+".repeat(k!);
  return `>${n(a)}[>${n(b)}[>${n(c)}[>${n(d)}[<<<<+++>>>>->>>+++[->+++++<]>[-]<<<<]<-]<-]<-]<.`;
}

/**
 * Strided scans, written for this chapter: 4,000 nonzero cells at even offsets (a multiple of 250), and an inner loop
 * that walks over them with `[>>]` and back with `[<<]`, turn after turn (its counters are at odd
 * offsets, which the scans step over).
 */
export const SWEEP_COUNTS = [100, 250] as const;
export const SWEEP_CELLS = 4000;
export function sweepSource([a, b]: readonly number[] = SWEEP_COUNTS, cells = SWEEP_CELLS): string {
  // The fill: a counter walking along the odd cells sets the even cell behind it, 250 cells a loop.
  const fill = `${"+".repeat(250)}[-[>>+<<-]<+>>>]`.repeat(cells / 250);
  return `>>>${fill}<<<[<<]>${"+".repeat(a!)}[>>${"+".repeat(b!)}[-<[>>]<<[<<]>>>]<<-]>.`;
}

/** The variants, in the order they run in each round. */
export const VARIANTS = ["opt", "fast", "unchecked", "noLinear", "libc", "noRegisters", "noBlockChecks", "gcc"] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_LABELS: Readonly<Record<Variant, string>> = {
  opt: "chapter 9",
  fast: "fast",
  unchecked: "fast, one bounds test per block",
  noLinear: "fast, no linear loops",
  libc: "fast, scans as chapter 9",
  noRegisters: "fast, no registers",
  noBlockChecks: "fast, a test per check",
  gcc: "gcc -O2",
};

export class FiguresError extends Error {
  override name = "FiguresError";
}

interface Subject {
  readonly name: string;
  readonly source: string;
  readonly options: RunOptions;
  readonly expected: Uint8Array;
  readonly book: boolean;
}

/** One variant of one program: how to run it once (its time in its own code, in ms), and its size. */
interface Runner {
  readonly run: () => number;
  readonly codeSize: number;
  readonly free: () => void;
}

export interface Measured {
  readonly program: string;
  /** Fastest time in the program's own code, per variant measured (ms). */
  readonly ms: Partial<Record<Variant, number>>;
  readonly codeSize: Partial<Record<Variant, number>>;
  readonly runs: number;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function nativeRunner(s: Subject, variant: Variant, compiled: CompiledProgram): Runner {
  return {
    run: () => {
      const { result, stats } = compiled.runWithStats(s.options);
      if (result.error !== null || !sameBytes(result.output, s.expected)) throw new FiguresError(`${s.name}: wrong output from the ${VARIANT_LABELS[variant]} code`);
      return stats.runMs;
    },
    codeSize: compiled.codeSize,
    free: () => compiled.free(),
  };
}

// #region gcc
const GCC_CACHE = resolve(ROOT, ".cache/bench/gcc");

export function hasGcc(): boolean {
  return spawnSync("gcc", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Chapter 9's LIR as C, compiled with gcc -O2 once (and kept by the hash of its source). */
function gccRunner(s: Subject, lir: Lir): Runner {
  const source = lirToC(lir);
  const binary = resolve(GCC_CACHE, `${s.name}-${createHash("sha256").update(source).digest("hex").slice(0, 16)}`);
  if (!existsSync(binary)) {
    mkdirSync(GCC_CACHE, { recursive: true });
    const mine = `${binary}.${process.pid}`; // built under a name of its own, then renamed: no half-written binary runs
    writeFileSync(`${mine}.c`, source);
    const cc = spawnSync("gcc", ["-O2", "-w", "-o", mine, `${mine}.c`], { encoding: "utf8" });
    if (cc.status !== 0) throw new FiguresError(`${s.name}: gcc failed: ${cc.stderr.trim().split("\n")[0]}`);
    renameSync(mine, binary);
  }
  const input = s.options.input ?? new Uint8Array(0);
  return {
    run: () => {
      const r = spawnSync(binary, [String(s.options.tapeSize ?? 30000), "-1"], { input, maxBuffer: 1 << 26 });
      if (r.status !== 0 || !sameBytes(new Uint8Array(r.stdout), s.expected)) throw new FiguresError(`${s.name}: wrong output from gcc's code`);
      return (JSON.parse(r.stderr.toString().trim().split("\n").at(-1)!) as { runMs: number }).runMs;
    },
    codeSize: 0,
    free: () => {},
  };
}
// #endregion gcc

// #region variants
/** Every variant of a program, compiled; `only` keeps some. */
function runners(s: Subject, only: readonly Variant[]): Map<Variant, Runner> {
  const lowered = lower(parse(s.source));
  const ch9 = optimize(lowered).lir;
  const lir = knownChecks(linearLoops(ch9)); // fastOptimize's, made from ch9 so the columns share it
  const simd = detectSimd();
  const out = new Map<Variant, Runner>();
  const make: Record<Variant, () => Runner> = {
    opt: () => nativeRunner(s, "opt", loadOptimized(ch9)),
    fast: () => nativeRunner(s, "fast", loadFast(lir, { simd }).program),
    unchecked: () => nativeRunner(s, "unchecked", loadFast(lir, { simd, unchecked: true }).program),
    noLinear: () => nativeRunner(s, "noLinear", loadFast(knownChecks(ch9), { simd }).program),
    libc: () => nativeRunner(s, "libc", loadFast(lir, { simd: "libc" }).program),
    noRegisters: () => nativeRunner(s, "noRegisters", loadFast(lir, { simd, registers: false }).program),
    noBlockChecks: () => nativeRunner(s, "noBlockChecks", loadFast(lir, { simd, blockChecks: false }).program),
    gcc: () => gccRunner(s, ch9),
  };
  for (const v of only) out.set(v, make[v]());
  return out;
}
// #endregion variants

const SHORT_ROUND_MS = 40;
const SHORT_RUN_MS = 20;
const MIN_SHORT_REPEATS = 5;
const MAX_REPEATS = 20;
/** Rounds made whatever the budget, of the programs the prose quotes. */
const MIN_ROUNDS = 2;

/**
 * Measure every program: round after round, every variant of every program in turn, so that
 * whatever else the machine does falls on all of them alike; each keeps its fastest run. At least
 * MIN_ROUNDS rounds of the programs the prose quotes, then more while the
 * budget lasts (at most `maxRuns`).
 */
export function measure(subjects: readonly Subject[], variants: readonly Variant[], budgetMs: number, maxRuns = 7): Measured[] {
  const started = performance.now();
  const all = subjects.map((s) => ({ s, runners: runners(s, variants), ms: {} as Partial<Record<Variant, number>>, runs: 0 }));
  // A run of a few milliseconds is at the mercy of one interruption: such runs are repeated within a
  // round, at least MIN_SHORT_REPEATS times, and until the round has spent SHORT_ROUND_MS on them.
  const round = (m: (typeof all)[number]) => {
    for (const [v, r] of m.runners) {
      const first = r.run();
      m.ms[v] = Math.min(m.ms[v] ?? Infinity, first);
      const wanted = Math.max(Math.ceil(SHORT_ROUND_MS / first), first < SHORT_RUN_MS ? MIN_SHORT_REPEATS : 1);
      for (let i = 1; i < Math.min(MAX_REPEATS, wanted); i++) m.ms[v] = Math.min(m.ms[v]!, r.run());
    }
    m.runs++;
  };
  for (const m of all) round(m);
  const roundMs = performance.now() - started;
  for (let r = 1; r < MIN_ROUNDS; r++) for (const m of all) if (!CLASSIC_PROGRAMS.includes(m.s.name)) round(m);
  const left = () => budgetMs - (performance.now() - started);
  for (let r = MIN_ROUNDS; r < maxRuns && left() > roundMs; r++) for (const m of all) round(m);
  const out = all.map((m) => ({
    program: m.s.name,
    ms: m.ms,
    codeSize: Object.fromEntries([...m.runners].map(([v, r]) => [v, r.codeSize])) as Partial<Record<Variant, number>>,
    runs: m.runs,
  }));
  for (const m of all) for (const r of m.runners.values()) r.free();
  return out;
}

export interface CompileFigures {
  /** `+`, the first compile in this process (the CPU probe included), and the second. */
  readonly plusColdMs: number;
  readonly plusWarmMs: number;
  /** The biggest program: its first compile, stage by stage, and its fifth. */
  readonly big: string;
  readonly first: Readonly<Record<Stage, number>>;
  readonly fifth: Readonly<Record<Stage, number>>;
}

export const STAGES = ["parse", "lower", "passes", "linear", "codegen"] as const;
export type Stage = (typeof STAGES)[number];
const STAGE_LABELS: Readonly<Record<Stage, string>> = { parse: "parsing", lower: "lowering", passes: "chapter 9's passes", linear: "the linear-loop and known-checks passes", codegen: "code generation" };

/** Runs shorter than this say little about a difference of a few per cent. */
const LONG_ENOUGH_MS = 20;
const listOf = (xs: readonly string[]) => (xs.length <= 1 ? xs.join("") : `${xs.slice(0, -1).join(", ")} and ${xs.at(-1)}`);

// #region compile-stages
/** One compile with the fast tier, each stage timed (ms). */
export function timedCompile(source: string): Record<Stage, number> {
  const lap = stopwatch();
  const program = parse(source);
  const parseMs = lap();
  const lowered = lower(program);
  const lowerMs = lap();
  const ch9 = optimize(lowered).lir;
  const passesMs = lap();
  const lir = knownChecks(linearLoops(ch9)); // the fast tier's own passes, timed together
  const linearMs = lap();
  const { program: compiled } = loadFast(lir);
  const codegenMs = lap();
  compiled.free();
  return { parse: parseMs, lower: lowerMs, passes: passesMs, linear: linearMs, codegen: codegenMs };
}
// #endregion compile-stages

/** Made first thing in the process, before anything has warmed the compiler. */
export function compileFigures(big: Subject): CompileFigures {
  const plusColdMs = total(timedCompile("+"));
  const plusWarmMs = total(timedCompile("+"));
  const first = timedCompile(big.source);
  for (let i = 0; i < 3; i++) timedCompile(big.source);
  return { plusColdMs, plusWarmMs, big: big.name, first, fifth: timedCompile(big.source) };
}

const total = (t: Readonly<Record<Stage, number>>) => STAGES.reduce((sum, s) => sum + t[s], 0);

// #region format
/** A time as the prose quotes it: three significant figures, in ms or s. */
export function time(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** How many times faster b is than a, one decimal (two under 2, so that 1.05 shows). */
export function times(a: number, b: number): string {
  const x = a / b;
  return `${x >= 10 ? x.toFixed(0) : x >= 2 ? x.toFixed(1) : x.toFixed(2)}×`;
}

/** A difference as a percentage of `base`, signed: "+3 %", "−12 %". */
export function percent(base: number, other: number): string {
  const p = Math.round(((other - base) / base) * 100);
  return `${p > 0 ? "+" : p < 0 ? "−" : "±"}${Math.abs(p)} %`;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
// #endregion format

/** How the prose names a program of shared/memory-bench.ts's generated loops, `k` KiB long. */
export function loopsName(k: number): string {
  return `${k} KiB of generated loops`;
}

/** A --kib value (`fallback` when not given): a whole number of KiB, 1 or more. */
export function kibOption(value: string | undefined, fallback: number): number {
  const kib = Number(value ?? fallback);
  if (!Number.isInteger(kib) || kib < 1) throw new FiguresError(`--kib must be a whole number of KiB, 1 or more, not '${value}'`);
  return kib;
}

/** `use`'s answer for a file that holds a program of generated loops, `k` KiB long, removed after. */
export function withLoopsFile<T>(k: number, use: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "bf-loops-"));
  try {
    const file = join(dir, "loops.b");
    writeFileSync(file, loopsProgram(k * 1024));
    return use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The longest stride each vector width scans inline (sse2Stride, avx2Stride): the rest keep chapter 9's scan. */
export function vectorStrides(): Record<string, number> {
  const longest = (bytes: number) => {
    let stride = 1;
    while (vectorCells(stride + 1, bytes) >= VECTOR_CELLS) stride++;
    return stride;
  };
  return { sse2Stride: longest(16), avx2Stride: longest(32) };
}

/** The figures, keyed for the prose: NAME + variant (ms), ratios, code sizes, the compile. */
export function figures(measured: readonly Measured[], compile: CompileFigures, gcc: boolean): Record<string, string | number> {
  const quoted = measured.filter((m) => !CLASSIC_PROGRAMS.includes(m.program));
  const out: Record<string, string | number> = { gcc: gcc ? "yes" : "no", runs: Math.min(...quoted.map((m) => m.runs)), ...vectorStrides() };
  for (const m of measured) {
    const ms = m.ms;
    for (const v of VARIANTS) if (ms[v] !== undefined) out[`${m.program}_${v}`] = time(ms[v]!);
    for (const v of VARIANTS) if (m.codeSize[v]) out[`${m.program}_${v}Size`] = kib(m.codeSize[v]!);
    if (ms.opt !== undefined && ms.fast !== undefined) out[`${m.program}_speedup`] = times(ms.opt, ms.fast);
    if (ms.fast !== undefined && ms.unchecked !== undefined) out[`${m.program}_checks`] = percent(ms.unchecked, ms.fast);
    if (ms.fast !== undefined && ms.gcc !== undefined) out[`${m.program}_vsGcc`] = times(ms.fast, ms.gcc);
    if (ms.opt !== undefined && ms.gcc !== undefined) out[`${m.program}_optVsGcc`] = times(ms.opt, ms.gcc);
    // Without gcc the yardstick's cells show a dash: the prose's tables quote them either way.
    if (!gcc) for (const k of ["gcc", "vsGcc", "optVsGcc"]) out[`${m.program}_${k}`] = "–";
  }
  const book = measured.filter((m) => !CLASSIC_PROGRAMS.includes(m.program));
  // The price of the checks where a run is long enough to tell (a few-millisecond run is at the
  // mercy of one interruption): the largest difference either way.
  // Long enough by the fastest run of any of its native variants: one slow variant does not qualify a program.
  const fastestNative = (m: Measured) => Math.min(...VARIANTS.filter((v) => v !== "gcc" && m.ms[v] !== undefined).map((v) => m.ms[v]!));
  const long = book.filter((m) => m.ms.fast !== undefined && m.ms.unchecked !== undefined && fastestNative(m) >= LONG_ENOUGH_MS);
  const diffs = long.map((m) => ((m.ms.fast! - m.ms.unchecked!) / m.ms.unchecked!) * 100);
  out.checksMost = diffs.length > 0 ? `${Math.round(Math.max(...diffs.map(Math.abs)))} %` : "–";
  out.checksPrograms = long.length > 0 ? listOf(long.map((m) => m.program)) : "none";
  out.plusCold = time(compile.plusColdMs);
  out.plusWarm = time(compile.plusWarmMs);
  out.big = `${compile.big}.b`;
  out.bigFirst = time(total(compile.first));
  out.bigFifth = time(total(compile.fifth));
  out.bigWarmer = times(total(compile.first), total(compile.fifth));
  for (const s of STAGES) {
    out[`bigFirst_${s}`] = time(compile.first[s]);
    out[`bigFifth_${s}`] = time(compile.fifth[s]);
  }
  const biggest = STAGES.reduce((a, b) => (compile.first[a] >= compile.first[b] ? a : b));
  out.bigFirstLargest = STAGE_LABELS[biggest];
  out.bigFirstLargestShare = `${Math.round((compile.first[biggest] / total(compile.first)) * 100)} %`;
  return out;
}

/** The measurements as a markdown table, one row per program. */
export function table(measured: readonly Measured[], variants: readonly Variant[]): string {
  const head = ["program", ...variants.map((v) => VARIANT_LABELS[v])];
  const rows = measured.map((m) => [m.program, ...variants.map((v) => (m.ms[v] === undefined ? "–" : time(m.ms[v]!)))]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (i === 0 ? ":" + "-".repeat(w + 1) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [line(head), rule, ...rows.map(line)].join("\n");
}

function subjectOf(p: BfProgram): Subject {
  return {
    name: p.name,
    source: readFileSync(p.file, "utf8"),
    options: { input: p.inputFile === null ? new Uint8Array(0) : new Uint8Array(readFileSync(p.inputFile)), tapeSize: p.tapeSize ?? 30000 },
    expected: new Uint8Array(readFileSync(p.outputFile)),
    book: p.origin === "book",
  };
}

export function sweepSubject(): Subject {
  return { name: "sweep", source: sweepSource(), options: {}, expected: new Uint8Array([1]), book: true };
}

export function nestSubject(): Subject {
  const turns = NEST_COUNTS.reduce((a, b) => a * b, 1);
  return { name: "nest", source: nestSource(), options: {}, expected: new Uint8Array([(3 * turns) & 255]), book: true };
}

const USAGE = `bun chapters/10-faster-code/figures.ts [--budget S] [--table] [--classic] [name ...]

The figures chapter 10 quotes, as one JSON object. Each program's variants are compiled once, then run
in turn, round after round, keeping each one's fastest time in the program's own code: chapter 9's
optimizing JIT (NAME_opt), the fast tier (NAME_fast), with one bounds test per block (NAME_unchecked), without
one technique (NAME_noLinear, NAME_libc, NAME_noRegisters, NAME_noBlockChecks), and gcc -O2 on chapter
9's LIR (NAME_gcc, when gcc is installed); ratios (NAME_speedup, NAME_checks, NAME_vsGcc); then the
compile of the biggest program, stage by stage, first and fifth in the process (bigFirst_STAGE...).
Programs: nest (long.b's shape) and sweep (strided scans), made here, ${BOOK_PROGRAMS.join(", ")}; with --classic,
${CLASSIC_PROGRAMS.join(", ")} too, where installed.

  --budget S    seconds to spend on rounds (default 10); two rounds are always made, whatever the
                budget
  --table       print the times as a table instead
  --classic     measure the classic programs too, those installed (minutes, not seconds)
  -h, --help    this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { allowPositionals: true, options: { budget: { type: "string" }, table: { type: "boolean" }, classic: { type: "boolean" } } });
    if (args === null) return;
    const budget = Number(args.values.budget ?? 10);
    if (!(budget >= 0)) throw new FiguresError(`--budget must be a number of seconds, not '${args.values.budget}'`);
    const names = args.positionals.length > 0 ? args.positionals : [...BOOK_PROGRAMS, ...(args.values.classic === true ? CLASSIC_PROGRAMS : [])];
    const wanted = names.filter((n) => n !== "nest" && n !== "sweep");
    const { programs, missing } = findPrograms(wanted);
    // A figure the prose quotes must always be there: the book's programs are; a classic one is only measured when installed.
    const absent = missing.filter((n) => !CLASSIC_PROGRAMS.includes(n) || args.positionals.includes(n));
    if (absent.length > 0) throw new FiguresError(`not installed: ${absent.join(", ")} (\`npm run programs -- fetch\` downloads them)`);
    const made = [nestSubject(), sweepSubject()].filter((s) => names.includes(s.name) || args.positionals.length === 0);
    const subjects = [...made, ...programs.map(subjectOf)];
    const big = subjects.reduce((a, b) => (b.source.length > a.source.length ? b : a));
    const compile = compileFigures(big);
    const gcc = hasGcc();
    const variants = VARIANTS.filter((v) => v !== "gcc" || gcc);
    const measured = measure(subjects, variants, budget * 1000);
    if (args.values.table === true) console.log(table(measured, variants));
    else console.log(JSON.stringify(figures(measured, compile, gcc)));
  });
}
