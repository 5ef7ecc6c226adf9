// The native runtime every compiling tier shares: load machine code, run it on a fresh tape with a
// context block, and turn what it left behind into chapter 6's RunResult. A tier only generates
// code that keeps the contract of context.ts; loading, I/O, errors and cleanup are done here.
import type { Pointer } from "../01-pages/ffi.ts";
import { errno, errnoName, libc, strerror } from "../01-pages/libc.ts";
import { CodeBuffer, CodeBufferStateError } from "../03-w-xor-x/code-buffer.ts";
import { TapeBoundsError, type BrainfuckError } from "../06-interpreter/errors.ts";
import { closedPipeAdvice } from "../06-interpreter/write-all.ts";
import { resultTape, settingsOf, type RunOptions, type RunResult, type Settings } from "../06-interpreter/semantics.ts";
import { CONTEXT_SIZE, CTX, STATUS, type IoImports } from "./context.ts";
import { GeneratedCodeError, NativeIOError, UnsupportedOptionError } from "./errors.ts";
import { closeMemoryFile, memoryFileBytes, memoryFileWith, openMemoryFile } from "./memory-file.ts";
import { RunMemory } from "./run-memory.ts";
import type { CompiledProgram, RunIO, RunStats, SiteTable, Step } from "./tier.ts";

export const DEFAULT_BUFFER_SIZE = 64 * 1024;

// #region entry
/** The generated function: `int32_t run(struct context *ctx)`, the pointer passed as a number. */
const ENTRY = { args: ["ptr"], returns: "i32" } as const;
type Entry = (ctx: number) => number;
// #endregion entry

/** What a tier hands to the runtime: machine code whose entry point is at offset 0. */
export interface GeneratedCode {
  readonly tier: string;
  readonly code: Uint8Array;
  readonly sites: SiteTable;
  readonly listing: () => string;
}

// #region libc-io
/** Where libc's write and read are: bun:ffi puts each bound symbol's address in its `.ptr`. */
export function libcIo(): IoImports {
  const address = (f: unknown) => (f as { readonly ptr: number }).ptr;
  return { write: address(libc().write), read: address(libc().read) };
}
// #endregion libc-io

// #region native-program
export class NativeProgram implements CompiledProgram {
  readonly tier: string;
  readonly codeSize: number;
  readonly #buffer: CodeBuffer;
  readonly #entry: Entry;
  readonly #code: Uint8Array;
  readonly #sites: SiteTable;
  readonly #listing: () => string;

  private constructor(generated: GeneratedCode, buffer: CodeBuffer) {
    this.tier = generated.tier;
    this.codeSize = generated.code.length;
    this.#code = generated.code;
    this.#sites = generated.sites;
    this.#listing = generated.listing;
    this.#buffer = buffer;
    const fn = buffer.fn(ENTRY);
    this.#entry = (ctx) => fn(ctx as Pointer);
  }

  /** Where the code is, for tools that name it (a profiler's map); meaningless after free(). */
  get address(): number {
    return this.#buffer.address;
  }

  /** Copy the code into fresh pages, seal them (W^X: RX from now on) and make it callable. */
  static load(generated: GeneratedCode): NativeProgram {
    const buffer = CodeBuffer.create(Math.max(1, generated.code.length));
    try {
      return new NativeProgram(generated, buffer.write(generated.code).seal());
    } catch (e) {
      buffer.free();
      throw e;
    }
  }
  // #endregion native-program

  run(opts: RunOptions = {}, io: RunIO = {}): RunResult {
    return this.runWithStats(opts, io).result;
  }

  // #region run
  /**
   * Run on a fresh tape. `extension` is how a run adds to the contract of context.ts (fields,
   * statuses, options) without a change here; a plain run adds nothing.
   */
  runWithStats(opts: RunOptions = {}, io: RunIO = {}, extension: RunExtension = PLAIN_RUN): { result: RunResult; stats: RunStats } {
    if (this.#buffer.state !== "sealed") {
      throw new CodeBufferStateError(`this ${this.tier} program was freed, and its code unmapped: compile the program again to run it`);
    }
    const settings = extension.settings(opts);
    const { tapeLimit, eof, input } = settings;
    const bufferSize = checkBufferSize(io.bufferSize ?? DEFAULT_BUFFER_SIZE);
    const inFd = io.inputFd ?? memoryFileWith("bf-input", input);
    const outFd = io.outputFd ?? openMemoryFile("bf-output");
    try {
      // A growing tape is mapped at its limit, and the code's checks compare with the limit.
      const memory = RunMemory.allocate(tapeLimit, bufferSize, extension.contextSize);
      try {
        memory.start({ outFd, inFd, eof });
        extension.start(memory);
        const started = performance.now();
        const status = this.#entry(memory.ctxAddress);
        const runMs = performance.now() - started;
        const code = errno(); // read at once: only a failed write or read sets it, and anything may overwrite it
        const output = io.outputFd === undefined ? memoryFileBytes(outFd) : new Uint8Array(0);
        const returned = {
          memory,
          sites: this.#sites,
          errno: code,
          output: `to file descriptor ${io.outputFd ?? "(captured)"}`,
          input: `from file descriptor ${io.inputFd ?? "(memory)"}`,
        };
        const { error, pointer } = decodeStatus(extension.statuses, status, returned, `the ${this.tier} code`);
        extension.finish(memory);
        const used = settings.growable ? memory.touchedCells() : memory.tape.length;
        const result = { output, tape: resultTape(memory.tape, pointer, settings, used).slice(), pointer, error };
        return { result, stats: { runMs, writes: memory.get(CTX.writes), reads: memory.get(CTX.reads) } };
      } finally {
        memory.free();
      }
    } finally {
      if (io.inputFd === undefined) closeMemoryFile(inFd);
      if (io.outputFd === undefined) closeMemoryFile(outFd);
    }
  }
  // #endregion run

  code(): Uint8Array {
    return this.#code.slice();
  }

  listing(): string {
    return this.#listing();
  }

  free(): void {
    this.#buffer.free();
  }

  [Symbol.dispose](): void {
    if (this.#buffer.state !== "freed") this.free();
  }
}

// #region off-tape
/**
 * The exact command that left the tape. The code checked a whole operation at once and stopped
 * with the pointer where the operation began; replaying its steps one at a time finds the first
 * that leaves, and the pointer stays on the edge cell, as it does in the interpreter. When no step
 * leaves the tape, the check and the site table disagree: a GeneratedCodeError that says so.
 */
export function offTape(steps: readonly Step[], pointer: number, tapeSize: number): { error: TapeBoundsError; pointer: number } {
  for (const step of steps) {
    const cell = pointer + step.offset;
    if (cell < 0) return { error: new TapeBoundsError(step.pos, "left", tapeSize), pointer: 0 };
    if (cell >= tapeSize) return { error: new TapeBoundsError(step.pos, "right", tapeSize), pointer: tapeSize - 1 };
  }
  throw new GeneratedCodeError(
    `a bounds check reported the pointer off the tape, but none of its ${steps.length} step(s) from cell ` +
      `${pointer} leaves a tape of ${tapeSize} cells: the check and its site table disagree`,
  );
}
// #endregion off-tape

// #region native-settings
/** RunOptions with defaults filled in; a step limit is refused, since the code counts no steps. */
export function nativeSettings(opts: RunOptions): Settings {
  if (opts.maxSteps !== undefined && opts.maxSteps !== Infinity) {
    throw new UnsupportedOptionError(
      `maxSteps (${opts.maxSteps}) is not supported by the native tiers: their code counts no steps. ` +
        `Run the program with the interpreter of chapter 6 to limit its steps.`,
    );
  }
  return settingsOf(opts);
}
// #endregion native-settings

/** The output buffer's size, if it is one a run can allocate; a RangeError that says which sizes are, if not. */
export function checkBufferSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 30) {
    throw new RangeError(`the output buffer size must be a whole number of bytes from 1 to 2^30, not ${size}`);
  }
  return size;
}

// #region status-table
/** What the host has in hand when the code has returned: the run's memory, its sites, and errno. */
export interface Returned {
  readonly memory: RunMemory;
  readonly sites: SiteTable;
  /** errno, read right after the call: what a failed write or read left there. */
  readonly errno: number;
  /** Where the output went and the input came from, as an I/O error's message names them. */
  readonly output: string;
  readonly input: string;
}

/** How a run ended: its error (null when it ran to the end), and the cell the pointer is on. */
export interface Ending {
  readonly error: BrainfuckError | null;
  readonly pointer: number;
}

/**
 * What each status means, by its number: one table, so that every caller of generated code decodes
 * statuses the same way, and a run whose code returns more statuses adds them to a copy.
 * A failed write or read is thrown: no RunResult can describe it.
 */
export type StatusTable = Readonly<Record<number, (r: Returned) => Ending>>;

export const STATUS_TABLE: StatusTable = {
  [STATUS.OK]: ({ memory }) => ({ error: null, pointer: memory.get(CTX.pointer) }),
  [STATUS.OFF_TAPE]: ({ memory, sites }) => offTape(sites(memory.get(CTX.site)), memory.get(CTX.pointer), memory.tape.length),
  [STATUS.WRITE_FAILED]: (r) => {
    throw new NativeIOError(`writing the output ${r.output} failed` + ioCause(r.memory.get(CTX.ioResult), r.errno));
  },
  [STATUS.READ_FAILED]: (r) => {
    throw new NativeIOError(`reading the input ${r.input} failed` + ioCause(r.memory.get(CTX.ioResult), r.errno));
  },
};

/**
 * The ending `status` stands for in `table`; a status the table lacks is a code generator's bug, a
 * GeneratedCodeError: "<code> returned <status>, which is not one of its statuses (<the table's, by
 * comma>): every exit must put a status value in eax before it returns".
 */
export function decodeStatus(table: StatusTable, status: number, returned: Returned, code: string): Ending {
  const decode = table[status];
  if (decode === undefined) {
    throw new GeneratedCodeError(
      `${code} returned ${status}, which is not one of its statuses (${Object.keys(table).join(", ")}): ` +
        `every exit must put a status value in eax before it returns`,
    );
  }
  return decode(returned);
}
// #endregion status-table

// #region extension
/**
 * What a run may add to the contract of context.ts, without a change to this runtime: fields after
 * CONTEXT_SIZE, filled in before the call and read after it; statuses of its own; and the options it
 * honours. Code compiled with extra instrumentation (generate.ts's hooks) runs with its extension.
 */
export interface RunExtension {
  /** Bytes of context block: CONTEXT_SIZE and the fields the extension adds after it. */
  readonly contextSize: number;
  /** The run's settings from its options, refusing those the code cannot honour. */
  settings(opts: RunOptions): Settings;
  /** Every status the code may return: STATUS_TABLE, and the extension's own. */
  readonly statuses: StatusTable;
  /** Fill in the added fields; the runtime has filled in its own. */
  start(memory: RunMemory): void;
  /** Read the added fields back, after the status is decoded and before the memory is freed. */
  finish(memory: RunMemory): void;
}

/** A run of this chapter: context.ts's block and statuses, and no step limit. */
export const PLAIN_RUN: RunExtension = {
  contextSize: CONTEXT_SIZE,
  settings: (opts) => nativeSettings(opts),
  statuses: STATUS_TABLE,
  start: () => {},
  finish: () => {},
};
// #endregion extension

function ioCause(result: number, code: number): string {
  if (result === 0) return ": write() wrote nothing (returned 0)";
  return `: ${errnoName(code)} (${strerror(code)})${closedPipeAdvice(errnoName(code))}`;
}
