// The playground's compiler: the chapters' own pure-TypeScript modules, called in the order the book
// builds them. Nothing here reimplements a stage; it only calls the chapters and reports. It runs in
// a Web Worker in the browser and directly in the tests.
import { BrainfuckError, BrainfuckSyntaxError } from "../../chapters/06-interpreter/errors.ts";
import { interpretWithStats } from "../../chapters/06-interpreter/interpreter.ts";
import { parse, type Program } from "../../chapters/06-interpreter/parser.ts";
import { countOps, type Lir } from "../../chapters/08-lir/lir.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { print } from "../../chapters/08-lir/print.ts";
import type { ListingLine } from "../../chapters/04-encoder/assembler.ts";
import { DEFAULT_PIPELINE, passNamed } from "../../chapters/09-optimizer/optimize.ts";
import type { ParseReport, PassReport, PipelineReport, PipelineRequest, RunReport, Stage, X86Line } from "./protocol.ts";

const blocked = (why: string): Stage<never> => ({ ok: false, reason: why });

/** A stage's value, or the error it threw as the reason: one broken stage never hides the others. */
function attempt<T>(what: string, f: () => T): Stage<T> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, reason: `${what} failed: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
  }
}

export function runPipeline(req: PipelineRequest): PipelineReport {
  let program: Program;
  try {
    program = parse(req.source);
  } catch (e) {
    if (!(e instanceof BrainfuckSyntaxError)) throw e;
    const parseReport: ParseReport = { ok: false, commands: 0, error: { line: e.pos!.line, column: e.pos!.column, message: e.message } };
    const no = blocked("The program does not parse.");
    return { parse: parseReport, lir: no, optimized: no, x86: no, run: no };
  }
  const lir = attempt("Lowering to the LIR (chapter 8)", () => lower(program));
  return {
    parse: { ok: true, commands: program.code.length, error: null },
    lir: lir.ok ? { ok: true, value: print(lir.value) } : lir,
    optimized: lir.ok ? attempt("The optimizer (chapter 9)", () => optimizeByPass(lir.value)) : blocked("There is no LIR to optimize."),
    x86: blocked("The x86-64 code generator for the LIR is not in the book yet: this panel fills in when it lands."),
    run: { ok: true, value: interpretProgram(program, req) },
  };
}

/** Chapter 9's default pipeline, one pass at a time, keeping the LIR after each to show what it did. */
function optimizeByPass(input: Lir): { text: string; passes: PassReport[] } {
  const passes: PassReport[] = [];
  let lir = input;
  for (const name of DEFAULT_PIPELINE) {
    const before = countOps(lir.ops);
    lir = passNamed(name).run(lir);
    passes.push({ name, before, after: countOps(lir.ops), text: print(lir) });
  }
  return { text: print(lir), passes };
}

/**
 * The x86-64 panel's content from chapter 4's assembler listing. When chapter 8's LIR -> x86-64
 * code generator lands, the x86 stage above becomes `attempt(..., () => x86Listing(codegen(lir).listing))`.
 */
export function x86Listing(listing: readonly ListingLine[]): { lines: X86Line[]; size: number } {
  const lines = listing.map((l) => ({ offset: l.offset, bytes: [...l.bytes].map((b) => b.toString(16).padStart(2, "0")).join(" "), asm: l.text }));
  const last = listing.at(-1);
  return { lines, size: last ? last.offset + last.bytes.length : 0 };
}

function interpretProgram(program: Program, req: PipelineRequest): RunReport {
  const started = performance.now();
  const { result, steps } = interpretWithStats(program, { input: new TextEncoder().encode(req.input), maxSteps: req.maxSteps, eof: req.eof });
  const error = result.error instanceof BrainfuckError ? `${result.error.name}: ${result.error.message}` : null;
  return {
    tier: "the reference interpreter (chapter 6)",
    output: new TextDecoder().decode(result.output),
    steps,
    error,
    ms: performance.now() - started,
  };
}

/** What the playground page says about each stage, so a reader knows what is live and what is to come. */
export const STAGES: readonly { readonly name: string; readonly ready: boolean; readonly note: string }[] = [
  { name: "Parser", ready: true, note: "chapter 6: parse errors at line:column." },
  { name: "Interpreter", ready: true, note: "chapter 6: runs the program, with a step limit; the page adds a time limit." },
  { name: "LIR", ready: true, note: "chapter 8: Brainfuck lowered to the LIR, printed in its text form." },
  { name: "Optimizer", ready: true, note: "chapter 9: the default pipeline, pass by pass, with the op count before and after each." },
  { name: "x86-64 code", ready: false, note: "chapter 8's LIR to x86-64 lowering is not written yet; the panel says so until it is." },
];
