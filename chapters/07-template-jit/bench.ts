// The template JIT against the interpreter on the benchmark programs (shared/programs.ts: the book's
// own, and the classic ones where installed), two ways: in one process (the run itself, and the JIT's
// compile time), and as whole processes (what a user waits for: `bun main.ts prog.b`, start-up included).
//   bun chapters/07-template-jit/bench.ts [--whole-process] [--runs N] [name ...]
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { BUN, ROOT, runChild } from "../../shared/child.ts";
import { benchmarkPrograms, findPrograms, type BfProgram } from "../../shared/programs.ts";
import { parse } from "../06-interpreter/parser.ts";
import { compareWithInterpreter } from "./compare.ts";

export interface Measurement {
  readonly name: string;
  readonly interpreterMs: number;
  readonly compileMs: number;
  readonly runMs: number;
  readonly codeSize: number;
  /** Wall time of `bun chapters/06-interpreter/main.ts` and of this chapter's main.ts; null if not measured. */
  readonly interpreterProcessMs: number | null;
  readonly jitProcessMs: number | null;
}

/** Thrown when the JIT and the interpreter disagree. */
export class BenchError extends Error {
  override name = "BenchError";
}

// #region measure
/** Time `p` both ways; each figure is the best of `runs` (a run is only ever slowed down, never sped up). */
export async function measure(p: BfProgram, wholeProcess: boolean, runs = 1): Promise<Measurement> {
  const file = p.file;
  const input = p.inputFile === null ? new Uint8Array(0) : new Uint8Array(readFileSync(p.inputFile));
  const program = parse(readFileSync(file, "utf8"));
  const best = { interpreterMs: Infinity, compileMs: Infinity, runMs: Infinity, codeSize: 0 };
  for (let i = 0; i < runs; i++) {
    const c = compareWithInterpreter(program, { input, ...(p.tapeSize ? { tapeSize: p.tapeSize } : {}) });
    if (c.difference !== null) throw new BenchError(`${p.name}: the template JIT and the interpreter disagree:\n${c.difference}`);
    best.interpreterMs = Math.min(best.interpreterMs, c.interpreter.runMs);
    best.compileMs = Math.min(best.compileMs, c.jit.compileMs);
    best.runMs = Math.min(best.runMs, c.jit.runMs);
    best.codeSize = c.jit.codeSize;
  }
  const args = [file, ...(p.tapeSize ? ["--tape", String(p.tapeSize)] : [])];
  const wall = async (chapter: string) => {
    let ms = Infinity;
    for (let i = 0; i < runs; i++) {
      const r = await runChild([BUN, resolve(ROOT, `chapters/${chapter}/main.ts`), ...args], { stdin: input, timeoutMs: 300_000 });
      if (r.exitCode !== 0) throw new BenchError(`${chapter} failed on ${p.name}: ${r.diagnosis ?? r.stderr.trim()}`);
      ms = Math.min(ms, r.durationMs);
    }
    return ms;
  };
  return {
    name: p.name,
    ...best,
    interpreterProcessMs: wholeProcess ? await wall("06-interpreter") : null,
    jitProcessMs: wholeProcess ? await wall("07-template-jit") : null,
  };
}
// #endregion measure

const s = (ms: number | null): string => (ms === null ? "-" : (ms / 1000).toFixed(ms < 100 ? 3 : 2) + " s");
const x = (a: number | null, b: number | null): string => (a === null || b === null ? "-" : (a / b).toFixed(1) + "x");

export function formatTable(rows: readonly Measurement[]): string {
  const head = ["program", "interpreter", "JIT compile", "JIT run", "speed-up", "code", "interp. process", "JIT process", "speed-up"];
  const body = rows.map((m) => [
    m.name,
    s(m.interpreterMs),
    s(m.compileMs),
    s(m.runMs),
    x(m.interpreterMs, m.compileMs + m.runMs),
    `${(m.codeSize / 1024).toFixed(1)} KiB`,
    s(m.interpreterProcessMs),
    s(m.jitProcessMs),
    x(m.interpreterProcessMs, m.jitProcessMs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  return [line(head), "|" + widths.map((w, i) => (i === 0 ? ":" : "-") + "-".repeat(w) + (i === 0 ? "-" : ":")).join("|") + "|", ...body.map(line)].join("\n");
}

if (import.meta.main) {
  runMain(async () => {
    const usage =
      "usage: bun chapters/07-template-jit/bench.ts [--runs N] [--whole-process] [program ...]\n\nThe template JIT beside the interpreter on the benchmark programs.\n\n" +
      "  --runs N          runs of each (default 1; the best is shown)\n  --whole-process   time whole processes, start-up included\n  -h, --help        this text";
    const args = parseCommand(process.argv.slice(2), usage, { allowPositionals: true, options: { runs: { type: "string" }, "whole-process": { type: "boolean" } } });
    if (args === null) return;
    const wholeProcess = args.values["whole-process"] === true;
    const runs = Number(args.values.runs ?? 1);
    if (!Number.isInteger(runs) || runs < 1) throw new BenchError(`--runs must be a whole number, 1 or more, not '${args.values.runs}'`);
    const names = args.positionals;
    const { programs, note } = names.length > 0 ? findPrograms(names) : benchmarkPrograms();
    if (note !== null) console.log(`(${note})`);
    const rows: Measurement[] = [];
    for (const p of programs) rows.push(await measure(p, wholeProcess, runs));
    console.log(formatTable(rows));
  });
}
