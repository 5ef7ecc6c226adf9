// What a portable backend costs: the WebAssembly backend on the benchmark programs, on two engines
// (Bun's JavaScriptCore, and Node's V8 through tsx), and beside chapter 7's native x86-64 JIT on the
// same unoptimized program, each as a whole process.
//   bun chapters/13-wasm-backend/bench.ts [--quick] [--runs N] [--no-node] [--no-native] [--json] [--dir DIR] [name...]
// The programs are the benchmark set (shared/programs.ts), or NAME.b, NAME.out and NAME.in in --dir.
// --quick measures only QUICK, in seconds rather than minutes: the chapter's live result.
// --json prints the in-process measurements only, as JSON: it is how the Node column is measured.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BUN, ROOT, runChild } from "../../shared/child.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { benchmarkPrograms, findPrograms, programsIn, type ProgramSet } from "../../shared/programs.ts";
import { loadPrograms, type BenchProgram } from "../09-optimizer/bench.ts";
import { optimize } from "../09-optimizer/optimize.ts";
import { decodeModule } from "./decode.ts";
import { WasmProgram } from "./wasm-program.ts";

/** What --quick measures: a program that every tier runs in well under a second. */
export const QUICK = ["pascal"];

export class BenchError extends Error {
  override name = "BenchError";
}

// #region measure
export interface WasmTiming {
  readonly name: string;
  readonly bytes: number;
  readonly functions: number;
  /** LIR to bytes, and the engine's compile of the bytes. */
  readonly generateMs: number;
  readonly compileMs: number;
  /** The fastest of the runs. */
  readonly runMs: number;
}

/** The optimized program as WebAssembly, compiled once and run `runs` times; a wrong output throws. */
export function measureWasm(p: BenchProgram, runs = 1): WasmTiming {
  const program = new WasmProgram(optimize(p.lowered).lir);
  const { code, generateMs, compileMs } = program.variant(false);
  let runMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const { result, stats } = program.runWithStats(p.options);
    if (result.error !== null || !sameBytes(result.output, p.expected)) throw new BenchError(`${p.name}: wrong output from the WebAssembly backend`);
    runMs = Math.min(runMs, stats.runMs);
  }
  return { name: p.name, bytes: code.bytes.length, functions: decodeModule(code.bytes).functions.length, generateMs, compileMs, runMs };
}
// #endregion

// #region processes
/** Wall time of `bun main.ts prog.b` for chapter 7's JIT and for this backend on the lowered LIR. */
export async function measureProcesses(p: BenchProgram, runs = 1): Promise<{ templateMs: number; wasmMs: number }> {
  const file = p.file;
  const tape = ["--tape", String(p.options.tapeSize)];
  const wall = async (argv: readonly string[]) => {
    let ms = Infinity;
    for (let i = 0; i < runs; i++) {
      const r = await runChild(argv, { stdin: p.options.input ?? new Uint8Array(0), timeoutMs: 300_000 });
      if (r.exitCode !== 0) throw new BenchError(`${argv.slice(1, 3).join(" ")} failed: ${r.diagnosis ?? r.stderr.trim()}`);
      ms = Math.min(ms, r.durationMs);
    }
    return ms;
  };
  return {
    templateMs: await wall([BUN, resolve(ROOT, "chapters/07-template-jit/main.ts"), file, ...tape]),
    wasmMs: await wall([BUN, resolve(ROOT, "chapters/13-wasm-backend/main.ts"), file, "--lowered", ...tape]),
  };
}
// #endregion

/** The in-process measurements under Node: this script again, under tsx, with --json. */
export async function measureUnderNode(names: readonly string[], runs: number, dir?: string): Promise<WasmTiming[]> {
  const argv = [resolve(ROOT, "node_modules/.bin/tsx"), fileURLToPath(import.meta.url), "--json", "--runs", String(runs), ...(dir === undefined ? [] : ["--dir", dir]), ...names];
  const r = await runChild(argv, { timeoutMs: 600_000 });
  if (r.exitCode !== 0) throw new BenchError(`the Node run failed: ${r.diagnosis ?? r.stderr.trim()}`);
  return JSON.parse(r.stdout) as WasmTiming[];
}

const s = (ms: number | undefined) => (ms === undefined ? "-" : ms < 1000 ? `${(ms / 1000).toFixed(3)} s` : `${(ms / 1000).toFixed(2)} s`);
const msText = (ms: number) => `${ms.toFixed(1)} ms`;

export function wasmTable(bun: readonly WasmTiming[], node: readonly WasmTiming[]): string {
  const rows = bun.map((t) => {
    const v8 = node.find((n) => n.name === t.name);
    return [t.name, `${(t.bytes / 1024).toFixed(1)} KiB`, String(t.functions), msText(t.generateMs), msText(t.compileMs), s(t.runMs), s(v8?.runMs)];
  });
  return table(["program", "module", "functions", "LIR to wasm", "engine compile", "run, Bun (JSC)", "run, Node (V8)"], rows);
}

export function processTable(rows: readonly { name: string; templateMs: number; wasmMs: number }[]): string {
  return table(
    ["program", "x86-64 template JIT (ch. 7)", "WebAssembly, same LIR", "wasm / x86"],
    rows.map((r) => [r.name, s(r.templateMs), s(r.wasmMs), `${(r.wasmMs / r.templateMs).toFixed(2)}x`]),
  );
}

/** A markdown table: the first column left-aligned, the others right-aligned. */
function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
  const rule = "|" + widths.map((w, i) => (i === 0 ? ":" + "-".repeat(w + 1) : "-".repeat(w + 1) + ":")).join("|") + "|";
  return [line(head), rule, ...rows.map(line)].join("\n");
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// Run as a script (under Bun, or under Node with tsx for --json), not when a test imports it.
const script = process.argv[1];
if (script !== undefined && resolve(script) === fileURLToPath(import.meta.url)) {
  runMain(async () => {
    const usage =
      "usage: bun chapters/13-wasm-backend/bench.ts [--runs N] [--quick] [--dir DIR] [--no-node] [--no-native] [--json] [program ...]\n\n" +
      "The optimized LIR as WebAssembly, in process under Bun and Node, and beside the native code.\n\n" +
      "  --runs N      runs of each (default 1; the best is shown)\n  --quick       a few small programs\n  --dir DIR     take NAME.b, NAME.out and NAME.in from DIR\n" +
      "  --no-node     skip the measurement under Node\n  --no-native   skip the whole-process table\n  --json        the in-process figures as JSON\n  -h, --help    this text";
    const options = { runs: { type: "string" }, dir: { type: "string" }, quick: { type: "boolean" }, json: { type: "boolean" }, "no-node": { type: "boolean" }, "no-native": { type: "boolean" } } as const;
    const args = parseCommand(process.argv.slice(2), usage, { allowPositionals: true, options });
    if (args === null) return;
    const { values } = args;
    const hasFlag = (name: "quick" | "json" | "no-node" | "no-native"): boolean => values[name] === true;
    const runs = Number(values.runs ?? 1);
    if (!Number.isInteger(runs) || runs < 1) throw new BenchError(`--runs must be a whole number, 1 or more, not '${values.runs}'`);
    const dir = values.dir;
    const names = args.positionals;
    const quick = hasFlag("quick");
    const wanted = names.length > 0 ? names : quick ? QUICK : undefined;
    const set: ProgramSet = dir !== undefined ? programsIn(dir, wanted) : wanted ? findPrograms(wanted) : benchmarkPrograms();
    if (set.note !== null && !hasFlag("json")) console.log(`(${set.note})\n`);
    const programs = loadPrograms(set.programs);
    if (programs.length === 0) return;
    const bun = programs.map((p) => measureWasm(p, runs));
    if (hasFlag("json")) return console.log(JSON.stringify(bun));
    const node = hasFlag("no-node") ? [] : await measureUnderNode(programs.map((p) => p.name), runs, dir);
    console.log(`The optimized LIR as WebAssembly, in process (best of ${runs}):\n`);
    console.log(wasmTable(bun, node));
    if (hasFlag("no-native")) return;
    const rows = [];
    for (const p of programs) rows.push({ name: p.name, ...(await measureProcesses(p, runs)) });
    console.log(`\nThe same unoptimized program, native and portable: \`bun main.ts prog.b\`, whole process (best of ${runs}):\n`);
    console.log(processTable(rows));
    if (quick) console.log(`\nThe whole set takes minutes: bun chapters/13-wasm-backend/bench.ts`);
  });
}
