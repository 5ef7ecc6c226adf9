// The playground's compiler: the chapters' own pure-TypeScript modules, called in the order the book
// builds them. Nothing here reimplements a stage; it only calls the chapters and reports. It runs in
// a Web Worker in the browser and directly in the tests.
import { BrainfuckError, BrainfuckSyntaxError, StepLimitError } from "../../chapters/06-interpreter/errors.ts";
import { interpretWithStats } from "../../chapters/06-interpreter/interpreter.ts";
import { parse, type Program } from "../../chapters/06-interpreter/parser.ts";
import { formatPos } from "../../chapters/06-interpreter/source.ts";
import { countOps, type Lir } from "../../chapters/08-lir/lir.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { print } from "../../chapters/08-lir/print.ts";
import { DEFAULT_PIPELINE, passNamed } from "../../chapters/09-optimizer/optimize.ts";
import { decodeModule } from "../../chapters/13-wasm-backend/decode.ts";
import type { WasmLimits } from "../../chapters/13-wasm-backend/limits.ts";
import { WasmProgram } from "../../chapters/13-wasm-backend/wasm-program.ts";
import type { ParseReport, PassReport, PipelineReport, PipelineRequest, RunReport, Stage, WasmReport } from "./protocol.ts";
import { x86Report } from "./x86.ts";

/** Lines of WebAssembly text shown at most: mandelbrot's module is 27,000 with its comments. */
export const MAX_WAT_LINES = 3000;

/**
 * Bytes of output sent to the page at most: a program can write millions (`,[.,]` with "leave the
 * cell" writes one byte per step until the step limit), more than a page can show or a reader read.
 */
export const MAX_OUTPUT_BYTES = 100_000;

const blocked = (why: string): Stage<never> => ({ ok: false, reason: why });

/** A stage's value, or the error it threw as the reason: one broken stage never hides the others. */
function attempt<T>(what: string, f: () => T): Stage<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, reason: `${what} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
  }
}

/**
 * Every stage for one request. `limits` are the engine's unless given (the tests give small ones):
 * a module past them is the backend's WasmLimitError, at line:column, and the interpreter runs the
 * program instead.
 */
export function runPipeline(req: PipelineRequest, limits?: WasmLimits): PipelineReport {
  let program: Program;
  try {
    program = parse(req.source);
  } catch (e) {
    if (!(e instanceof BrainfuckSyntaxError)) throw e;
    const parseReport: ParseReport = { ok: false, commands: 0, error: { line: e.pos!.line, column: e.pos!.column, message: e.message } };
    const no = blocked("The program does not parse.");
    return { parse: parseReport, lir: no, optimized: no, x86: no, wasm: no, run: no };
  }
  const lir = attempt("Lowering to the LIR (chapter 8)", () => lower(program));
  const optimized = lir.ok ? attempt("The optimizer (chapter 9)", () => optimizeByPass(lir.value)) : blocked("There is no LIR to optimize.");
  const compiled = optimized.ok ? attempt("The WebAssembly backend (chapter 13)", () => compile(optimized.value.lir, limits)) : blocked("There is no optimized LIR to compile.");
  return {
    parse: { ok: true, commands: program.code.length, error: null },
    lir: lir.ok ? { ok: true, value: print(lir.value) } : lir,
    optimized: optimized.ok ? { ok: true, value: { text: optimized.value.text, passes: optimized.value.passes } } : optimized,
    x86: optimized.ok ? attempt("The x86-64 code generator (chapter 9)", () => x86Report(optimized.value.lir)) : blocked("There is no optimized LIR to compile."),
    wasm: compiled.ok ? { ok: true, value: compiled.value.report } : compiled,
    // The backend runs the program; the interpreter only when there is no module (say, a program
    // nested deeper than the LIR allows).
    run: { ok: true, value: compiled.ok ? runModule(compiled.value.program, req) : interpretProgram(program, req) },
  };
}

/** Chapter 9's default pipeline, one pass at a time, keeping the LIR after each to show what it did. */
function optimizeByPass(input: Lir): { lir: Lir; text: string; passes: PassReport[] } {
  const passes: PassReport[] = [];
  let lir = input;
  for (const name of DEFAULT_PIPELINE) {
    const before = countOps(lir.ops);
    lir = passNamed(name).run(lir);
    passes.push({ name, before, after: countOps(lir.ops), text: print(lir) });
  }
  return { lir, text: print(lir), passes };
}

/**
 * Chapter 13: the optimized LIR as a WebAssembly module, the variant that counts fuel, since the
 * page always gives a step limit. Its text is what the panel shows.
 */
function compile(lir: Lir, limits: WasmLimits | undefined): { program: WasmProgram; report: WasmReport } {
  const program = new WasmProgram(lir, limits === undefined ? {} : { limits });
  const { code, generateMs, compileMs } = program.variant(true);
  const lines = program.wat(true).split("\n");
  const text = lines.length <= MAX_WAT_LINES ? lines.join("\n") : [...lines.slice(0, MAX_WAT_LINES), `;; ... and ${lines.length - MAX_WAT_LINES} more lines`].join("\n");
  return { program, report: { text, bytes: code.bytes.length, functions: decodeModule(code.bytes).functions.length, compileMs: generateMs + compileMs } };
}

function runModule(program: WasmProgram, req: PipelineRequest): RunReport {
  const started = performance.now();
  const { result, stats } = program.runWithStats({ input: new TextEncoder().encode(req.input), maxSteps: req.maxSteps, eof: req.eof });
  return {
    tier: "the WebAssembly backend (chapter 13)",
    ...outputOf(result.output),
    steps: stats.steps ?? 0,
    unit: "loop tests",
    error: result.error ? errorText(result.error, "loop tests") : null,
    ms: performance.now() - started,
  };
}

function interpretProgram(program: Program, req: PipelineRequest): RunReport {
  const started = performance.now();
  const { result, steps } = interpretWithStats(program, { input: new TextEncoder().encode(req.input), maxSteps: req.maxSteps, eof: req.eof });
  const error = result.error instanceof BrainfuckError ? errorText(result.error, "steps") : null;
  return {
    tier: "the reference interpreter (chapter 6)",
    ...outputOf(result.output),
    steps,
    unit: "steps",
    error,
    ms: performance.now() - started,
  };
}

/** The output as text, cut after MAX_OUTPUT_BYTES, and how many bytes there were in all. */
function outputOf(bytes: Uint8Array): { output: string; outputBytes: number } {
  return { output: new TextDecoder().decode(bytes.subarray(0, MAX_OUTPUT_BYTES)), outputBytes: bytes.length };
}

/**
 * A runtime error as the page shows it. The step limit's own hint names the command line's
 * --max-steps; here the limit is the page's Step limit field, so the page words it.
 */
export function errorText(e: BrainfuckError, unit: RunReport["unit"]): string {
  if (!(e instanceof StepLimitError)) return `${e.name}: ${e.message}`;
  return (
    `${e.name}: ${formatPos(e.pos)}: stopped here after ${e.maxSteps.toLocaleString("en")} ${unit}, the step limit: the program may ` +
    `loop forever. If it only needs longer, raise the Step limit above the program.`
  );
}

/** What the playground page says about each stage, so a reader knows what is live and what is to come. */
export const STAGES: readonly { readonly name: string; readonly ready: boolean; readonly note: string }[] = [
  { name: "Parser", ready: true, note: "chapter 6: parse errors at line:column." },
  { name: "Interpreter", ready: true, note: "chapter 6: runs the program when there is no WebAssembly module for it (a program nested deeper than the LIR allows)." },
  { name: "LIR", ready: true, note: "chapter 8: Brainfuck lowered to the LIR, printed in its text form." },
  { name: "Optimizer", ready: true, note: "chapter 9: the default pipeline, pass by pass, with the op count before and after each." },
  { name: "WebAssembly", ready: true, note: "chapter 13: the optimized LIR compiled to a WebAssembly module, which runs the program here, in the worker; the step limit is its fuel, counted in loop tests, and the page adds a time limit." },
  { name: "x86-64 code", ready: true, note: "chapter 9: the optimized LIR compiled to x86-64 by the optimizing JIT's code generator, each op above its instructions, bytes beside them. It is generated here but not run (a browser cannot load machine code), so calls to libc show placeholder addresses." },
];
