// npm run bench [-- bf] [--runs N] [--quick] [--limit S] [--tiers a,b,...] [--peer NAME=CMD] [--out FILE] [program...]
//
// The Brainfuck benchmark: every tier of the book on the benchmark programs (shared/programs.ts: the
// book's own, and the classic ones where installed), side by side in one run, and a yardstick: the
// optimizing JIT's own LIR printed as C and compiled with `gcc -O2` (when gcc is installed). Each tier runs as a whole process, `bun
// chapters/NN-name/main.ts prog.b [--tier T] --stats=json`, so one run gives both what a user
// waits for (the process, Bun's start-up and the compile included) and, from --stats, the time in the
// program's own code. Every output is checked against the program's .out file: a fast wrong answer is
// no answer. Any other implementation can stand beside them as a column: --peer NAME='CMD {prog}' runs
// CMD through the shell, with {prog} replaced by the program's path and its input on stdin, and each
// tier's time is shown over the peer's. The tiers are the book's tier registry (shared/tiers.ts); run
// i of every column comes before run i + 1 of any, so that drift in the machine falls on all alike.
//
// Defaults: 3 runs of everything (the median is shown), no time limit. --quick: 1 run, and a run over
// --limit seconds (10 by default) is stopped and shown as "> 10 s". The table goes to stdout and the
// figures, as site/bench-chart.ts's BenchFile, to .cache/bench/bf.json (or --out FILE).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, resolve } from "node:path";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { DEFAULT_TAPE_LIMIT } from "../chapters/06-interpreter/semantics.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { lirToC } from "../chapters/09-optimizer/c-backend.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { bundledCommands, refreshBundles } from "./start-up.ts";
import type { BenchFile } from "../site/bench-chart.ts";
import { BUN, ROOT } from "./child.ts";
import { parseCommand } from "./cli.ts";
import { commandTiers } from "./tiers.ts";
import { BENCH_PROGRAM_NAMES, findPrograms, programsIn, type BfProgram, type ProgramSet } from "./programs.ts";

// #region tiers
/** The tiers a command runs, in the book's order (the tier registry), then the C yardstick. */
export const BF_TIERS: readonly string[] = [...commandTiers().map((t) => t.name), "gcc"];
export type BfTier = string;

export const TIER_LABELS: Readonly<Record<BfTier, string>> = Object.fromEntries([...commandTiers().map((t) => [t.name, t.label]), ["gcc", "gcc -O2"]]);

/** How each tier is run: the chapter whose main.ts runs it, and the --tier it is there (if any). */
const TIER_MAINS: Readonly<Record<BfTier, { readonly main: string; readonly tier: string | null }>> = Object.fromEntries(commandTiers().map((t) => [t.name, t.command!]));
// #endregion tiers

/** Another implementation, measured beside the book's tiers: CMD with {prog} replaced by the program's path. */
export interface Peer {
  readonly name: string;
  readonly command: string;
}

/** A column of the table: one of the book's tiers, or a peer by its name. */
export type Column = BfTier | `peer:${string}`;

export const columnLabel = (c: Column): string => (c.startsWith("peer:") ? c.slice(5) : TIER_LABELS[c as BfTier]);

export interface BfBenchOptions {
  /** Runs of each (program, tier); the table shows the median. */
  readonly runs: number;
  /** Stop a run after this many seconds and show "> N s" (null: no limit, only a 10-minute safety net). */
  readonly limitSeconds: number | null;
  readonly tiers: readonly BfTier[];
  readonly peers: readonly Peer[];
  /** Program names (shared/programs.ts), by default the benchmark set. */
  readonly programs: readonly string[];
  /** A folder of NAME.b, NAME.out and NAME.in to take the programs from instead (null: the catalogue). */
  readonly dir: string | null;
  /** Where the gcc yardstick's sources and binaries are kept between runs. */
  readonly cacheDir: string;
  /** Called after each (program, tier), for progress on stderr. */
  readonly onCell?: (cell: Cell) => void;
}

/** One program in one tier: its runs, or why there are none. */
export interface Cell {
  readonly program: string;
  readonly tier: Column;
  /** ok: every run gave the expected output; over: a run hit the time limit; failed: see `note`. */
  readonly status: "ok" | "over" | "failed";
  /** Wall time of each whole process, in milliseconds. */
  readonly processMs: readonly number[];
  /** Time in the program's own code (as the process measured it), in milliseconds. */
  readonly runMs: readonly number[];
  /** Parse to loaded machine code (gcc: its compile time, once); 0 for the interpreter. */
  readonly compileMs: number;
  readonly codeSize: number;
  readonly note: string | null;
}

export interface BfBenchReport {
  readonly options: BfBenchOptions;
  readonly programs: readonly string[];
  readonly tiers: readonly Column[];
  readonly cells: readonly Cell[];
  readonly machine: string;
  /** Programs asked for that are not here (classic ones not installed), and what to do about it. */
  readonly missing: readonly string[];
  readonly note: string | null;
  /**
   * Bun's own start-up: a one-line script run as a whole process, once in every round of every
   * program, before the round's columns (none when no column is one of the book's tiers).
   */
  readonly startupMs: readonly number[];
}

export class BfBenchError extends Error {
  override name = "BfBenchError";
}

export const DEFAULT_OPTIONS: BfBenchOptions = {
  runs: 3,
  limitSeconds: null,
  tiers: BF_TIERS,
  peers: [],
  programs: BENCH_PROGRAM_NAMES,
  dir: null,
  cacheDir: resolve(ROOT, ".cache/bench/gcc"),
};

const SAFETY_MS = 600_000;

/** Is gcc on this machine? (The yardstick is left out, with a note, where it is not.) */
export function hasGcc(): boolean {
  return spawnSync("gcc", ["--version"], { stdio: "ignore" }).status === 0;
}

// #region run-bench
export async function runBfBench(options: Partial<BfBenchOptions> = {}): Promise<BfBenchReport> {
  const o: BfBenchOptions = { ...DEFAULT_OPTIONS, ...options };
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new BfBenchError(`--runs must be a whole number, 1 or more, not ${o.runs}`);
  const found: ProgramSet = o.dir === null ? findPrograms(o.programs) : programsIn(o.dir, o.programs);
  const columns: Column[] = [...o.tiers, ...o.peers.map((p) => `peer:${p.name}` as const)];
  const cells: Cell[] = [];
  const bunTiers = o.tiers.some((t) => t !== "gcc");
  if (bunTiers) {
    // A command is timed as a reader runs it: from its bytecode, where it has one.
    try {
      await refreshBundles();
    } catch (e) {
      console.error(`note: ${(e as Error).message}; the commands start from source`);
    }
  }
  const startupMs: number[] = [];
  for (const p of found.programs) {
    const expected = new Uint8Array(readFileSync(p.outputFile));
    const input = p.inputFile === null ? new Uint8Array(0) : new Uint8Array(readFileSync(p.inputFile));
    const runners: Runner[] = [];
    for (const tier of o.tiers) runners.push(tier === "gcc" ? await gccRunner(p, o) : bunRunner(p, tier));
    for (const peer of o.peers) runners.push({ column: `peer:${peer.name}`, argv: ["sh", "-c", peer.command.replaceAll("{prog}", shellQuote(p.file))], compileMs: 0, note: null });
    // Run i of every column, then run i + 1 of every column: whatever else the machine does meanwhile
    // falls on all of them alike, not on whichever happened to be measured then.
    const timings = runners.map((r) => new Timings(p.name, r));
    for (let i = 0; i < o.runs; i++) {
      if (bunTiers) startupMs.push((await spawnTimed(ONE_LINE, new Uint8Array(0), SAFETY_MS)).ms);
      for (const t of timings) if (t.running) await t.once(o, input, expected);
    }
    for (const t of timings) {
      const cell = t.cell();
      cells.push(cell);
      o.onCell?.(cell);
    }
  }
  return { options: o, programs: found.programs.map((p) => p.name), tiers: columns, cells, machine: machine(), missing: found.missing, note: found.note, startupMs };
}
// #endregion run-bench

/**
 * The floor under every tier's process time: Bun starting, running one line and exiting, in the same
 * folder as the tiers (so with the same bunfig.toml). A tier's time over it is what the book's own
 * code costs: loading its modules, compiling, running.
 */
export const ONE_LINE: readonly string[] = [BUN, "-e", "0"];

/** How to run one column on one program: its command, or why there is none (`note`). */
interface Runner {
  readonly column: Column;
  readonly argv: readonly string[] | null;
  /** gcc's compile time, measured once; 0 for the others (their --stats report theirs). */
  readonly compileMs: number;
  readonly note: string | null;
}

/** A tier of a chapter's main.ts: a whole process. */
function bunRunner(p: BfProgram, tier: BfTier): Runner {
  const { main, tier: flag } = TIER_MAINS[tier]!;
  const argv = [BUN, resolve(ROOT, main), p.file, ...(flag === null ? [] : ["--tier", flag]), "--stats=json", ...(p.tapeSize === undefined ? [] : ["--tape", String(p.tapeSize)])];
  return { column: tier, argv, compileMs: 0, note: null };
}

// #region gcc
/** The yardstick: the optimized LIR as C, compiled once with gcc -O2 (and kept), then run as a binary. */
async function gccRunner(p: BfProgram, o: BfBenchOptions): Promise<Runner> {
  const none = (note: string): Runner => ({ column: "gcc", argv: null, compileMs: 0, note });
  if (!hasGcc()) return none("gcc is not installed");
  const source = lirToC(optimize(lower(parse(readFileSync(p.file, "utf8")))).lir);
  const binary = resolve(o.cacheDir, `${p.name}-${createHash("sha256").update(source).digest("hex").slice(0, 16)}`);
  const meta = `${binary}.json`;
  if (!existsSync(binary) || !existsSync(meta)) {
    mkdirSync(dirname(binary), { recursive: true });
    // Built under names of this process's own, then renamed: two benchmarks running at once may
    // build the same binary, and neither may run the other's half-written file (ETXTBSY).
    const mine = `${binary}.${process.pid}`;
    writeFileSync(`${mine}.c`, source);
    const started = performance.now();
    const cc = spawnSync("gcc", ["-O2", "-w", "-o", mine, `${mine}.c`], { encoding: "utf8" });
    if (cc.status !== 0) return none(`gcc failed: ${cc.stderr.trim().split("\n").slice(0, 3).join(" ")}`);
    renameSync(`${mine}.c`, `${binary}.c`);
    renameSync(mine, binary);
    writeFileSync(`${meta}.${process.pid}`, JSON.stringify({ compileMs: performance.now() - started }));
    renameSync(`${meta}.${process.pid}`, meta);
  }
  const { compileMs } = JSON.parse(readFileSync(meta, "utf8")) as { compileMs: number };
  // The tiers' tape grows, up to DEFAULT_TAPE_LIMIT cells; the C program's cannot, so it gets them all
  // at once (calloc's pages cost nothing until they are touched).
  return { column: "gcc", argv: [binary, String(p.tapeSize ?? DEFAULT_TAPE_LIMIT), "-1"], compileMs, note: null };
}
// #endregion gcc

// #region measure
/** One column's runs on one program, taken one at a time; the first that fails ends them. */
class Timings {
  readonly #program: string;
  readonly #runner: Runner;
  readonly #processMs: number[] = [];
  readonly #runMs: number[] = [];
  #compileMs: number;
  #codeSize = 0;
  #status: Cell["status"] | "running";
  #note: string | null;

  constructor(program: string, runner: Runner) {
    this.#program = program;
    this.#runner = runner;
    this.#compileMs = runner.compileMs;
    this.#status = runner.argv === null ? "failed" : "running";
    this.#note = runner.note;
  }

  get running(): boolean {
    return this.#status === "running";
  }

  async once(o: BfBenchOptions, input: Uint8Array, expected: Uint8Array): Promise<void> {
    const timeoutMs = o.limitSeconds === null ? SAFETY_MS : o.limitSeconds * 1000;
    const r = await spawnTimed(this.#runner.argv!, input, timeoutMs);
    if (r.timedOut) return this.#stop("over", `stopped after ${formatSeconds(timeoutMs)}`);
    if (r.exitCode !== 0) return this.#stop("failed", `exited with ${r.exitCode ?? r.signal}: ${lastError(r.stderr)}`);
    if (!sameBytes(r.stdout, expected)) return this.#stop("failed", `wrong output (${r.stdout.length} bytes, expected ${expected.length})`);
    const stats = statsJson(r.stderr);
    this.#processMs.push(r.ms);
    this.#runMs.push(stats.codeMs ?? stats.runMs ?? r.ms);
    if (this.#runner.column !== "gcc") this.#compileMs = stats.compileMs ?? 0; // a peer reports none: 0
    this.#codeSize = stats.codeSize ?? 0;
  }

  #stop(status: Cell["status"], note: string): void {
    this.#status = status;
    this.#note = note;
  }

  cell(): Cell {
    const status = this.#status === "running" ? "ok" : this.#status;
    return { program: this.#program, tier: this.#runner.column, status, processMs: this.#processMs, runMs: this.#runMs, compileMs: this.#compileMs, codeSize: this.#codeSize, note: this.#note };
  }
}
// #endregion measure

interface Timed {
  readonly stdout: Uint8Array;
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly ms: number;
}

/** Run argv with `input` on stdin; stdout as bytes (awib's output is a binary). */
async function spawnTimed(argv: readonly string[], input: Uint8Array, timeoutMs: number): Promise<Timed> {
  const started = performance.now();
  const proc = Bun.spawn([...argv], {
    cwd: ROOT,
    stdin: new Blob([input as BlobPart]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    env: { ...process.env, DO_NOT_TRACK: "1", NYC_BUN: "0" },
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).arrayBuffer(), new Response(proc.stderr).text()]);
  await proc.exited;
  const ms = performance.now() - started;
  const signal = proc.signalCode === null ? null : String(proc.signalCode);
  return { stdout: new Uint8Array(stdout), stderr, exitCode: proc.exitCode, signal, timedOut: signal === "SIGKILL" && ms >= timeoutMs * 0.95, ms };
}

export interface StatsJson {
  readonly compileMs?: number;
  readonly runMs?: number;
  readonly codeMs?: number;
  readonly codeSize?: number;
}

// A main's --stats=json object, written with one write(); it is looked for inside a line, since
// JSC's reports of its own compiles (BUN_JSC_report...) come in pieces from other threads and may
// be cut by it.
const STATS_JSON = /\{"\w+":[^\n]*\}\n?/g;

/** The last --stats=json object a main wrote on stderr, or {} when there is none (a peer's). */
export function statsJson(stderr: string): StatsJson {
  const found = stderr.match(STATS_JSON);
  return found === null ? {} : (JSON.parse(found.at(-1)!) as StatsJson);
}

/** stderr with --stats' JSON (and its newline) taken out: what else the process wrote, whole. */
export function withoutStats(stderr: string): string {
  return stderr.replace(STATS_JSON, "");
}

/** The last line of stderr once --stats' JSON is taken out: the error, when a run fails. */
export function lastError(stderr: string): string {
  return withoutStats(stderr).trim().split("\n").reverse().find((l) => l.trim() !== "") ?? "";
}

const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function machine(): string {
  const cpu = cpus();
  return `Bun ${Bun.version} · ${process.platform} ${process.arch} · ${cpu[0]?.model.trim() ?? "unknown CPU"} × ${cpu.length}`;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// #region table
/** One row per (program, tier): medians, compile time, code size, and the ratios (one per peer too). */
export function formatBfTable(report: BfBenchReport): string {
  const peers = report.tiers.filter((t) => t.startsWith("peer:"));
  const head = ["program", "tier", "process", "over Bun", "run", "compile", "code", "vs interp.", "vs gcc", ...peers.map((p) => `vs ${columnLabel(p)}`)];
  const startup = report.startupMs.length > 0 ? median(report.startupMs) : null;
  const rows: string[][] = [];
  for (const program of report.programs) {
    const of = (tier: Column) => report.cells.find((c) => c.program === program && c.tier === tier);
    const interp = of("interp");
    const gcc = of("gcc");
    report.tiers.forEach((tier, i) => {
      const c = of(tier)!;
      const name = i === 0 ? program : "";
      if (c.status !== "ok") {
        rows.push([name, columnLabel(tier), c.status === "over" ? `> ${formatSeconds(timeLimit(report))}` : "failed", "", "", "", "", "", "", ...peers.map(() => "")]);
        return;
      }
      const process = median(c.processMs);
      const run = median(c.runMs);
      const faster = interp === undefined || tier === "interp" ? "" : interp.status === "over" ? `> ${ratio(timeLimit(report) / process)}` : interp.status === "ok" ? ratio(median(interp.processMs) / process) : "";
      const slower = gcc?.status === "ok" && tier !== "gcc" ? ratio(run / median(gcc.runMs)) : "";
      // Against a peer, the whole process: a peer's command reports no time of its own.
      const vsPeers = peers.map((peer) => {
        const pc = of(peer);
        return peer === tier || pc?.status !== "ok" ? "" : ratio(process / median(pc.processMs));
      });
      const compile = tier === "interp" || tier.startsWith("peer:") ? "-" : formatSeconds(c.compileMs);
      const over = startup === null || tier === "gcc" || tier.startsWith("peer:") ? "-" : formatSeconds(process - startup);
      rows.push([name, columnLabel(tier), formatSeconds(process), over, formatSeconds(run), compile, c.codeSize > 0 ? `${(c.codeSize / 1024).toFixed(1)} KiB` : "-", faster, slower, ...vsPeers]);
    });
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => "| " + cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (i < 2 ? ":" + "-".repeat(w + 1) : "-".repeat(w + 1) + ":")).join("|") + "|";
  const notes = report.cells.filter((c) => c.status === "failed").map((c) => `${c.program}, ${columnLabel(c.tier)}: ${c.note}`);
  return [line(head), rule, ...rows.map(line), ...(notes.length > 0 ? ["", ...notes] : [])].join("\n");
}
// #endregion table

/** The measure, for the table's caption and the chart's. */
export function measureText(report: BfBenchReport): string {
  const runs = report.options.runs;
  const peers = report.options.peers.length > 0 ? `; ${report.options.peers.map((p) => p.name).join(", ")}: the whole command, run time = process time` : "";
  const mains = new Set(bundledCommands().map((c) => `${dirname(c)}/main.ts`));
  const fromBundle = report.tiers.filter((t) => !t.startsWith("peer:") && t !== "gcc" && mains.has(TIER_MAINS[t]?.main ?? ""));
  const quoted = fromBundle.map((t) => `"${columnLabel(t)}"`); // a label may hold a comma
  const names = quoted.length < 2 ? quoted.join("") : `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1)}`;
  const bundled = fromBundle.length > 0 ? `; ${names}: started from a bytecode bundle (shared/start-up.ts), the other tiers from source` : "";
  return `median of ${runs} run${runs === 1 ? "" : "s"}, whole process (Bun's start-up and the compile included; gcc: the compiled binary alone${peers}${bundled})`;
}

// #region bench-file
/** The figures the site's chart draws: each tier's whole-process time, for the runs that finished. */
export function toBenchFile(report: BfBenchReport): BenchFile {
  return {
    format: "jit-bench/1",
    measure: measureText(report),
    tiers: report.tiers.map(columnLabel),
    programs: [...report.programs],
    results: report.cells.filter((c) => c.status === "ok").map((c) => ({ program: c.program, tier: columnLabel(c.tier), ms: median(c.processMs) })),
    machine: report.machine,
  };
}
// #endregion bench-file

function timeLimit(report: BfBenchReport): number {
  return (report.options.limitSeconds ?? SAFETY_MS / 1000) * 1000;
}

function formatSeconds(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 100 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(3)} s`;
}

function ratio(x: number): string {
  return x >= 100 ? `${x.toFixed(0)}x` : x >= 10 ? `${x.toFixed(1)}x` : `${x.toFixed(2)}x`;
}

// #region cli
export const BENCH_HELP = `npm run bench -- [bf] [options] [program ...]

Every tier of the book on the Brainfuck programs, side by side in one run, each output checked; a table
on stdout, the figures as JSON for the site's chart. Programs: the benchmark set by default (the book's
own, and the classic ones once \`npm run programs -- fetch\` has installed them); \`npm run programs\`
lists every name.

  --quick             one run of each, a run over --limit seconds (default 10) stopped
  --runs N            runs of each (default 3; the table shows the median)
  --limit S           stop a run after S seconds and show "> S s"
  --tiers a,b,...     the tiers, of: ${BF_TIERS.join(", ")}
  --peer NAME=CMD     another implementation as a column: CMD runs in sh, {prog} is the program's path,
                      its input comes on stdin; measured in turn with the tiers, run by run, and each
                      tier's time shown over its own ("vs NAME"); a peer that fails is reported, and
                      the rest goes on. May be given more than once. E.g. tritium, built beside a
                      checkout: --peer tritium="$(../shared/peers/build-tritium) -b8 {prog}"
  --dir DIR           take NAME.b, NAME.out and NAME.in from DIR instead
  --out FILE          where the JSON goes (default .cache/bench/bf.json)
  -h, --help          this text`;

/** `npm run bench -- bf ...`: parse the options, run, print the table, write the JSON. */
export async function benchCommand(args: readonly string[]): Promise<void> {
  const parsed = parseBenchArgs(args);
  if (parsed === null) return;
  const { options: o, out } = parsed;
  const tiers = o.tiers.includes("gcc") && !hasGcc() ? o.tiers.filter((t) => t !== "gcc") : o.tiers;
  if (tiers.length < o.tiers.length) console.log("gcc is not installed: the gcc -O2 yardstick is left out.\n");
  const report = await runBfBench({ ...o, tiers, onCell: (c) => console.error(`  ${c.program} / ${columnLabel(c.tier)}: ${c.status}${c.note ? ` (${c.note})` : ""}`) });
  if (report.note !== null) console.log(`${report.missing.join(", ")}: ${report.note}.\n`);
  const vsPeer = o.peers.length > 0 ? `; "vs ${o.peers.map((p) => p.name).join('", "vs ')}" the tier's process time over that peer's` : "";
  const startup = report.startupMs.length > 0 ? `; "over Bun" the process time less Bun's own start-up (a one-line script, ${formatSeconds(median(report.startupMs))} here, taken in every round)` : "";
  console.log(`${report.machine}\n${measureText(report)}${startup}; "run" is the time in the program's own code; "vs interp." is the interpreter's process time over the tier's; "vs gcc" the tier's run time over gcc's${vsPeer}.\n`);
  console.log(formatBfTable(report));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(toBenchFile(report), null, 1) + "\n");
  console.log(`\nwrote ${out.startsWith(ROOT) ? out.slice(ROOT.length + 1) : out}`);
  // A peer that fails is in the table and its notes; only the book's own tiers fail the command.
  if (report.cells.some((c) => c.status === "failed" && c.note !== "gcc is not installed" && !c.tier.startsWith("peer:"))) process.exitCode = 1;
}

export interface BenchArgs {
  readonly options: BfBenchOptions;
  readonly out: string;
}

/** The options, or null after printing the usage for --help. */
export function parseBenchArgs(args: readonly string[]): BenchArgs | null {
  const parsed = parseCommand(args, BENCH_HELP, {
    allowPositionals: true,
    options: {
      quick: { type: "boolean" },
      runs: { type: "string" },
      limit: { type: "string" },
      tiers: { type: "string" },
      peer: { type: "string", multiple: true },
      dir: { type: "string" },
      out: { type: "string" },
    },
  });
  if (parsed === null) return null;
  const { values, positionals } = parsed;
  const quick = values.quick === true;
  const number = (name: "runs" | "limit", fallback: number | null): number | null => {
    const v = values[name];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!(n > 0)) throw new BfBenchError(`--${name} must be a positive number, not '${v}'`);
    return n;
  };
  const tiers = (values.tiers ?? BF_TIERS.join(",")).split(",");
  const bad = tiers.filter((t) => !(BF_TIERS as readonly string[]).includes(t));
  if (bad.length > 0) throw new BfBenchError(`unknown tier(s) ${bad.join(", ")}: the tiers are ${BF_TIERS.join(", ")}`);
  const peers = (values.peer ?? []).map((spec): Peer => {
    const eq = spec.indexOf("=");
    if (eq <= 0 || !spec.slice(eq + 1).includes("{prog}")) throw new BfBenchError(`--peer ${spec}: write it NAME='command {prog}' ({prog} stands for the program's path)`);
    return { name: spec.slice(0, eq), command: spec.slice(eq + 1) };
  });
  return {
    options: {
      ...DEFAULT_OPTIONS,
      runs: number("runs", quick ? 1 : DEFAULT_OPTIONS.runs)!,
      limitSeconds: number("limit", quick ? 10 : null),
      tiers: tiers as BfTier[],
      peers,
      programs: positionals.length > 0 ? positionals : DEFAULT_OPTIONS.programs,
      dir: values.dir ?? null,
    },
    out: values.out ?? resolve(ROOT, ".cache/bench/bf.json"),
  };
}
// #endregion cli
