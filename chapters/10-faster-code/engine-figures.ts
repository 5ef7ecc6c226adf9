// The compiler is compiled too, while it runs: Bun's engine, JavaScriptCore, compiles the
// compiler's own functions with two optimizing compilers, the DFG and the slower FTL, on threads
// beside the main one, and reports each compile when BUN_JSC_reportDFGCompileTimes and
// BUN_JSC_reportFTLCompileTimes are set. This script compiles one program with the fast tier in
// fresh processes, in turn with the engine as it comes, with the FTL off (BUN_JSC_useFTLJIT=0) and
// with the DFG off too (BUN_JSC_useDFGJIT=0: the interpreter and the Baseline JIT alone), and
// prints, as one JSON object for the chapter's prose: the compile time --stats reports for each
// (the median), and, from one more process, what the engine compiled.
//   bun chapters/10-faster-code/engine-figures.ts [--runs N] [--kib K]
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { BUN, ROOT } from "../../shared/child.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { lastError, median, statsJson, withoutStats } from "../../shared/bf-bench.ts";
import { kibOption, loopsName, percent, time, withLoopsFile } from "./figures.ts";

export class EngineFiguresError extends Error {
  override name = "EngineFiguresError";
}

// #region engine-compiles
/** What the engine compiled during one process, per compiler: how many functions, and the time it took. */
export interface EngineCompiles {
  readonly dfg: { count: number; ms: number };
  readonly ftl: { count: number; ms: number };
}

/**
 * JSC's report of one compile: "Optimized NAME#...] using DFG with DFG into 928 bytes in 0.11 ms."
 * (an FTL line names the FTL after "with", and adds how its time splits). A report is written in
 * pieces, from a compiler thread, so reports are found anywhere in the text, not line by line, once
 * the --stats line that may cut one is taken out.
 */
const REPORT = /Optimized .*? using \w+ with (DFG|FTL) into \d+ bytes in ([\d.]+) ms/g;

export function engineCompiles(stderr: string): EngineCompiles {
  const out = { dfg: { count: 0, ms: 0 }, ftl: { count: 0, ms: 0 } };
  for (const m of withoutStats(stderr).matchAll(REPORT)) {
    const compiler = m[1] === "DFG" ? out.dfg : out.ftl;
    compiler.count++;
    compiler.ms += Number(m[2]);
  }
  return out;
}
// #endregion engine-compiles

/** One fresh process compiling (and running) `file` with the fast tier, the engine told `env`. */
function compileOnce(file: string, what: string, env: Record<string, string>): { compileMs: number; stderr: string } {
  // command.ts, from source: a bundle would start the compile with bytecode already made, and the
  // engine's reports would name the functions as the bundler renamed them.
  const r = spawnSync(BUN, [join(ROOT, "chapters/10-faster-code/command.ts"), file, "--stats=json"], {
    cwd: ROOT,
    env: { ...engineAsItComes(), DO_NOT_TRACK: "1", NYC_BUN: "0", JIT_TRACE: "0", ...env },
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    maxBuffer: 1 << 26,
    timeout: 60_000,
  });
  const { compileMs } = statsJson(r.stderr);
  if (r.status !== 0 || compileMs === undefined) {
    const why = r.error?.message ?? (r.signal !== null ? `killed by ${r.signal}` : lastError(r.stderr));
    throw new EngineFiguresError(`the fast tier failed on ${what}: ${why}`);
  }
  return { compileMs, stderr: r.stderr };
}

/** This process's environment without the engine's options, which would change what is measured. */
function engineAsItComes(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("BUN_JSC_")) env[k] = v;
  return env;
}

const NO_FTL = { BUN_JSC_useFTLJIT: "0" };
const NO_DFG = { BUN_JSC_useDFGJIT: "0" }; // and so no FTL, which compiles what the DFG did
const REPORTS = { BUN_JSC_reportDFGCompileTimes: "1", BUN_JSC_reportFTLCompileTimes: "1" };

export function engineFigures(runs: number, kib: number): Record<string, string | number> {
  return withLoopsFile(kib, (file) => {
    const program = loopsName(kib);
    const asComes: number[] = [];
    const noFtl: number[] = [];
    const noDfg: number[] = [];
    for (let i = 0; i < runs; i++) {
      asComes.push(compileOnce(file, program, {}).compileMs);
      noFtl.push(compileOnce(file, program, NO_FTL).compileMs);
      noDfg.push(compileOnce(file, program, NO_DFG).compileMs);
    }
    const reported = compileOnce(file, program, REPORTS);
    const engine = engineCompiles(reported.stderr);
    if (engine.dfg.count + engine.ftl.count === 0) {
      throw new EngineFiguresError("JavaScriptCore printed no reports of its compiles: this Bun does not honour BUN_JSC_reportDFGCompileTimes");
    }
    const compile = median(asComes);
    return {
      program,
      runs,
      cores: availableParallelism(),
      compile: time(compile),
      noFtl: time(median(noFtl)),
      noFtlChange: percent(compile, median(noFtl)),
      noDfg: time(median(noDfg)),
      noDfgChange: percent(compile, median(noDfg)),
      reportedCompile: time(reported.compileMs),
      dfgCount: engine.dfg.count,
      dfgMs: time(engine.dfg.ms),
      ftlCount: engine.ftl.count,
      ftlMs: time(engine.ftl.ms),
      engineMs: time(engine.dfg.ms + engine.ftl.ms),
    };
  });
}

const USAGE = `bun chapters/10-faster-code/engine-figures.ts [--runs N] [--kib K]

What the JavaScript engine spends compiling the compiler: a generated program of K KiB (default 64)
compiled with the fast tier in fresh processes, N times each (default 5), in turn with the engine as
it comes, with its top tier off (BUN_JSC_useFTLJIT=0) and with both optimizing tiers off
(BUN_JSC_useDFGJIT=0); then once more with JSC reporting each
function it compiles with its DFG and its FTL. One JSON object, for chapter 10's prose.

  --runs N      processes of each kind (default 5; the figures are medians)
  --kib K       the program's size in KiB (default 64)
  -h, --help    this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { options: { runs: { type: "string" }, kib: { type: "string" } } });
    if (args === null) return;
    const runs = Number(args.values.runs ?? 5);
    if (!Number.isInteger(runs) || runs < 1) throw new EngineFiguresError(`--runs must be a whole number of processes, 1 or more, not '${args.values.runs}'`);
    console.log(JSON.stringify(engineFigures(runs, kibOption(args.values.kib, 64))));
  });
}
