// Native experiments for the optimizing JIT, run in a child process (runNative): its code under
// chapter 5's ABI harness (callee-saved registers kept, every call into libc, memchr included, made
// with the stack aligned), and a write that fails from inside the output routine.
import { PROT, bytesAt, mapPages, unmapPages } from "../../chapters/01-pages/pages.ts";
import { AbiHarness } from "../../chapters/05-control-flow/abi-harness.ts";
import { place } from "../../chapters/05-control-flow/compile.ts";
import { RECORD, RECORD_SIZE, emitAlignmentStub } from "../../chapters/05-control-flow/harness-code.ts";
import { Asm } from "../../chapters/05-control-flow/labels.ts";
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { closeMemoryFile, memoryFileBytes, memoryFileWith, openMemoryFile } from "../../chapters/07-template-jit/memory-file.ts";
import { RunMemory } from "../../chapters/07-template-jit/run-memory.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { OptLowering } from "../../chapters/09-optimizer/codegen-opt.ts";
import { optJit } from "../../chapters/09-optimizer/jit.ts";
import { libcScanIo } from "../../chapters/09-optimizer/libc-scan.ts";
import { optimize } from "../../chapters/09-optimizer/optimize.ts";
import type { AbiOutcome, Thrown } from "./bf-native-probes.ts";

/** Run `source`, optimized, under the ABI harness, with an output buffer of `bufferSize` bytes. */
export function abiReport(source: string, input: string, bufferSize: number, tapeSize = 64): AbiOutcome {
  const lir = optimize(lower(parse(source))).lir;
  const record = mapPages(RECORD_SIZE, PROT.READ | PROT.WRITE);
  const s = new Asm();
  const libc = libcScanIo();
  const starts = [libc.write, libc.read, libc.memchr, libc.memrchr].map((target, i) => {
    const start = s.offset;
    emitAlignmentStub(s, i, target, record.address);
    return start;
  });
  using stubs = place(s);
  const [write, read, memchr, memrchr] = starts.map((start) => stubs.address + start) as [number, number, number, number];
  using harness = new AbiHarness((a) => void new OptLowering({ write, read, memchr, memrchr }, a).generate(lir), { args: ["ptr"], returns: "i32" } as const);
  const memory = RunMemory.allocate(tapeSize, bufferSize);
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

/** A program whose output cannot be written (the descriptor is not open). */
export function badOutput(source: string, bufferSize: number): Thrown | null {
  using program = optJit.compile(parse(source));
  try {
    program.run({}, { outputFd: 1000, bufferSize });
    return null;
  } catch (e) {
    return e instanceof Error ? { name: e.name, message: e.message } : { name: "non-Error", message: String(e) };
  }
}

/** Every probe, in one child. */
export function allProbes(): Record<string, unknown> {
  return {
    // Reads, scans both ways (memchr, memrchr) and a 4-byte buffer that fills: flushes from put_byte.
    abi: abiReport(",[.,]>+>+>+<[<]>[>]++++++++[>++++++++<-]>+.....", "hello", 4),
    failedFlushFromPut: badOutput("+.".repeat(10), 4),
    failedFinalFlush: badOutput("+.", 64),
  };
}
