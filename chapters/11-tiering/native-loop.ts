// The native tier of a tiered run: loops compiled to x86-64 (loop-codegen.ts), loaded into their own
// sealed pages, and entered with the run's context block. The block is chapter 7's, and so is the
// contract: the pointer and the output cursor go in through it and come back out through it.
import { bytesAt } from "../01-pages/pages.ts";
import { errno } from "../01-pages/libc.ts";
import type { Pointer } from "../01-pages/ffi.ts";
import { CodeBuffer } from "../03-w-xor-x/code-buffer.ts";
import type { BrainfuckError } from "../06-interpreter/errors.ts";
import { formatPos, type LineIndex, type SourcePos } from "../06-interpreter/source.ts";
import { CTX } from "../07-template-jit/context.ts";
import { gnuListing } from "../07-template-jit/listing.ts";
import { RunMemory } from "../07-template-jit/run-memory.ts";
import { STATUS_TABLE, decodeStatus } from "../07-template-jit/runtime.ts";
import type { SiteTable } from "../07-template-jit/tier.ts";
import type { LoopOp, Range } from "../08-lir/lir.ts";
import { libcScanIo } from "../09-optimizer/libc-scan.ts";
import { loopToX86 } from "./loop-codegen.ts";
import { loopUnit, optimizeLoop } from "./loop-entry.ts";
import type { CompiledLoop, LoopCompiler, Machine } from "./machine.ts";

// #region native-machine
/** A machine whose tape and output buffer are the run's native memory, seen from JavaScript. */
export class NativeMachine implements Machine {
  readonly tape: Uint8Array;
  readonly out: Uint8Array;
  p = 0;
  outLength = 0;

  constructor(
    readonly memory: RunMemory,
    bufferSize: number,
  ) {
    this.tape = memory.tape;
    this.out = bytesAt(memory.bufferAddress, bufferSize);
  }
}
// #endregion native-machine

// #region native-loop
/** `int32_t run(struct context *ctx)`, as for a whole program. */
const ENTRY = { args: ["ptr"], returns: "i32" } as const;

export class NativeLoop implements CompiledLoop<NativeMachine> {
  readonly codeSize: number;
  readonly #buffer: CodeBuffer;
  readonly #entry: (ctx: number) => number;
  readonly #sites: SiteTable;

  constructor(
    readonly loop: LoopOp,
    /** Where its `[` is, as a line and column. */
    readonly at: SourcePos,
    readonly code: Uint8Array,
    sites: SiteTable,
    readonly listing: () => string,
  ) {
    this.codeSize = code.length;
    this.#sites = sites;
    this.#buffer = CodeBuffer.create(code.length);
    try {
      const fn = this.#buffer.write(code).seal().fn(ENTRY);
      this.#entry = (ctx) => fn(ctx as Pointer);
    } catch (e) {
      this.#buffer.free();
      throw e;
    }
  }

  /** The switch: hand the pointer and the output cursor over, run, and take them back. */
  run(m: NativeMachine): BrainfuckError | null {
    const mem = m.memory;
    mem.set(CTX.pointer, m.p);
    mem.set(CTX.outCursor, mem.bufferAddress + m.outLength);
    const status = this.#entry(mem.ctxAddress);
    const code = errno(); // read at once, as the runtime does
    m.outLength = mem.get(CTX.outCursor) - mem.bufferAddress;
    // Decoded as the runtime decodes a whole program's status: the same table.
    const where = `(in the compiled loop at ${formatPos(this.at)})`;
    const returned = { memory: mem, sites: this.#sites, errno: code, output: `to file descriptor ${mem.get(CTX.outFd)} ${where}`, input: `from file descriptor ${mem.get(CTX.inFd)} ${where}` };
    const { error, pointer } = decodeStatus(STATUS_TABLE, status, returned, `the loop at ${formatPos(this.at)}`);
    m.p = pointer;
    return error;
  }

  free(): void {
    this.#buffer.free();
  }
}
// #endregion native-loop

// #region native-compiler
/** Compiles loops to x86-64: optimize the unit, lower it, load it. Keeps them, to free them. */
export class NativeLoopCompiler implements LoopCompiler<NativeMachine> {
  readonly name = "x86-64";
  readonly loaded: NativeLoop[] = [];

  compile(loop: LoopOp, proved: Range, lines: LineIndex): NativeLoop {
    const unit = optimizeLoop(loopUnit(loop, proved, lines));
    const { asm, sites } = loopToX86(unit, libcScanIo());
    const native = new NativeLoop(loop, lines.pos(loop.pos), asm.finish(), sites, () => gnuListing(asm));
    this.loaded.push(native);
    return native;
  }

  free(): void {
    for (const l of this.loaded.splice(0)) l.free();
  }
}
// #endregion native-compiler
