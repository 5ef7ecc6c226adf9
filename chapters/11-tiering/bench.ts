// The trade-off of tiering, measured as a user meets it: whole processes of main.ts, each tier on short
// and long programs, timing the first byte of output and the end. Every byte is written as soon as it
// is made (--buffer 1), so "first output" is when the program first printed, not when a buffer filled.
//   bun chapters/11-tiering/bench.ts [--limit S] [--tiers a,b,...] [--thresholds n,m,...] [name ...]
// With --thresholds, the tiered JIT alone, once per threshold.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { BUN, ROOT } from "../../shared/child.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { BENCH_PROGRAM_NAMES, findPrograms } from "../../shared/programs.ts";
import { TIERS, type TierChoice } from "./cli.ts";

// #region programs
export interface TimedProgram {
  readonly name: string;
  readonly file: string;
  readonly input: string | null;
  readonly output: string;
  readonly tapeSize?: number;
  readonly short: boolean;
}

/** Short: done in milliseconds. Long: the benchmark set. */
export const SHORT_PROGRAMS: readonly string[] = ["hello", "numbers", "alphabet"];

/** The programs named (by default the short ones and the benchmark set), and a note on any not installed. */
export function timedPrograms(names: readonly string[] = [...SHORT_PROGRAMS, ...BENCH_PROGRAM_NAMES]): { programs: TimedProgram[]; note: string | null } {
  const { programs, note } = findPrograms(names);
  return {
    programs: programs.map((p) => ({
      name: p.name,
      file: p.file,
      input: p.inputFile,
      output: p.outputFile,
      ...(p.tapeSize === undefined ? {} : { tapeSize: p.tapeSize }),
      short: SHORT_PROGRAMS.includes(p.name),
    })),
    note,
  };
}

export const DEFAULT_TIERS: readonly TierChoice[] = ["interpreter", "opt", "tiered", "js-opt"];
// #endregion programs

export interface Timing {
  readonly program: string;
  /** The table's column: the tier, or "threshold N". */
  readonly column: string;
  /** Milliseconds from the start of the process to its first byte of output, and to its end; null: over the limit. */
  readonly firstMs: number | null;
  readonly totalMs: number | null;
  /** Time spent compiling, as the process reported it (--stats=json). */
  readonly compileMs: number | null;
  readonly ok: boolean;
  readonly note: string | null;
}

export class TieringBenchError extends Error {
  override name = "TieringBenchError";
}

// #region time-process
/** Run main.ts on one program with one tier; the expected output is the program's .out file. */
export async function timeProcess(p: TimedProgram, tier: TierChoice, limitMs: number, threshold?: number): Promise<Timing> {
  const argv = [BUN, resolve(ROOT, "chapters/11-tiering/main.ts"), p.file, "--tier", tier, "--buffer", "1", "--stats=json"];
  if (threshold !== undefined) argv.push("--threshold", String(threshold));
  if (p.tapeSize !== undefined) argv.push("--tape", String(p.tapeSize));
  const input = p.input === null ? new Uint8Array(0) : new Uint8Array(readFileSync(p.input));
  const started = performance.now();
  const proc = Bun.spawn(argv, {
    cwd: ROOT,
    stdin: new Blob([input as BlobPart]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: limitMs,
    killSignal: "SIGKILL",
    env: { ...process.env, DO_NOT_TRACK: "1", NYC_BUN: "0" },
  });
  let firstMs: number | null = null;
  const chunks: Uint8Array[] = [];
  const stderr = new Response(proc.stderr).text();
  for await (const chunk of proc.stdout) {
    firstMs ??= performance.now() - started;
    chunks.push(chunk);
  }
  await proc.exited;
  const totalMs = performance.now() - started;
  const base = { program: p.name, column: threshold === undefined ? tier : `threshold ${threshold}`, compileMs: null };
  if (proc.signalCode !== null) return { ...base, firstMs: null, totalMs: null, ok: false, note: `over ${limitMs / 1000} s` };
  const output = Buffer.concat(chunks);
  const expected = readFileSync(p.output);
  const ok = proc.exitCode === 0 && output.equals(expected);
  const stats = (await stderr).trim().split("\n").reverse().find((l) => l.startsWith("{"));
  // Compile time without the parse, which every tier pays alike.
  const figures = stats === undefined ? null : (JSON.parse(stats) as { compileMs: number; parseMs: number });
  const compileMs = figures === null ? null : figures.compileMs - figures.parseMs;
  return { ...base, firstMs, totalMs, compileMs, ok, note: ok ? null : `exit ${proc.exitCode}, ${output.length} bytes of output (${expected.length} expected)` };
}
// #endregion time-process

const s = (x: number | null): string => (x === null ? "-" : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(0)} ms`);

// #region table
/** One row per program; for each column, "first output / total", and the compile time after it. */
export function formatTimings(rows: readonly Timing[], limitMs: number): string {
  const programs = [...new Set(rows.map((r) => r.program))];
  const columns = [...new Set(rows.map((r) => r.column))];
  const head = ["program", ...columns.map((c) => `${c}: first / total (compile)`)];
  const body = programs.map((program) => [
    program,
    ...columns.map((column) => {
      const r = rows.find((x) => x.program === program && x.column === column);
      if (r === undefined) return "";
      if (r.totalMs === null) return `> ${limitMs / 1000} s`;
      if (!r.ok) return `FAILED: ${r.note}`;
      return `${s(r.firstMs)} / ${s(r.totalMs)}${r.compileMs === null || r.compileMs < 1 ? "" : ` (${s(r.compileMs)})`}`;
    }),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  return [line(head), "|" + widths.map((w, i) => (i === 0 ? ":" + "-".repeat(w + 1) : "-".repeat(w + 1) + ":")).join("|") + "|", ...body.map(line)].join("\n");
}
// #endregion table

/** `npm run bench -- tiering ...` and `bun chapters/11-tiering/bench.ts ...`. */
export async function benchCommand(argv: readonly string[]): Promise<void> {
  const usage =
    "usage: npm run bench -- tiering [--limit S] [--tiers a,b,...] [--thresholds n,m,...] [program ...]\n\n" +
    "Time to first output and to the end, tiered against compile-everything-first.\n\n" +
    `  --limit S             stop a run after S seconds (default 30)\n  --tiers a,b,...       of ${TIERS.join(", ")} (default ${DEFAULT_TIERS.join(",")})\n` +
    "  --thresholds n,m,...  the tiered JIT at each threshold instead\n  -h, --help            this text";
  const args = parseCommand(argv, usage, { allowPositionals: true, options: { limit: { type: "string" }, tiers: { type: "string" }, thresholds: { type: "string" } } });
  if (args === null) return;
  const { values } = args;
  const limitMs = Number(values.limit ?? 30) * 1000;
  if (!(limitMs > 0)) throw new TieringBenchError(`--limit must be a positive number of seconds, not '${values.limit}'`);
  const tiers = (values.tiers?.split(",") ?? DEFAULT_TIERS) as TierChoice[];
  const bad = tiers.filter((t) => !(TIERS as readonly string[]).includes(t));
  if (bad.length > 0) throw new TieringBenchError(`unknown tier(s) ${bad.join(", ")}: the tiers are ${TIERS.join(", ")}`);
  const thresholds = values.thresholds?.split(",").map(Number) ?? null;
  if (thresholds?.some((t) => !(Number.isSafeInteger(t) && t >= 0))) throw new TieringBenchError(`--thresholds must be whole numbers, 0 or more: '${values.thresholds}'`);
  const names = args.positionals;
  const { programs, note } = timedPrograms(names.length > 0 ? names : undefined);
  if (note !== null) console.log(`(${note})\n`);
  const rows: Timing[] = [];
  for (const p of programs) {
    if (thresholds === null) for (const tier of tiers) rows.push(await timeProcess(p, tier, limitMs));
    else for (const t of thresholds) rows.push(await timeProcess(p, "tiered", limitMs, t));
  }
  console.log(formatTimings(rows, limitMs));
  if (rows.some((r) => r.totalMs !== null && !r.ok)) process.exitCode = 1;
}

if (import.meta.main) runMain(() => benchCommand(process.argv.slice(2)));
