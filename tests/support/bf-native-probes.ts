// Native experiments the chapter 7 tests run in a child process (runNative from shared/child.ts):
// the runtime's contract with hand-written code, the template code under chapter 5's ABI harness,
// and the guard pages around the tape. Each returns plain JSON.
import { PROT, bytesAt, mapPages, unmapPages } from "../../chapters/01-pages/pages.ts";
import { AbiHarness } from "../../chapters/05-control-flow/abi-harness.ts";
import { place } from "../../chapters/05-control-flow/compile.ts";
import { RECORD, RECORD_SIZE, emitAlignmentStub } from "../../chapters/05-control-flow/harness-code.ts";
import { Asm } from "../../chapters/05-control-flow/labels.ts";
import { byte, qword } from "../../chapters/04-encoder/operands.ts";
import { eax, r12, rbx, rdi } from "../../chapters/04-encoder/registers.ts";
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { CTX } from "../../chapters/07-template-jit/context.ts";
import { generate } from "../../chapters/07-template-jit/generate.ts";
import { closeMemoryFile, memoryFileBytes, memoryFileWith, openMemoryFile } from "../../chapters/07-template-jit/memory-file.ts";
import { RunMemory } from "../../chapters/07-template-jit/run-memory.ts";
import { NativeProgram, libcIo } from "../../chapters/07-template-jit/runtime.ts";
import { templateJit } from "../../chapters/07-template-jit/template-jit.ts";
import type { RunIO, SiteTable } from "../../chapters/07-template-jit/tier.ts";

export interface Thrown {
  readonly name: string;
  readonly message: string;
}

function thrown(f: () => unknown): Thrown | null {
  try {
    f();
    return null;
  } catch (e) {
    return e instanceof Error ? { name: e.name, message: e.message } : { name: "non-Error", message: String(e) };
  }
}

/** Hand-written code, loaded and run by the runtime as if a tier had generated it. */
function runHandWritten(emit: (a: Asm) => void, sites: SiteTable = () => []): Thrown | null {
  const a = new Asm();
  emit(a);
  using program = NativeProgram.load({ tier: "hand-written", code: a.finish(), sites, listing: () => a.toString() });
  return thrown(() => program.run({ tapeSize: 16 }));
}

/** Code that returns a status context.ts does not define. */
export function unknownStatus(): Thrown | null {
  return runHandWritten((a) => a.mov(eax, 7).ret());
}

/** Code that reports an off-tape error at a site whose steps stay on the tape. */
export function siteDisagrees(): Thrown | null {
  const pos = { offset: 0, line: 1, column: 1 };
  return runHandWritten((a) => a.mov(qword(rdi, CTX.site), 0).mov(eax, 1).ret(), () => [{ offset: 1, pos }]);
}

/** Code that writes one cell past the end of the tape, as a template without its check would. */
export function writePastTheTape(): Thrown | null {
  return runHandWritten((a) => a.mov(r12, qword(rdi, CTX.tape)).mov(rbx, qword(rdi, CTX.tapeSize)).mov(byte(r12, rbx), 1).xor(eax, eax).ret());
}

/** A program run with file descriptors that are not open. */
export function badDescriptor(source: string, io: RunIO): Thrown | null {
  using program = templateJit.compile(parse(source));
  return thrown(() => program.run({}, io));
}

/** run() after free(). */
export function runAfterFree(): Thrown | null {
  const program = templateJit.compile(parse("+"));
  program.free();
  program[Symbol.dispose](); // a second release is harmless
  return thrown(() => program.run());
}

/** A zero-byte output buffer. */
export function noBuffer(): Thrown | null {
  using program = templateJit.compile(parse("."));
  return thrown(() => program.run({}, { bufferSize: 0 }));
}

/** Every probe that returns (writePastTheTape does not: it faults), in one child. */
export function allProbes(): Record<string, unknown> {
  return {
    unknownStatus: unknownStatus(),
    siteDisagrees: siteDisagrees(),
    badOutput: badDescriptor("+.", { outputFd: 1000 }),
    badInput: badDescriptor(",", { inputFd: 1000 }),
    runAfterFree: runAfterFree(),
    noBuffer: noBuffer(),
    abiReport: abiReport(",[.,]+>+[<]", "hi"),
  };
}

/**
 * Run `source` under chapter 5's ABI harness: canaries in every callee-saved register, rsp checked
 * on return, and write and read reached through chapter 5's alignment stubs, which count the calls
 * made with a misaligned stack.
 */
export function abiReport(source: string, input: string): AbiOutcome {
  const program = parse(source);
  const { write, read } = libcIo();
  return underAbiHarness([write, read], (a, [w, r]) => void generate(program, { write: w!, read: r! }, a), input);
}

/**
 * Generated code under the ABI harness: `emit` writes it into `a`, calling each of `targets` (libc
 * functions) through the address of its alignment stub, given in the same order.
 */
export function underAbiHarness(
  targets: readonly number[],
  emit: (a: Asm, stubs: readonly number[]) => void,
  input: string,
  sizes: { readonly tape: number; readonly buffer: number } = { tape: 64, buffer: 4 },
): AbiOutcome {
  const record = mapPages(RECORD_SIZE, PROT.READ | PROT.WRITE);
  const s = new Asm();
  const starts = targets.map((target, i) => {
    const start = s.offset;
    emitAlignmentStub(s, i, target, record.address);
    return start;
  });
  using stubs = place(s);
  using harness = new AbiHarness((a) => emit(a, starts.map((start) => stubs.address + start)), { args: ["ptr"], returns: "i32" } as const);
  const memory = RunMemory.allocate(sizes.tape, sizes.buffer);
  const inFd = memoryFileWith("abi-input", new TextEncoder().encode(input));
  const outFd = openMemoryFile("abi-output");
  try {
    memory.start({ inFd, outFd, eof: "zero" });
    const report = harness.run(memory.ctxAddress as never);
    const counts = new DataView(bytesAt(record.address, RECORD_SIZE).buffer);
    return {
      status: report.value,
      output: new TextDecoder().decode(memoryFileBytes(outFd)),
      violations: report.violations,
      libcCalls: Number(counts.getBigUint64(RECORD.libcCalls, true)),
      misaligned: Number(counts.getBigUint64(RECORD.misaligned, true)),
    };
  } finally {
    memory.free();
    unmapPages(record);
    closeMemoryFile(inFd);
    closeMemoryFile(outFd);
  }
}

export interface AbiOutcome {
  readonly status: number;
  readonly output: string;
  readonly violations: readonly string[];
  readonly libcCalls: number;
  readonly misaligned: number;
}
