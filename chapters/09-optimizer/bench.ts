// What each pass buys on real programs: the ops left after each pass, and (with --times) the LIR
// interpreter running each program before and after optimizing: instructions run, and seconds.
//   bun chapters/09-optimizer/bench.ts [--times] [--runs N] [--dir DIR] [name...]
// The programs are the benchmark set (shared/programs.ts), or NAME.b, NAME.out and NAME.in in --dir.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { benchmarkPrograms, findPrograms, programsIn, type BfProgram } from "../../shared/programs.ts";
import { parse } from "../06-interpreter/parser.ts";
import type { RunOptions } from "../06-interpreter/semantics.ts";
import { interpretLirWithStats } from "../08-lir/interpret-lir.ts";
import type { Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { optimize, type PassStats } from "./optimize.ts";

export interface BenchProgram {
  readonly name: string;
  readonly file: string;
  readonly lowered: Lir;
  readonly options: RunOptions;
  readonly expected: Uint8Array;
}

/** The programs, read and lowered (by default the benchmark set: shared/programs.ts). */
export function loadPrograms(programs: readonly BfProgram[] = benchmarkPrograms().programs): BenchProgram[] {
  return programs.map((p) => ({
    name: p.name,
    file: p.file,
    lowered: lower(parse(readFileSync(p.file, "utf8"))),
    options: {
      input: p.inputFile === null ? new Uint8Array(0) : new Uint8Array(readFileSync(p.inputFile)),
      tapeSize: p.tapeSize ?? 30000,
    },
    expected: new Uint8Array(readFileSync(p.outputFile)),
  }));
}

// #region pass-table
/** Ops left after each pass (rows) in each program (columns). */
export function passTable(programs: readonly BenchProgram[]): string {
  const stats = programs.map((p) => optimize(p.lowered).stats);
  const rows = stats[0]!.map((s, i) => [s.pass, ...stats.map((ps) => cell(ps, i))]);
  return table(["ops after", ...programs.map((p) => p.name)], rows);
}

function cell(stats: readonly PassStats[], i: number): string {
  const s = stats[i]!;
  return i === 0 ? String(s.ops) : `${s.ops} (${s.ops - stats[i - 1]!.ops >= 0 ? "+" : ""}${s.ops - stats[i - 1]!.ops})`;
}
// #endregion

// #region run-table
export interface TimedRun {
  readonly executed: number;
  readonly seconds: number;
}

/** Run `lir` `runs` times; the fastest run. Throws if the output is wrong: a fast wrong answer is no answer. */
export function timeRun(p: BenchProgram, lir: Lir, runs: number): TimedRun {
  let best: TimedRun = { executed: 0, seconds: Infinity };
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    const { result, executed } = interpretLirWithStats(lir, p.options);
    const seconds = (performance.now() - started) / 1000;
    if (result.error !== null || !sameBytes(result.output, p.expected)) throw new Error(`${p.name}: wrong output from the LIR interpreter`);
    if (seconds < best.seconds) best = { executed, seconds };
  }
  return best;
}

/** Each program unoptimized and optimized: LIR instructions run and seconds, and the ratios. */
export function runTable(programs: readonly BenchProgram[], runs: number): string {
  const rows = programs.map((p) => {
    const before = timeRun(p, p.lowered, runs);
    const after = timeRun(p, optimize(p.lowered).lir, runs);
    return [
      p.name,
      millions(before.executed),
      before.seconds.toFixed(2),
      millions(after.executed),
      after.seconds.toFixed(2),
      `${(before.executed / after.executed).toFixed(1)}x`,
      `${(before.seconds / after.seconds).toFixed(1)}x`,
    ];
  });
  return table(["program", "lowered: M instr", "s", "optimized: M instr", "s", "fewer instr", "faster"], rows);
}
// #endregion

/** Millions, as the tables and the figures print them. */
export function millions(n: number): string {
  return (n / 1e6).toFixed(n < 1e7 ? 2 : 0);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Columns padded to their widest cell; the first left-aligned, the rest right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  return all.map((r) => r.map((text, c) => (c === 0 ? text.padEnd(widths[c]!) : text.padStart(widths[c]!))).join("  ")).join("\n");
}

// Run as a script (under Bun or Node with tsx), not when a test imports it.
const script = process.argv[1];
if (script !== undefined && resolve(script) === fileURLToPath(import.meta.url)) {
  runMain(() => {
    const usage =
      "usage: bun chapters/09-optimizer/bench.ts [--times [--runs N]] [--dir DIR] [program ...]\n\nThe ops each pass leaves, and (--times) the LIR interpreter before and after.\n\n" +
      "  --times       time the LIR interpreter before and after optimizing\n  --runs N      runs of each with --times (default 1; the best is shown)\n" +
      "  --dir DIR     take NAME.b, NAME.out and NAME.in from DIR\n  -h, --help    this text";
    const args = parseCommand(process.argv.slice(2), usage, { allowPositionals: true, options: { times: { type: "boolean" }, runs: { type: "string" }, dir: { type: "string" } } });
    if (args === null) return;
    const dir = args.values.dir;
    const names = args.positionals;
    const wanted = names.length > 0 ? names : undefined;
    const set = dir !== undefined ? programsIn(dir, wanted) : wanted ? findPrograms(wanted) : benchmarkPrograms();
    if (set.note !== null) console.log(`(${set.note})\n`);
    const programs = loadPrograms(set.programs);
    if (programs.length === 0) return;
    console.log(passTable(programs));
    if (args.values.times === true) {
      const runs = Number(args.values.runs ?? 1);
      console.log(`\nThe LIR interpreter, before and after optimizing (best of ${runs}):\n`);
      console.log(runTable(programs, runs));
    }
  });
}
