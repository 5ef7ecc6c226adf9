// What folding runs and precomputing jumps buy: the simple interpreter against the reference one on
// the book's programs, steps and seconds, measured side by side in one process.
//   bun chapters/06-interpreter/bench.ts [--runs N] [name ...]
import { readFileSync } from "node:fs";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { findPrograms, type BfProgram } from "../../shared/programs.ts";
import { interpretWithStats } from "./interpreter.ts";
import { parse } from "./parser.ts";
import { simpleInterpret } from "./simple-interpreter.ts";

/** The programs measured by default: the book's own that the simple interpreter runs in seconds. */
export const QUICK_SECONDS = 4;

export interface InterpreterTiming {
  readonly name: string;
  readonly steps: number;
  readonly simpleMs: number;
  readonly foldedMs: number;
}

export class InterpreterBenchError extends Error {
  override name = "InterpreterBenchError";
}

// #region measure
/** Both interpreters on `p`, the fastest of `runs` each; they must agree, byte for byte. */
export function measure(p: BfProgram, runs = 1): InterpreterTiming {
  const program = parse(readFileSync(p.file, "utf8"));
  const options = { input: p.inputFile === null ? new Uint8Array(0) : new Uint8Array(readFileSync(p.inputFile)), ...(p.tapeSize ? { tapeSize: p.tapeSize } : {}) };
  let simpleMs = Infinity;
  let foldedMs = Infinity;
  let steps = 0;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const simple = simpleInterpret(program, options);
    simpleMs = Math.min(simpleMs, performance.now() - t);
    t = performance.now();
    const folded = interpretWithStats(program, options);
    foldedMs = Math.min(foldedMs, performance.now() - t);
    steps = folded.steps;
    if (Buffer.compare(simple.output, folded.result.output) !== 0) throw new InterpreterBenchError(`${p.name}: the two interpreters disagree`);
  }
  return { name: p.name, steps, simpleMs, foldedMs };
}
// #endregion

export function formatTable(rows: readonly InterpreterTiming[]): string {
  const head = ["program", "steps", "simple", "folding + jumps", "gain", "steps per second (folded)"];
  const body = rows.map((r) => [
    r.name,
    r.steps.toLocaleString("en"),
    `${(r.simpleMs / 1000).toFixed(2)} s`,
    `${(r.foldedMs / 1000).toFixed(2)} s`,
    `${(r.simpleMs / r.foldedMs).toFixed(1)}×`,
    `${Math.round(r.steps / (r.foldedMs / 1000) / 1e6).toLocaleString("en")} million`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: readonly string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  return [line(head), "|" + widths.map((w, i) => (i === 0 ? ":" : "-") + "-".repeat(w) + (i === 0 ? "-" : ":")).join("|") + "|", ...body.map(line)].join("\n");
}

const USAGE = `bun chapters/06-interpreter/bench.ts [--runs N] [name ...]

The simple interpreter against the reference one (runs folded, jumps precomputed), side by side in
one process: steps, seconds, and the gain. By default the book's own programs that the simple
interpreter runs in a few seconds; \`npm run programs\` lists every name.

  --runs N      the fastest of N runs each (default 1)
  -h, --help    this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { allowPositionals: true, options: { runs: { type: "string" } } });
    if (args === null) return;
    const runs = Number(args.values.runs ?? 1);
    if (!Number.isInteger(runs) || runs < 1) throw new InterpreterBenchError(`--runs must be a whole number, 1 or more, not '${args.values.runs}'`);
    const names = args.positionals;
    const { programs, note } = names.length > 0 ? findPrograms(names) : findPrograms(undefined, (p) => p.origin === "book" && p.seconds <= QUICK_SECONDS);
    if (note !== null) console.log(`(${note})\n`);
    console.log(formatTable(programs.map((p) => measure(p, runs))));
  });
}
