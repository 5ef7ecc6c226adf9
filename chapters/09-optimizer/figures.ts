// The figures chapter 9's prose quotes: what the passes buy when chapter 8's LIR interpreter runs
// the book's own programs, before and after optimizing, side by side in one process. Instruction
// counts only: they are exact, so the figures agree with any table the same code prints.
//   bun chapters/09-optimizer/figures.ts [name ...]
// It prints one JSON object, for a `run figures=passes` block of the chapter's README.
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { installedPrograms } from "../../shared/programs.ts";
import { loadPrograms, millions, timeRun, type BenchProgram } from "./bench.ts";
import { optimize } from "./optimize.ts";

/** The book's programs counted by default: each runs in about a second unoptimized. */
export const FIGURE_PROGRAMS: readonly string[] = ["pascal", "circle", "cipher", "times"];

/** A ratio as the prose quotes it: one decimal, then ×. */
export function ratio(before: number, after: number): string {
  return `${(before / after).toFixed(1)}×`;
}

/**
 * For each program, keyed by its name: the LIR instructions run before and after the pipeline (in
 * millions), and how many times fewer. Each run's output is checked against the expected one.
 */
export function passFigures(programs: readonly BenchProgram[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of programs) {
    const before = timeRun(p, p.lowered, 1);
    const after = timeRun(p, optimize(p.lowered).lir, 1);
    out[`${p.name}Before`] = `${millions(before.executed)} million`;
    out[`${p.name}After`] = `${millions(after.executed)} million`;
    out[`${p.name}Fewer`] = ratio(before.executed, after.executed);
  }
  return out;
}

const USAGE = `bun chapters/09-optimizer/figures.ts [name ...]

The figures chapter 9 quotes, as one JSON object: chapter 8's LIR interpreter running each program
before and after the passes, side by side: instructions run (NAMEBefore, NAMEAfter) and how many
times fewer (NAMEFewer). By default ${FIGURE_PROGRAMS.join(", ")}.

  -h, --help    this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { allowPositionals: true, options: {} });
    if (args === null) return;
    const names = args.positionals.length > 0 ? args.positionals : FIGURE_PROGRAMS;
    const programs = installedPrograms(names);
    console.log(JSON.stringify(passFigures(loadPrograms(programs))));
  });
}
