// What the tests and the demo run in a child process (runNative from shared/child.ts): programs by
// name, with JSON inputs, plain or under the ABI harness. Generated code never runs in `bun test`.
import { AbiHarness, checkAbi, type AbiReport } from "./abi-harness.ts";
import { programNamed } from "./broken-programs.ts";
import { compileProgram } from "./compile.ts";
import { PROGRAM_SIGNATURE, type Program } from "./programs.ts";

/** One call: a program's name, its data (int32s, or bytes given as numbers or a string), and its int argument. */
export interface ProgramRun {
  readonly name: string;
  readonly input: readonly number[] | string;
  readonly arg?: number;
}

/** The data a program reads, built from JSON: an Int32Array or a Uint8Array, and its length in elements. */
export function dataFor(program: Program, input: readonly number[] | string): Int32Array | Uint8Array {
  if (program.data === "int32") return Int32Array.from(typeof input === "string" ? [...input].map((c) => c.charCodeAt(0)) : input);
  return typeof input === "string" ? new TextEncoder().encode(input) : Uint8Array.from(input);
}

/** Compile and call each run's program plainly; the results, in order. */
export function runPrograms(runs: readonly ProgramRun[]): bigint[] {
  return runs.map((r) => {
    const program = programNamed(r.name);
    using compiled = compileProgram(program);
    const data = dataFor(program, r.input);
    return compiled.fn(data, data.length, r.arg ?? 0);
  });
}

/** Each run under the ABI harness: the reports, in order. */
export function checkPrograms(runs: readonly ProgramRun[]): AbiReport<bigint>[] {
  return runs.map((r) => {
    const program = programNamed(r.name);
    using harness = new AbiHarness(program.emit, PROGRAM_SIGNATURE);
    const data = dataFor(program, r.input);
    return harness.run(data, data.length, r.arg ?? 0);
  });
}

/** One run under the harness that throws an AbiViolationError if the program broke a rule. */
export function runChecked(run: ProgramRun): bigint {
  const [report] = checkPrograms([run]);
  return checkAbi(report!, run.name);
}
