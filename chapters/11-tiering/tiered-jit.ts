// The tiered JIT as a native tier: compile() only lowers the program (cheap), and every run starts in
// the counting interpreter, which compiles hot loops to x86-64 as it goes. It keeps chapter 7's
// contract (RunOptions in, RunResult out, the same files), so the batch harness, the bench and the
// differential tests treat it like any other tier.
import { readSync } from "node:fs";
import type { Program } from "../06-interpreter/parser.ts";
import { formatPos } from "../06-interpreter/source.ts";
import { resultTape, type EofBehavior, type RunOptions, type RunResult } from "../06-interpreter/semantics.ts";
import { OutputWriteError, writeAll } from "../06-interpreter/write-all.ts";
import { CTX } from "../07-template-jit/context.ts";
import { NativeIOError } from "../07-template-jit/errors.ts";
import { closeMemoryFile, memoryFileBytes, memoryFileWith, openMemoryFile } from "../07-template-jit/memory-file.ts";
import { RunMemory } from "../07-template-jit/run-memory.ts";
import { DEFAULT_BUFFER_SIZE, checkBufferSize, nativeSettings } from "../07-template-jit/runtime.ts";
import type { CompiledProgram, NativeTier, RunIO, RunStats } from "../07-template-jit/tier.ts";
import { lower } from "../08-lir/lower.ts";
import { CountingInterpreter, Profile, checkThreshold, type LoopState, type SwitchEvent, type TierTimes } from "./counting-interpreter.ts";
import type { MachineIo } from "./machine.ts";
import { NativeLoopCompiler, NativeMachine } from "./native-loop.ts";

// #region threshold
/**
 * Iterations before a loop is compiled. LuaJIT's default for loops is 56; ours is higher because a
 * compile here costs more (tens of microseconds: passes, lowering, and two system calls to map and
 * seal the page), and the interpreter is fast enough that a loop must run a while to repay it.
 */
export const DEFAULT_THRESHOLD = 1000;
// #endregion threshold

/** A tiered run's figures: chapter 7's, where the time went, and the loops compiled so far. */
export interface TieredStats extends RunStats {
  readonly times: TierTimes;
  readonly loops: readonly LoopState<NativeMachine>[];
  readonly threshold: number;
}

// #region tiered-program
export class TieredProgram implements CompiledProgram {
  readonly tier = "tiered";
  readonly #profile: Profile<NativeMachine>;
  readonly #compiler = new NativeLoopCompiler();
  #freed = false;

  constructor(
    program: Program,
    readonly threshold: number = DEFAULT_THRESHOLD,
    private readonly onSwitch?: (e: SwitchEvent) => void,
  ) {
    checkThreshold(threshold);
    this.#profile = new Profile(lower(program));
  }

  /** The machine code of the loops compiled so far: it grows as the program runs. */
  get codeSize(): number {
    return this.#compiler.loaded.reduce((n, l) => n + l.codeSize, 0);
  }

  run(opts: RunOptions = {}, io: RunIO = {}): RunResult {
    return this.runWithStats(opts, io).result;
  }

  runWithStats(opts: RunOptions = {}, io: RunIO = {}): { result: RunResult; stats: TieredStats } {
    if (this.#freed) throw new TieredStateError("this tiered program was freed, and its compiled loops unmapped: compile the program again to run it");
    const settings = nativeSettings(opts);
    const { tapeLimit, eof, input } = settings;
    const bufferSize = checkBufferSize(io.bufferSize ?? DEFAULT_BUFFER_SIZE);
    const inFd = io.inputFd ?? memoryFileWith("bf-input", input);
    const outFd = io.outputFd ?? openMemoryFile("bf-output");
    try {
      const memory = RunMemory.allocate(tapeLimit, bufferSize); // a growing tape: mapped at its limit (chapter 7)
      try {
        memory.start({ outFd, inFd, eof });
        const m = new NativeMachine(memory, bufferSize);
        const files = new Files(outFd, inFd, eof);
        const interpreter = new CountingInterpreter(this.#profile, files, {
          threshold: this.threshold,
          compiler: this.#compiler,
          ...(this.onSwitch ? { onSwitch: this.onSwitch } : {}),
        });
        const { error, times } = interpreter.run(m);
        files.flush(m); // what is left in the buffer, whichever tier wrote it
        const output = io.outputFd === undefined ? memoryFileBytes(outFd) : new Uint8Array(0);
        const used = settings.growable ? memory.touchedCells() : m.tape.length;
        const result: RunResult = { output, tape: resultTape(m.tape, m.p, settings, used).slice(), pointer: m.p, error };
        const stats: TieredStats = {
          runMs: times.totalMs,
          writes: files.writes + memory.get(CTX.writes),
          reads: files.reads + memory.get(CTX.reads),
          times,
          loops: this.#profile.compiled(),
          threshold: this.threshold,
        };
        return { result, stats };
      } finally {
        memory.free();
      }
    } finally {
      if (io.inputFd === undefined) closeMemoryFile(inFd);
      if (io.outputFd === undefined) closeMemoryFile(outFd);
    }
  }
  // #endregion tiered-program

  /** The code of each compiled loop, one after the other. */
  code(): Uint8Array {
    const out = new Uint8Array(this.codeSize);
    let at = 0;
    for (const l of this.#compiler.loaded) {
      out.set(l.code, at);
      at += l.code.length;
    }
    return out;
  }

  listing(): string {
    return this.#compiler.loaded.map((l) => `# the loop at ${formatPos(l.at)}\n${l.listing()}`).join("\n\n");
  }

  free(): void {
    this.#compiler.free();
    this.#freed = true;
  }

  [Symbol.dispose](): void {
    if (!this.#freed) this.free();
  }
}

/** A tiered program used after free(). */
export class TieredStateError extends Error {
  override name = "TieredStateError";
}


// #region files
/**
 * The interpreter's I/O: the same file descriptors the compiled loops write and read, so bytes come
 * out in program order whichever tier made them, and input is consumed once.
 */
class Files implements MachineIo {
  writes = 0;
  reads = 0;
  readonly #one = new Uint8Array(1);

  constructor(
    private readonly outFd: number,
    private readonly inFd: number,
    readonly eof: EofBehavior,
  ) {}

  flush(m: NativeMachine): void {
    if (m.outLength === 0) return;
    try {
      writeAll(this.outFd, m.out.subarray(0, m.outLength));
    } catch (e) {
      // The same failure as a compiled loop's write, so the same error, whichever tier was writing.
      if (e instanceof OutputWriteError) throw new NativeIOError(e.message, { cause: e });
      throw e;
    }
    this.writes++;
    m.outLength = 0;
  }

  read(): number {
    this.reads++;
    const n = this.#io("reading the input from", this.inFd, () => readSync(this.inFd, this.#one, 0, 1, null));
    return n === 0 ? -1 : this.#one[0]!;
  }

  #io(what: string, fd: number, call: () => number): number {
    try {
      return call();
    } catch (e) {
      throw new NativeIOError(`${what} file descriptor ${fd} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
// #endregion files

// #region tier
/** The tiered JIT with a given threshold, as a NativeTier. */
export function tieredJitWith(threshold: number): NativeTier {
  checkThreshold(threshold);
  return { name: "tiered", compile: (program: Program) => new TieredProgram(program, threshold) };
}

export const tieredJit: NativeTier = tieredJitWith(DEFAULT_THRESHOLD);

/**
 * What the differential tests run: a threshold so low that nearly every loop goes native part-way
 * through, so that every switch of tier, in and out, happens on thousands of programs.
 */
export const eagerTieredJit: NativeTier = tieredJitWith(4);
// #endregion tier
