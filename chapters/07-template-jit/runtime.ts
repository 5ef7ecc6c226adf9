// The native runtime every compiling tier shares: load machine code, run it on a fresh tape with a
// context block, and turn what it left behind into chapter 6's RunResult. A tier only generates
// code that keeps the contract of context.ts; loading, I/O, errors and cleanup are done here.
import type { Pointer } from "../01-pages/ffi.ts";
import { errno, errnoName, libc, strerror } from "../01-pages/libc.ts";
import { CodeBuffer, CodeBufferStateError } from "../03-w-xor-x/code-buffer.ts";
import { TapeBoundsError } from "../06-interpreter/errors.ts";
import { settingsOf, type RunOptions, type RunResult, type Settings } from "../06-interpreter/semantics.ts";
import { CTX, STATUS, type IoImports } from "./context.ts";
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
  runWithStats(opts: RunOptions = {}, io: RunIO = {}): { result: RunResult; stats: RunStats } {
    if (this.#buffer.state !== "sealed") {
      throw new CodeBufferStateError(`this ${this.tier} program was freed, and its code unmapped: compile the program again to run it`);
    }
    const { tapeSize, eof, input } = nativeSettings(opts);
    const bufferSize = checkBufferSize(io.bufferSize ?? DEFAULT_BUFFER_SIZE);
    const inFd = io.inputFd ?? memoryFileWith("bf-input", input);
    const outFd = io.outputFd ?? openMemoryFile("bf-output");
    try {
      const memory = RunMemory.allocate(tapeSize, bufferSize);
      try {
        memory.start({ outFd, inFd, eof });
        const started = performance.now();
        const status = this.#entry(memory.ctxAddress);
        const runMs = performance.now() - started;
        const code = errno(); // read at once: only a failed write or read sets it, and anything may overwrite it
        const output = io.outputFd === undefined ? memoryFileBytes(outFd) : new Uint8Array(0);
        const result = this.#result(status, code, memory, output, io);
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

  // #region result
  #result(status: number, code: number, memory: RunMemory, output: Uint8Array, io: RunIO): RunResult {
    const tape = memory.tape.slice();
    const pointer = memory.get(CTX.pointer);
    switch (status) {
      case STATUS.OK:
        return { output, tape, pointer, error: null };
      case STATUS.OFF_TAPE: {
        const off = offTape(this.#sites(memory.get(CTX.site)), pointer, tape.length);
        return { output, tape, pointer: off.pointer, error: off.error };
      }
      case STATUS.WRITE_FAILED:
        throw new NativeIOError(`writing the output to file descriptor ${io.outputFd ?? "(captured)"} failed` + ioCause(memory.get(CTX.ioResult), code));
      case STATUS.READ_FAILED:
        throw new NativeIOError(`reading the input from file descriptor ${io.inputFd ?? "(memory)"} failed` + ioCause(memory.get(CTX.ioResult), code));
      default:
        throw new GeneratedCodeError(
          `the ${this.tier} code returned ${status}, which is not a status of context.ts (0 to 3): ` +
            `every exit must put a STATUS value in eax before it returns`,
        );
    }
  }
  // #endregion result

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
 * that leaves, and the pointer stays on the edge cell, as it does in the interpreter.
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
/** RunOptions with defaults filled in; the fuel limit is chapter 12's, so it is refused here. */
export function nativeSettings(opts: RunOptions): Settings {
  if (opts.maxSteps !== undefined && opts.maxSteps !== Infinity) {
    throw new UnsupportedOptionError(
      `maxSteps (${opts.maxSteps}) is not supported by the native tiers yet: their code counts no steps ` +
        `(chapter 12 adds fuel). Run the program with the interpreter of chapter 6 to limit its steps.`,
    );
  }
  return settingsOf(opts);
}
// #endregion native-settings

function checkBufferSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 30) {
    throw new RangeError(`the output buffer size must be a whole number of bytes from 1 to 2^30, not ${size}`);
  }
  return size;
}

function ioCause(result: number, code: number): string {
  if (result === 0) return ": write() wrote nothing (returned 0)";
  return `: ${errnoName(code)} (${strerror(code)})`;
}
