// What every native tier provides (this chapter's template JIT is the first): compile a Program
// once, run it many times, and answer with chapter 6's RunResult, so that any tier can be compared
// with the interpreter.
import type { Program } from "../06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../06-interpreter/semantics.ts";
import type { SourcePos } from "../06-interpreter/source.ts";

// #region tier
export interface NativeTier {
  /** A short name for tables and the test harness: "template", "lir", ... */
  readonly name: string;
  compile(program: Program): CompiledProgram;
}

export interface CompiledProgram {
  readonly tier: string;
  /** Bytes of machine code. */
  readonly codeSize: number;
  /** Run on a fresh tape. The output is captured into RunResult unless `io` sends it elsewhere. */
  run(opts?: RunOptions, io?: RunIO): RunResult;
  /** run(), also telling how long it took and how often the code called write and read. */
  runWithStats(opts?: RunOptions, io?: RunIO): { readonly result: RunResult; readonly stats: RunStats };
  /** The machine code, and its listing: offset, bytes and instruction, one line each. */
  code(): Uint8Array;
  listing(): string;
  /** Unmap the code. The program cannot run afterwards. */
  free(): void;
  [Symbol.dispose](): void;
}
// #endregion tier

// #region io
/** Where a run's bytes come from and go to. By default: RunOptions.input in, output captured. */
export interface RunIO {
  /** `,` reads this file descriptor instead of RunOptions.input (main.ts passes 0, stdin). */
  readonly inputFd?: number;
  /** `.` writes to this file descriptor (main.ts passes 1); RunResult.output is then empty. */
  readonly outputFd?: number;
  /** Bytes of output kept in memory before a write (default 64 KiB). */
  readonly bufferSize?: number;
}

export interface RunStats {
  /** Wall time inside the generated code, in milliseconds. */
  readonly runMs: number;
  /** Calls the code made to write and read. */
  readonly writes: number;
  readonly reads: number;
}
// #endregion io

// #region sites
/**
 * One pointer step a bounds check covers: the command that made it, and where it goes relative to
 * the cell the pointer stood on before the checked operation began (+1 for the first `>`).
 */
export interface Step {
  readonly offset: number;
  readonly pos: SourcePos;
}

/**
 * The steps each bounds check covers, in program order, by the site number the code reports. A
 * template JIT checks a whole run `>>>>` at once; the host replays its steps to find the exact `>`
 * that left the tape, as the interpreter would have.
 */
export type SiteTable = (site: number) => readonly Step[];
// #endregion sites
