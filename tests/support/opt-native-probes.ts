// Native experiments for the optimizing JIT, run in a child process (runNative): its code under
// chapter 5's ABI harness (callee-saved registers kept, every call into libc, memchr included, made
// with the stack aligned), and a write that fails from inside the output routine.
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { OptLowering } from "../../chapters/09-optimizer/codegen-opt.ts";
import { optJit } from "../../chapters/09-optimizer/jit.ts";
import { libcScanIo } from "../../chapters/09-optimizer/libc-scan.ts";
import { optimize } from "../../chapters/09-optimizer/optimize.ts";
import { underAbiHarness, type AbiOutcome, type Thrown } from "./bf-native-probes.ts";

/** Run `source`, optimized, under the ABI harness, with an output buffer of `bufferSize` bytes. */
export function abiReport(source: string, input: string, bufferSize: number, tapeSize = 64): AbiOutcome {
  const lir = optimize(lower(parse(source))).lir;
  const libc = libcScanIo();
  return underAbiHarness(
    [libc.write, libc.read, libc.memchr, libc.memrchr],
    (a, [write, read, memchr, memrchr]) => void new OptLowering({ write: write!, read: read!, memchr: memchr!, memrchr: memrchr! }, a).generate(lir),
    input,
    { tape: tapeSize, buffer: bufferSize },
  );
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
