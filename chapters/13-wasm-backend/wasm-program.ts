// The host side: compile the module once; for each run, borrow a memory, clear the tape, call
// run(), and turn what it returns into chapter 6's RunResult. It is the same job as chapter 7's
// native runtime, with the engine's WebAssembly in place of mmap and machine code, and nothing here
// can crash the process, in Bun, Node or a browser.
import { StepLimitError, TapeBoundsError, type BrainfuckError } from "../06-interpreter/errors.ts";
import type { OutputSink } from "../06-interpreter/output-buffer.ts";
import { eofValue, grownSize, resultTape, settingsOf, type EofBehavior, type RunOptions, type RunResult, type Settings } from "../06-interpreter/semantics.ts";
import { reachesOf, type Lir } from "../08-lir/lir.ts";
import { verify } from "../08-lir/verify.ts";
import { releaseIfGrown } from "../11-tiering/release.ts";
import { concat } from "./bytes.ts";
import { OUTPUT_START, pagesFor } from "./layout.ts";
import type { WasmLimits } from "./limits.ts";
import { EXPORTS, HOST, lirToWasm, STOPPED, type Site, type WasmCode } from "./lir-to-wasm.ts";
import { borrowMemory, growMemory, returnMemory } from "./memory-pool.ts";
import { PAGE_SIZE } from "./module.ts";
import { toWat } from "./wat.ts";

/** The generated module broke its contract with the host: a bug in the backend, not in the program. */
export class WasmBackendError extends Error {
  override name = "WasmBackendError";
}

// #region io
/** A run's output destination: by default, RunResult.output; or a chapter 6 OutputSink, and it streams. */
export interface WasmIO {
  /** Receives the output as the module flushes it, synchronously; RunResult.output is then empty. */
  readonly write?: OutputSink["write"];
}

export interface WasmRunStats {
  /** Wall time of the run, from clearing the tape to the result. */
  readonly runMs: number;
  /** Loop tests the run made: known only when it ran with fuel (RunOptions.maxSteps). */
  readonly steps: number | null;
  /** How often the module handed a full output buffer to the host, and read a byte. */
  readonly flushes: number;
  readonly reads: number;
}
// #endregion

/** The exported run(p, tapeSize) -> the pointer at the end, or STOPPED (see lir-to-wasm.ts). */
type Run = (p: number, tapeSize: number) => number;

/** What one run's imports read and write: an instance's host functions are bound to one of these. */
interface RunState {
  /** The tape's cells now, and how many a growing tape may reach (a fixed one: the same). */
  size: number;
  limit: number;
  input: Uint8Array;
  eof: EofBehavior;
  inputPos: number;
  write: (bytes: Uint8Array) => void;
  flushes: number;
  reads: number;
}

/** An instance of the module on one memory, with the state its imports work on. */
interface Instance {
  readonly run: Run;
  readonly globals: Record<keyof typeof GLOBALS, WebAssembly.Global>;
  readonly state: RunState;
}

const GLOBALS = { outLen: EXPORTS.outLen, fuel: EXPORTS.fuel, site: EXPORTS.site, pointer: EXPORTS.pointer } as const;

/** The module, with or without fuel: its code, the engine's compiled module, how long each took. */
export interface Variant {
  readonly code: WasmCode;
  readonly module: WebAssembly.Module;
  readonly generateMs: number;
  readonly compileMs: number;
}

// #region wasm-program
export class WasmProgram {
  readonly #lir: Lir;
  readonly #limits: WasmLimits | undefined;
  // Code that counts fuel is slower, so it is made only for a run that asks for fuel.
  readonly #variants = new Map<boolean, Variant & { readonly instances: WeakMap<WebAssembly.Memory, Instance> }>();

  /**
   * The LIR must verify: the module checks bounds only where the LIR says a cell may be off the tape.
   * `limits` are the engine's unless given (the tests give small ones).
   */
  constructor(lir: Lir, opts: { readonly limits?: WasmLimits } = {}) {
    verify(lir);
    this.#lir = lir;
    this.#limits = opts.limits;
  }

  #compileOptions(fuel: boolean, comments = false) {
    return { fuel, comments, ...(this.#limits === undefined ? {} : { limits: this.#limits }) };
  }

  /** The module with or without fuel, generated and compiled on first use. */
  variant(fuel: boolean): Variant {
    return this.#variant(fuel);
  }

  #variant(fuel: boolean) {
    let v = this.#variants.get(fuel);
    if (v === undefined) {
      const started = performance.now();
      const code = lirToWasm(this.#lir, this.#compileOptions(fuel));
      releaseIfGrown(); // what made the bytes is garbage now, before the engine's compile needs room
      const generated = performance.now();
      const module = compileModule(code);
      v = { code, module, generateMs: generated - started, compileMs: performance.now() - generated, instances: new WeakMap() };
      this.#variants.set(fuel, v);
    }
    return v;
  }
  // #endregion

  /** The module's bytes (the fuel-free variant unless asked). */
  bytes(fuel = false): Uint8Array {
    return this.variant(fuel).code.bytes.slice();
  }

  /** The module as WebAssembly text, each LIR op shown as a comment before its code; only `maxLines` lines if given. */
  wat(fuel = false, maxLines?: number): string {
    const code = lirToWasm(this.#lir, this.#compileOptions(fuel, true)); // the same bytes, with the notes kept
    return toWat(code.bytes, code.comments, maxLines);
  }

  run(opts: RunOptions = {}, io: WasmIO = {}): RunResult {
    return this.runWithStats(opts, io).result;
  }

  // #region run
  runWithStats(opts: RunOptions = {}, io: WasmIO = {}): { result: RunResult; stats: WasmRunStats } {
    const settings = settingsOf(opts);
    const fuel = settings.maxSteps !== Infinity;
    const variant = this.#variant(fuel);
    const { layout } = variant.code;
    const started = performance.now();
    const memory = borrowMemory(pagesFor(layout, settings.tapeSize));
    try {
      const instance = variant.instances.get(memory) ?? instantiate(variant, memory);
      const chunks: Uint8Array[] = [];
      const write = io.write ?? ((bytes: Uint8Array) => void chunks.push(bytes.slice()));
      Object.assign(instance.state, { size: settings.tapeSize, limit: settings.tapeLimit, input: settings.input, eof: settings.eof, inputPos: 0, write, flushes: 0, reads: 0 });
      new Uint8Array(memory.buffer, layout.tape, settings.tapeSize).fill(0); // a fresh tape
      const g = instance.globals;
      g.outLen.value = 0;
      g.fuel.value = fuel ? BigInt(settings.maxSteps) : 0n;

      const end = instance.run(0, settings.tapeSize);

      const left = g.outLen.value as number;
      if (left > 0) write(new Uint8Array(memory.buffer, OUTPUT_START, left));
      const { error, pointer } = end !== STOPPED ? { error: null, pointer: end } : stopped(variant.code, g.site.value as number, g.pointer.value as number, settings);
      const tape = resultTape(new Uint8Array(memory.buffer, layout.tape, instance.state.size), pointer, settings).slice();
      const output = io.write === undefined ? concat(chunks) : new Uint8Array(0);
      const { flushes, reads } = instance.state;
      const steps = fuel ? settings.maxSteps - Number(g.fuel.value as bigint) : null;
      return { result: { output, tape, pointer, error }, stats: { runMs: performance.now() - started, steps, flushes, reads } };
    } finally {
      returnMemory(memory);
    }
  }
  // #endregion
}

/**
 * The engine's compile. lirToWasm keeps to the engine's limits, so a CompileError here is the
 * backend's mistake, and it says so rather than pass on the engine's words alone.
 */
function compileModule(code: WasmCode): WebAssembly.Module {
  try {
    return new WebAssembly.Module(code.bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    if (!(e instanceof WebAssembly.CompileError)) throw e;
    throw new WasmBackendError(`the engine refused the module lir-to-wasm.ts made (${code.bytes.length} bytes): ${e.message}. That is a bug in the backend.`, { cause: e });
  }
}

// #region instantiate
/** An instance on `memory`, its imports reading and writing `state`; kept for the next run on it. */
function instantiate(variant: Variant & { readonly instances: WeakMap<WebAssembly.Memory, Instance> }, memory: WebAssembly.Memory): Instance {
  const state: RunState = { size: 0, limit: 0, input: new Uint8Array(0), eof: "unchanged", inputPos: 0, write: () => {}, flushes: 0, reads: 0 };
  const host = {
    memory,
    flush: (length: number) => {
      state.flushes++;
      state.write(new Uint8Array(memory.buffer, OUTPUT_START, length)); // the writer copies what it keeps
    },
    grow: (cell: number) => {
      if (cell < state.size || state.size === state.limit) return state.size;
      const size = grownSize(state.size, cell, state.limit);
      const { tape } = variant.code.layout;
      const have = memory.buffer.byteLength / PAGE_SIZE;
      const pages = pagesFor(variant.code.layout, size);
      if (have < pages) growMemory(memory, pages - have);
      new Uint8Array(memory.buffer, tape + state.size, size - state.size).fill(0); // a reused memory holds an old run's cells
      state.size = size;
      return size;
    },
    input: (current: number) => {
      state.reads++;
      return state.inputPos < state.input.length ? state.input[state.inputPos++]! : eofValue(state.eof, current);
    },
  };
  const exports = new WebAssembly.Instance(variant.module, { [HOST]: host }).exports;
  const globals = Object.fromEntries(Object.entries(GLOBALS).map(([key, name]) => [key, exports[name]]));
  const run = exports[EXPORTS.run];
  if (typeof run !== "function" || !Object.values(globals).every((g) => g instanceof WebAssembly.Global)) {
    throw new WasmBackendError(`the module must export a function '${EXPORTS.run}' and the globals ${Object.values(GLOBALS).join(", ")} (see lir-to-wasm.ts)`);
  }
  const instance = { run: run as Run, globals: globals as Instance["globals"], state };
  variant.instances.set(memory, instance);
  return instance;
}
// #endregion

// #region stopped
/** The error for the site the code stopped at, and the pointer where chapter 6's interpreter stands then. */
function stopped(code: WasmCode, site: number, p: number, { tapeLimit: tapeSize, maxSteps }: Settings): { error: BrainfuckError; pointer: number } {
  const at: Site | undefined = code.sites[site - 1];
  if (at === undefined) throw new WasmBackendError(`the code stopped at site ${site}, but the module has ${code.sites.length} sites, numbered from 1`);
  const { op, why } = at;
  if (why !== "off-tape" && (op.kind === "loop" || op.kind === "scan")) {
    // A loop tests its own cell: that is where the interpreter's pointer stands at its `[` or `]`.
    const pos = op.kind === "loop" && why === "fuel-end" ? op.end : op.pos;
    return { error: new StepLimitError(code.lines.pos(pos), maxSteps), pointer: op.kind === "loop" ? p + op.off : p };
  }
  // Off the tape: the first of the op's steps that leaves it is the command the interpreter stops at,
  // with its pointer on the edge cell it could not leave.
  for (const { off, pos } of reachesOf(op)) {
    if (p + off < 0) return { error: new TapeBoundsError(code.lines.pos(pos), "left", tapeSize), pointer: 0 };
    if (p + off >= tapeSize) return { error: new TapeBoundsError(code.lines.pos(pos), "right", tapeSize), pointer: tapeSize - 1 };
  }
  throw new WasmBackendError(`run() left at site ${site} (${op.kind}, ${why}) with the pointer on cell ${p}, where none of its steps leaves the tape`);
}
// #endregion
