// The playground's compiler: the chapters' own pure-TypeScript modules, called in the order the book
// builds them. Nothing here reimplements a stage; it only calls the chapters and reports. It runs in
// a Web Worker in the browser and directly in the tests.
import { BrainfuckError, BrainfuckSyntaxError, StepLimitError } from "../../chapters/06-interpreter/errors.ts";
import { interpretWithStats } from "../../chapters/06-interpreter/interpreter.ts";
import { parse, type Program } from "../../chapters/06-interpreter/parser.ts";
import { formatPos } from "../../chapters/06-interpreter/source.ts";
import { countOps, posOf, type Lir, type Op } from "../../chapters/08-lir/lir.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { print } from "../../chapters/08-lir/print.ts";
import { DEFAULT_PIPELINE, passNamed } from "../../chapters/09-optimizer/optimize.ts";
import { decodeModule } from "../../chapters/13-wasm-backend/decode.ts";
import type { WasmLimits } from "../../chapters/13-wasm-backend/limits.ts";
import { WasmProgram } from "../../chapters/13-wasm-backend/wasm-program.ts";
import { toWat } from "../../chapters/13-wasm-backend/wat.ts";
import type { CutText, ParseReport, PassReport, PipelineReport, PipelineRequest, RunReport, Stage, WasmReport } from "./protocol.ts";
import { x86Listing } from "./x86.ts";

/** Lines of WebAssembly text shown at most: mandelbrot's module is 27,000 with its comments. */
export const MAX_WAT_LINES = 3000;

/** Lines of LIR text shown at most, in the LIR panel and after each pass. */
export const MAX_LIR_LINES = 3000;

/**
 * Ops past which the WebAssembly text is the module's own, without each LIR op as a comment: the
 * comments mean generating the whole module a second time, seconds on a program this big.
 */
export const MAX_NOTED_WAT_OPS = 20_000;

/**
 * Commands past which the page lowers nothing and the reference interpreter runs the program:
 * parsing, lowering and compiling a program of millions of commands takes longer than the page waits.
 */
export const MAX_LIR_COMMANDS = 1_000_000;

/**
 * Ops times loops past which the optimizer is skipped: its analysis copies what it knows of the
 * cells at every loop, so a long program of many loops costs about their product.
 */
export const MAX_OPTIMIZER_WORK = 20_000_000;

/** The optimizer's work on this LIR, as MAX_OPTIMIZER_WORK counts it. */
function optimizerWork(lir: Lir): number {
  const loops = (ops: readonly Op[]): number => ops.reduce((k, op) => k + (op.kind === "loop" ? 1 + loops(op.body) : op.kind === "guard" ? loops(op.then) + loops(op.otherwise) : 0), 0);
  return countOps(lir.ops) * loops(lir.ops);
}

/** A playground stage the browser's engine gave up on (out of memory, say): the engine's words, put as the book's. */
export class PlaygroundLimitError extends Error {
  override name = "PlaygroundLimitError";
}

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
    const error = bookError(what, e);
    return { ok: false, reason: `${what} failed: ${error.name}: ${error.message}` };
  }
}

/**
 * The error as the page shows it: the book's own errors as they are; what the engine throws (a
 * RangeError out of memory, a CompileError) is the engine giving up on a program this big, said so.
 */
export function bookError(what: string, e: unknown): Error {
  const engine = e instanceof RangeError || e instanceof WebAssembly.CompileError || e instanceof WebAssembly.LinkError || e instanceof WebAssembly.RuntimeError;
  if (e instanceof Error && !engine && e.constructor !== Error && e.constructor !== TypeError) return e;
  return new PlaygroundLimitError(
    `${what} is more than this browser's engine could do for this program (it said: ${e instanceof Error ? e.message : String(e)}). ` +
      `Make the program smaller, or run it from the command line with a native tier (bun chapters/09-optimizer/main.ts).`,
    { cause: e },
  );
}

/** The LIR as text, its first MAX_LIR_LINES lines, and where it stops when there are more. */
export function lirText(lir: Lir): CutText {
  const text = print(lir, { maxLines: MAX_LIR_LINES });
  const total = lineCount(lir.ops);
  if (total <= MAX_LIR_LINES) return { text, cut: null };
  const n = (x: number) => x.toLocaleString("en");
  let seen = 0;
  let next: number | undefined;
  for (const pos of lineSources(lir.ops)) {
    if (seen++ === MAX_LIR_LINES) {
      next = pos;
      break;
    }
  }
  return { text, cut: `The text is cut after ${n(MAX_LIR_LINES)} lines of ${n(total)}: the next line is from ${next === undefined ? "the end" : formatPos(lir.lines.pos(next))}.` };
}

/** Lines print() writes for these ops. */
function lineCount(ops: readonly Op[]): number {
  let n = 0;
  for (const op of ops) {
    if (op.kind === "loop") n += 2 + lineCount(op.body);
    else if (op.kind === "guard") n += 3 + lineCount(op.then) + lineCount(op.otherwise);
    else n++;
  }
  return n;
}

/** The source position of each line print() writes, in order. */
function* lineSources(ops: readonly Op[]): Generator<number> {
  for (const op of ops) {
    yield posOf(op);
    if (op.kind === "loop") {
      yield* lineSources(op.body);
      yield op.end;
    } else if (op.kind === "guard") {
      yield* lineSources(op.then);
      yield op.pos;
      yield* lineSources(op.otherwise);
      yield op.pos;
    }
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
  const n = (x: number) => x.toLocaleString("en");
  const commands = program.length;
  const lir =
    commands > MAX_LIR_COMMANDS
      ? blocked(`Lowering is skipped: the program has ${n(commands)} commands, more than the ${n(MAX_LIR_COMMANDS)} the page compiles in good time. The reference interpreter (chapter 6) runs it.`)
      : attempt("Lowering to the LIR (chapter 8)", () => lower(program));
  const work = lir.ok ? optimizerWork(lir.value) : 0;
  const optimized = !lir.ok
    ? blocked("There is no LIR to optimize.")
    : work > MAX_OPTIMIZER_WORK
      ? blocked(
          `The optimizer is skipped: the LIR has ${n(countOps(lir.value.ops))} ops and ${n(work / countOps(lir.value.ops))} loops, and chapter 9's analysis carries what it knows of the cells into every loop, ` +
            `so its time grows with both: too long for the page. The WebAssembly backend compiles the LIR as lowered.`,
        )
      : attempt("The optimizer (chapter 9)", () => optimizeByPass(lir.value));
  // Unoptimized code runs the same: the optimizer only makes it faster.
  const code = optimized.ok ? optimized.value.lir : lir.ok ? lir.value : null;
  const compiled = code !== null ? attempt("The WebAssembly backend (chapter 13)", () => compile(code, limits)) : blocked("There is no LIR to compile.");
  return {
    parse: { ok: true, commands, error: null },
    lir: lir.ok ? attempt("Printing the LIR (chapter 8)", () => lirText(lir.value)) : lir,
    optimized: optimized.ok ? { ok: true, value: { ...optimized.value.text, passes: optimized.value.passes } } : optimized,
    x86: optimized.ok ? flatten(attempt("The x86-64 code generator (chapter 9)", () => x86Listing(optimized.value.lir))) : blocked("There is no optimized LIR to compile."),
    wasm: compiled.ok ? { ok: true, value: compiled.value.report } : compiled,
    run: attempt("Running the program", () => run(program, compiled.ok ? compiled.value.program : null, req)),
  };
}

const flatten = <T>(stage: Stage<Stage<T>>): Stage<T> => (stage.ok ? stage.value : stage);

/**
 * The backend runs the program; the interpreter when there is no module (say, a program nested
 * deeper than the LIR allows), or when the engine cannot run it.
 */
function run(program: Program, module: WasmProgram | null, req: PipelineRequest): RunReport {
  if (module === null) return interpretProgram(program, req);
  try {
    return runModule(module, req);
  } catch (e) {
    if (bookError("", e) instanceof PlaygroundLimitError) return interpretProgram(program, req);
    throw e;
  }
}

/** Chapter 9's default pipeline, one pass at a time, keeping the LIR after each to show what it did. */
function optimizeByPass(input: Lir): { lir: Lir; text: CutText; passes: PassReport[] } {
  const passes: PassReport[] = [];
  let lir = input;
  for (const name of DEFAULT_PIPELINE) {
    const before = countOps(lir.ops);
    lir = passNamed(name).run(lir);
    passes.push({ name, before, after: countOps(lir.ops), text: print(lir, { maxLines: MAX_LIR_LINES }) });
  }
  return { lir, text: lirText(lir), passes };
}

/**
 * Chapter 13: the optimized LIR as a WebAssembly module, the variant that counts fuel, since the
 * page always gives a step limit. Its text is what the panel shows.
 */
function compile(lir: Lir, limits: WasmLimits | undefined): { program: WasmProgram; report: WasmReport } {
  const program = new WasmProgram(lir, limits === undefined ? {} : { limits });
  const { code, generateMs, compileMs } = program.variant(true);
  const ops = countOps(lir.ops);
  const noted = ops <= MAX_NOTED_WAT_OPS;
  const text = noted ? program.wat(true, MAX_WAT_LINES) : toWat(code.bytes, new Map(), MAX_WAT_LINES);
  const n = (x: number) => x.toLocaleString("en");
  const cutAt = text.endsWith(`;; ... cut here, after ${MAX_WAT_LINES} lines\n`);
  const notes = noted ? "" : `The text has no LIR ops as comments: the optimized LIR has ${n(ops)} ops, more than the ${n(MAX_NOTED_WAT_OPS)} the page annotates. `;
  const cut = cutAt ? `${notes}The text is cut after ${n(MAX_WAT_LINES)} lines; the module has ${n(code.bytes.length)} bytes in all.` : notes === "" ? null : notes.trim();
  return { program, report: { text, cut, bytes: code.bytes.length, functions: decodeModule(code.bytes).functions.length, compileMs: generateMs + compileMs } };
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
