// The native runtime every compiling tier shares: load machine code, run it on a fresh tape with a
// context block, and turn what it left behind into chapter 6's RunResult. A tier only generates
// code that keeps the contract of context.ts; loading, I/O, errors and cleanup are done here.
import type { Pointer } from "../01-pages/ffi.ts";
import { errno, errnoName, libc, strerror } from "../01-pages/libc.ts";
import { CodeBuffer, CodeBufferStateError } from "../03-w-xor-x/code-buffer.ts";
import { StepLimitError, TapeBoundsError } from "../06-interpreter/errors.ts";
import { settingsOf, type RunOptions, type RunResult, type Settings } from "../06-interpreter/semantics.ts";
import { CTX, STATUS, type IoImports } from "./context.ts";
import { monotonicNs } from "./clock.ts";
import { GeneratedCodeError, NativeIOError, TimeoutError, UnsupportedOptionError } from "./errors.ts";
import { FUEL_STATUS, type FuelSite } from "./fuel.ts";
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
  /** Compiled with fuel (chapter 12): the loop test each fuel site stands for. */
  readonly fuelSites?: (site: number) => FuelSite | undefined;
  /** The same program compiled with fuel, generated when a run first asks for limits. */
  readonly fueled?: () => GeneratedCode;
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
  readonly #generated: GeneratedCode;
  #fueled: NativeProgram | null = null;

  private constructor(generated: GeneratedCode, buffer: CodeBuffer) {
    this.tier = generated.tier;
    this.codeSize = generated.code.length;
    this.#code = generated.code;
    this.#sites = generated.sites;
    this.#listing = generated.listing;
    this.#generated = generated;
    this.#buffer = buffer;
    const fn = buffer.fn(ENTRY);
    this.#entry = (ctx) => fn(ctx as Pointer);
  }

  /** Where the code is, for tools that name it (chapter 10's perf map); meaningless after free(). */
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
  runWithStats(opts: RunOptions = {}, io: RunIO = {}): { result: RunResult; stats: RunStats } {
    if (this.#buffer.state !== "sealed") {
      throw new CodeBufferStateError(`this ${this.tier} program was freed, and its code unmapped: compile the program again to run it`);
    }
    const limits = limitsOf(opts, io);
    if (limits !== null && this.#generated.fuelSites === undefined) return this.#withFuel(opts).runWithStats(opts, io);
    const { tapeSize, eof, input } = limits === null ? nativeSettings(opts) : settingsOf(opts);
    const bufferSize = checkBufferSize(io.bufferSize ?? DEFAULT_BUFFER_SIZE);
    const inFd = io.inputFd ?? memoryFileWith("bf-input", input);
    const outFd = io.outputFd ?? openMemoryFile("bf-output");
    try {
      const memory = RunMemory.allocate(tapeSize, bufferSize);
      try {
        memory.start({ outFd, inFd, eof });
        if (limits !== null) startFuel(memory, limits);
        const started = performance.now();
        const status = this.#entry(memory.ctxAddress);
        const runMs = performance.now() - started;
        const code = errno(); // read at once: only a failed write or read sets it, and anything may overwrite it
        const output = io.outputFd === undefined ? memoryFileBytes(outFd) : new Uint8Array(0);
        const result = this.#result(status, code, memory, output, io, limits);
        const steps = limits === null ? {} : { steps: stepsTaken(memory, limits) };
        return { result, stats: { runMs, writes: memory.get(CTX.writes), reads: memory.get(CTX.reads), ...steps } };
      } finally {
        memory.free();
      }
    } finally {
      if (io.inputFd === undefined) closeMemoryFile(inFd);
      if (io.outputFd === undefined) closeMemoryFile(outFd);
    }
  }
  // #endregion run

  // #region with-fuel
  /** This program compiled with fuel, loaded the first time a run asks for limits, freed with it. */
  #withFuel(opts: RunOptions): NativeProgram {
    const fueled = this.#generated.fueled;
    if (fueled === undefined) {
      nativeSettings(opts); // refuses a step limit, with chapter 7's message
      throw new UnsupportedOptionError(
        `a time limit is not supported by this ${this.tier} code: it counts no steps, and its tier compiles no fueled twin. ` +
          `Run the program with chapter 12's tiers (HOSTILE_TIERS) to limit its time.`,
      );
    }
    this.#fueled ??= NativeProgram.load(fueled());
    return this.#fueled;
  }
  // #endregion with-fuel

  // #region result
  #result(status: number, code: number, memory: RunMemory, output: Uint8Array, io: RunIO, limits: Limits | null): RunResult {
    const tape = memory.tape.slice();
    const pointer = memory.get(CTX.pointer);
    switch (status) {
      case STATUS.OK:
        return { output, tape, pointer, error: null };
      case STATUS.OFF_TAPE: {
        const off = offTape(this.#sites(memory.get(CTX.site)), pointer, tape.length);
        return { output, tape, pointer: off.pointer, error: off.error };
      }
      case FUEL_STATUS.OUT_OF_FUEL:
      case FUEL_STATUS.TIMEOUT: {
        const site = limits === null ? undefined : this.#generated.fuelSites?.(memory.get(CTX.site));
        if (site === undefined || limits === null) break;
        const error = status === FUEL_STATUS.TIMEOUT ? new TimeoutError(site.pos, limits.timeoutMs) : new StepLimitError(site.pos, limits.maxSteps);
        return { output, tape, pointer: pointer + site.offset, error };
      }
      case STATUS.WRITE_FAILED:
        throw new NativeIOError(`writing the output to file descriptor ${io.outputFd ?? "(captured)"} failed` + ioCause(memory.get(CTX.ioResult), code));
      case STATUS.READ_FAILED:
        throw new NativeIOError(`reading the input from file descriptor ${io.inputFd ?? "(memory)"} failed` + ioCause(memory.get(CTX.ioResult), code));
    }
    throw new GeneratedCodeError(
      `the ${this.tier} code returned ${status}, which is not a status of context.ts (0 to 3): ` +
        `every exit must put a STATUS value in eax before it returns`,
    );
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
    this.#fueled?.free();
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

// #region limits
/** A run's limits: loop tests (maxSteps) and wall-clock milliseconds; Infinity where there is none. */
export interface Limits {
  readonly maxSteps: number;
  readonly timeoutMs: number;
}

/** The limits a run asks for, or null when it asks for none (and the code without fuel runs). */
export function limitsOf(opts: RunOptions, io: RunIO): Limits | null {
  const { maxSteps } = settingsOf(opts);
  const timeoutMs = io.timeoutMs ?? Infinity;
  if (!(timeoutMs > 0)) throw new RangeError(`the time limit must be a number of milliseconds above 0, not ${timeoutMs}`);
  return maxSteps === Infinity && timeoutMs === Infinity ? null : { maxSteps, timeoutMs };
}

/** Fuel or nanoseconds that never run out: 2^62 loop tests take a century. */
const NEVER = 2n ** 62n;

/** Fill in the context block's fuel: none in the slice yet, all of it in reserve, and the deadline. */
export function startFuel(memory: RunMemory, { maxSteps, timeoutMs }: Limits): void {
  memory.set(CTX.fuel, 0);
  memory.ctx.setBigInt64(CTX.reserve, maxSteps === Infinity ? NEVER : BigInt(maxSteps), true);
  memory.ctx.setBigInt64(CTX.deadline, timeoutMs === Infinity ? NEVER : monotonicNs() + BigInt(Math.ceil(timeoutMs * 1e6)), true);
}

/** Loop tests the run made: what was given, less what is left in reserve and in the slice. */
function stepsTaken(memory: RunMemory, { maxSteps }: Limits): number {
  const left = memory.ctx.getBigInt64(CTX.reserve, true) + memory.ctx.getBigInt64(CTX.fuel, true);
  return Number((maxSteps === Infinity ? NEVER : BigInt(maxSteps)) - left);
}
// #endregion limits

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

/** The output buffer's size, if it is one a run can allocate; a RangeError that says which sizes are, if not. */
export function checkBufferSize(size: number): number {
  if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 30) {
    throw new RangeError(`the output buffer size must be a whole number of bytes from 1 to 2^30, not ${size}`);
  }
  return size;
}

function ioCause(result: number, code: number): string {
  if (result === 0) return ": write() wrote nothing (returned 0)";
  return `: ${errnoName(code)} (${strerror(code)})`;
}
