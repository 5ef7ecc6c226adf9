// What the playground page and its worker say to each other. The page sends a request for every
// edit; the worker answers with one report covering every stage. A stage the book has not built yet
// (or that failed) says why instead of showing a value.
import type { EofBehavior } from "../../chapters/06-interpreter/semantics.ts";

export interface PipelineRequest {
  readonly source: string;
  /** What `,` reads. */
  readonly input: string;
  /** Fuel for the run: the interpreter stops the program after this many steps. */
  readonly maxSteps: number;
  /** What `,` stores once the input is used up (chapter 6's choices). */
  readonly eof: EofBehavior;
}

export type Stage<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export interface ParseReport {
  readonly ok: boolean;
  /** Commands in the program (comments excluded). */
  readonly commands: number;
  /** The syntax error, with its 1-based position, when the program does not parse. */
  readonly error: { readonly line: number; readonly column: number; readonly message: string } | null;
}

/** A stage's text, and when it stops short of the whole, a note saying where (the page shows it below). */
export interface CutText {
  readonly text: string;
  readonly cut: string | null;
}

export interface PassReport {
  readonly name: string;
  /** Ops before and after the pass. */
  readonly before: number;
  readonly after: number;
  /** The LIR after this pass, to show what it changed (its first MAX_LIR_LINES lines). */
  readonly text: string;
}

/** A line of the x86-64 listing: an instruction, a label, the LIR op the next instructions come from, or a part of the code. */
export type X86Line =
  | { readonly kind: "insn"; readonly offset: number; /** "48 83 c0 04". */ readonly bytes: string; readonly asm: string }
  | { readonly kind: "label"; readonly name: string }
  | { readonly kind: "op"; /** The op's first line of LIR text: "loop [0] {". */ readonly text: string; /** "3:14". */ readonly pos: string; readonly depth: number }
  | { readonly kind: "part"; readonly text: string };

export interface X86Report {
  /** Cut after MAX_X86_LINES lines. */
  readonly lines: readonly X86Line[];
  /** Bytes of machine code listed. */
  readonly size: number;
  /** When the listing is not the whole program's code: what it covers, and where it stops. */
  readonly cut: string | null;
}

export interface WasmReport {
  /** The module that runs the program, as WebAssembly text (cut after MAX_WAT_LINES lines). */
  readonly text: string;
  /** When the text is not the whole module: where it stops. */
  readonly cut: string | null;
  readonly bytes: number;
  readonly functions: number;
  /** Milliseconds to generate the module and for the engine to compile it. */
  readonly compileMs: number;
}

export interface RunReport {
  /** Which tier ran the program: "the WebAssembly backend (chapter 13)". */
  readonly tier: string;
  /** The output, cut after MAX_OUTPUT_BYTES bytes. */
  readonly output: string;
  /** Bytes of output the program wrote in all. */
  readonly outputBytes: number;
  /** The fuel the run used, in `unit`s: the interpreter counts every command, the backend loop tests. */
  readonly steps: number;
  readonly unit: "steps" | "loop tests";
  /** The runtime error (off the tape, out of steps) with its position, or null. */
  readonly error: string | null;
  readonly ms: number;
}

export interface PipelineReport {
  readonly parse: ParseReport;
  readonly lir: Stage<CutText>;
  readonly optimized: Stage<CutText & { readonly passes: readonly PassReport[] }>;
  readonly x86: Stage<X86Report>;
  readonly wasm: Stage<WasmReport>;
  readonly run: Stage<RunReport>;
}

export interface WorkerRequest {
  readonly id: number;
  readonly request: PipelineRequest;
}

export type WorkerReply = { readonly id: number; readonly report: PipelineReport } | { readonly id: number; readonly crash: string };
