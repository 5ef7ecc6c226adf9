// The figures chapter 7's prose quotes: the template JIT beside the interpreter on the book's own
// programs, in one process (the same comparison as --compare, whose results must agree), and what
// buffering output saves. It prints one JSON object, for a `run figures=tjit` block of the README.
//   bun chapters/07-template-jit/figures.ts [name ...]
import { readFileSync } from "node:fs";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { installedPrograms, type BfProgram } from "../../shared/programs.ts";
import { parse } from "../06-interpreter/parser.ts";
import { compareWithInterpreter } from "./compare.ts";
import { CONTEXT_SIZE } from "./context.ts";
import { DEFAULT_BUFFER_SIZE } from "./runtime.ts";
import { templateJit } from "./template-jit.ts";

/** The book's programs (always there): each runs in well under a second interpreted. */
export const FIGURE_PROGRAMS: readonly string[] = ["pascal", "circle", "cipher", "times"];

/** 8^5 = 32,768 dots: enough output that the cost per byte shows, and few enough writes to be quick. */
const LOUD = "++++++++[>++++++++[>++++++++[>++++++++[>++++++++[>.<-]<-]<-]<-]<-]";

export class FiguresError extends Error {
  override name = "FiguresError";
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 100 ? 3 : 2)} s`;
const milliseconds = (ms: number): string => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
const times = (x: number): string => `${x.toFixed(x < 10 ? 1 : 0)}×`;
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * For each program NAME: NAMEInterp, NAMECompile, NAMERun, NAMESpeedup (run against run),
 * NAMEWithCompile (the interpreter's run against the JIT's compile and run), NAMECode.
 */
export function jitFigures(programs: readonly BfProgram[], runs = 3): Record<string, string> {
  // The first compile of a process also warms up the assembler's JavaScript: not part of any program's time.
  templateJit.compile(parse("+[-]")).free();
  const out: Record<string, string> = {};
  const speedups: { name: string; x: number }[] = [];
  for (const p of programs) {
    const program = parse(readFileSync(p.file, "utf8"));
    const input = p.inputFile === null ? new Uint8Array(0) : new Uint8Array(readFileSync(p.inputFile));
    const opts = { input, ...(p.tapeSize ? { tapeSize: p.tapeSize } : {}) };
    // One run side by side checks the results and times the interpreter; the JIT's run, which
    // is short, is the best of `runs`, timed as compareWithInterpreter times it.
    const c = compareWithInterpreter(program, opts);
    if (c.difference !== null) throw new FiguresError(`${p.name}: the template JIT and the interpreter disagree:\n${c.difference}`);
    const interp = c.interpreter.runMs;
    const compile = c.jit.compileMs;
    const code = c.jit.codeSize;
    let run = c.jit.runMs;
    using compiled = templateJit.compile(program);
    for (let i = 1; i < runs; i++) {
      const t = performance.now();
      compiled.run(opts);
      run = Math.min(run, performance.now() - t);
    }
    out[`${p.name}Interp`] = seconds(interp);
    out[`${p.name}Compile`] = milliseconds(compile);
    out[`${p.name}Run`] = seconds(run);
    out[`${p.name}Speedup`] = times(interp / run);
    out[`${p.name}WithCompile`] = times(interp / (compile + run));
    out[`${p.name}Code`] = kib(code);
    speedups.push({ name: p.name, x: interp / run });
  }
  speedups.sort((a, b) => a.x - b.x);
  out.speedupLow = times(speedups[0]!.x);
  out.speedupLowName = speedups[0]!.name;
  out.speedupHigh = times(speedups[speedups.length - 1]!.x);
  out.speedupHighName = speedups[speedups.length - 1]!.name;
  return out;
}

/** What a byte of output costs written one `write` at a time, and through the usual buffer. */
export function bufferFigures(): Record<string, string> {
  using loud = templateJit.compile(parse(LOUD));
  const perByte = (bufferSize: number) => {
    let best = Infinity;
    for (let i = 0; i < 2; i++) {
      const { result, stats } = loud.runWithStats({}, { bufferSize });
      best = Math.min(best, (stats.runMs * 1e6) / result.output.length);
    }
    return best;
  };
  const unbuffered = perByte(1);
  const buffered = perByte(DEFAULT_BUFFER_SIZE);
  return {
    writeNsPerByte: `${unbuffered.toFixed(0)} ns`,
    bufferedNsPerByte: `${buffered.toFixed(1)} ns`,
    bufferGain: times(unbuffered / buffered),
  };
}

const USAGE = `bun chapters/07-template-jit/figures.ts [name ...]

The figures chapter 7 quotes, as one JSON object: the interpreter and the template JIT on each
program (NAMEInterp, NAMECompile, NAMERun, NAMESpeedup, NAMEWithCompile, NAMECode), the lowest and highest speed-up,
the cost of a byte of output with and without a buffer, and the context block's size.
By default ${FIGURE_PROGRAMS.join(", ")}.

  -h, --help    this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { allowPositionals: true, options: {} });
    if (args === null) return;
    const names = args.positionals.length > 0 ? args.positionals : FIGURE_PROGRAMS;
    const programs = installedPrograms(names);
    console.log(JSON.stringify({ ...jitFigures(programs), ...bufferFigures(), contextSize: String(CONTEXT_SIZE) }));
  });
}
