// The ABI harness: generated code runs between canaries, and every libc call it makes goes through
// a stub that checks the stack alignment. What the machine code recorded becomes a report with
// sentences a reader can act on, or an AbiViolationError.
import type { NativeFunction, Signature } from "../02-first-bytes/native-function.ts";
import type { CodeBuffer } from "../03-w-xor-x/code-buffer.ts";
import { PROT, bytesAt, hex, mapPages, unmapPages, type Mapping } from "../01-pages/pages.ts";
import { place, type Emit } from "./compile.ts";
import { CALLEE_SAVED } from "./frame.ts";
import { RECORD, RECORD_SIZE, canary, emitAlignmentStub, emitTrampoline } from "./harness-code.ts";
import { Asm } from "./labels.ts";
import { LIBC_NAMES, libcAddress, type LibcName } from "./libc-addresses.ts";

// #region report
export interface Clobber {
  readonly register: string;
  readonly canary: bigint;
  /** What the register held when the function returned. */
  readonly found: bigint;
}

export interface MisalignedCall {
  readonly callee: LibcName;
  /** Where the call returns to, as an offset in the function under test: the instruction after it. */
  readonly returnOffset: number;
  /** rsp % 16 at the call instruction: 0 is right. */
  readonly rspMod16: number;
}

export interface AbiReport<R = unknown> {
  /** What the function returned. */
  readonly value: R;
  readonly clobbered: readonly Clobber[];
  readonly libcCalls: number;
  readonly misalignedCalls: number;
  readonly firstMisaligned: MisalignedCall | null;
  /** rsp after the function returned minus rsp before the call: 0 is right. */
  readonly stackDelta: number;
  /** One sentence per broken rule; empty when the function kept the ABI. */
  readonly violations: readonly string[];
}
// #endregion report

/** A function broke the System V ABI; the message says what, and `report` has the details. */
export class AbiViolationError extends Error {
  override name = "AbiViolationError";
  constructor(
    what: string,
    readonly report: AbiReport,
  ) {
    super(`${what} broke the System V calling convention:\n${report.violations.map((v) => `  - ${v}`).join("\n")}`);
  }
}

/** The report's value, or an AbiViolationError if any rule was broken. */
export function checkAbi<R>(report: AbiReport<R>, what = "the function"): R {
  if (report.violations.length > 0) throw new AbiViolationError(what, report);
  return report.value;
}

export class AbiHarness<S extends Signature> implements Disposable {
  readonly #record: Mapping;
  readonly #view: DataView;
  readonly #stubs: CodeBuffer;
  readonly #code: CodeBuffer;
  readonly #fnOffset: number;
  readonly #fn: NativeFunction<S>;
  /** The listing of the trampoline followed by the function under test. */
  readonly listing: string;

  // #region build
  /** Generate the stubs, then the trampoline and the function, calling libc through the stubs. */
  constructor(emit: Emit, signature: S) {
    this.#record = mapPages(RECORD_SIZE, PROT.READ | PROT.WRITE); // data, never executed
    const record = this.#record.address;
    this.#view = new DataView(bytesAt(record, RECORD_SIZE).buffer);

    const s = new Asm();
    const stubAt = LIBC_NAMES.map((name, i) => {
      const start = s.offset;
      emitAlignmentStub(s, i, libcAddress(name), record);
      return start;
    });
    this.#stubs = place(s);
    const stub = (name: LibcName) => this.#stubs.address + stubAt[LIBC_NAMES.indexOf(name)]!;

    const a = new Asm();
    const fn = a.newLabel("function");
    emitTrampoline(a, fn, record); // at offset 0: the entry point
    a.bind(fn);
    try {
      emit(a, stub);
      this.#code = place(a);
    } catch (e) {
      this.#stubs.free(); // a broken emitter must not leak the pages made so far
      unmapPages(this.#record);
      throw e;
    }
    this.#fnOffset = a.addressOf(fn);
    this.#fn = this.#code.fn(signature);
    this.listing = a.toString();
  }
  // #endregion build

  // #region run
  /** Call the function through the trampoline and report what it did to the ABI. */
  run(...args: Parameters<NativeFunction<S>>): AbiReport<ReturnType<NativeFunction<S>>> {
    new Uint8Array(this.#view.buffer).fill(0);
    const call = this.#fn as unknown as (...a: Parameters<NativeFunction<S>>) => ReturnType<NativeFunction<S>>;
    const value = call(...args);
    const slot = (offset: number) => this.#view.getBigUint64(offset, true);
    const mask = Number(slot(RECORD.clobbered));
    const clobbered = CALLEE_SAVED.flatMap((reg, i) =>
      mask & (1 << i) ? [{ register: reg.name, canary: canary(reg), found: slot(RECORD.registers + 8 * i) }] : [],
    );
    const misalignedCalls = Number(slot(RECORD.misaligned));
    const firstMisaligned =
      misalignedCalls === 0
        ? null
        : {
            callee: LIBC_NAMES[Number(slot(RECORD.firstCallee))]!,
            returnOffset: Number(slot(RECORD.firstSite)) - (this.#code.address + this.#fnOffset),
            rspMod16: Number(slot(RECORD.firstRsp) % 16n),
          };
    const stackDelta = Number(slot(RECORD.rspAfter) - slot(RECORD.rspBefore));
    const libcCalls = Number(slot(RECORD.libcCalls));
    const report = { value, clobbered, libcCalls, misalignedCalls, firstMisaligned, stackDelta };
    return { ...report, violations: violations(report) };
  }
  // #endregion run

  free(): void {
    this.#code.free();
    this.#stubs.free();
    unmapPages(this.#record);
  }

  [Symbol.dispose](): void {
    if (this.#code.state !== "freed") this.free();
  }
}

// #region violations
function violations(r: Omit<AbiReport, "violations">): string[] {
  const out = r.clobbered.map((c) => {
    const other = CALLEE_SAVED.find((reg) => canary(reg) === c.found);
    return (
      `${c.register} was clobbered: the function must save and restore it (push it in the prologue, pop it in ` +
      `the epilogue). It returned holding ${hex(c.found)} instead of ${hex(c.canary)}` +
      (other ? `, ${other.name}'s canary: pop the registers in the reverse order of the pushes.` : ".")
    );
  });
  if (r.firstMisaligned) {
    const f = r.firstMisaligned;
    out.push(
      `${r.misalignedCalls} of ${r.libcCalls} calls into libc had a misaligned stack; the first, to ${f.callee} ` +
        `(returning to offset ${hex(f.returnOffset)} of the function), was made with rsp % 16 == ${f.rspMod16}. ` +
        `rsp must be a multiple of 16 at every call: pad the frame (Frame computes the padding).`,
    );
  }
  if (r.stackDelta !== 0) {
    out.push(
      `rsp was ${Math.abs(r.stackDelta)} bytes ${r.stackDelta > 0 ? "higher" : "lower"} after the function returned: ` +
        `in System V the caller owns its stack, so return with a plain ret and leave rsp as the call found it.`,
    );
  }
  return out;
}
// #endregion violations
