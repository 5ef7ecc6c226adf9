// The template JIT side by side with chapter 6's interpreter: the same program and input, both
// timed in the same process, and their RunResults compared. A JIT that is fast and wrong is no use.
import { interpret } from "../06-interpreter/interpreter.ts";
import type { Program } from "../06-interpreter/parser.ts";
import { describeDifference, type RunOptions, type RunResult } from "../06-interpreter/semantics.ts";
import { templateJit } from "./template-jit.ts";
import type { NativeTier } from "./tier.ts";

export interface Timing {
  readonly name: string;
  /** Time to turn the parsed program into something runnable (0 for the interpreter). */
  readonly compileMs: number;
  readonly runMs: number;
}

export interface Comparison {
  readonly interpreter: Timing;
  readonly jit: Timing & { readonly codeSize: number };
  readonly result: RunResult;
  /** Why the two results differ, or null when they are the same run. */
  readonly difference: string | null;
}

// #region compare
export function compareWithInterpreter(program: Program, opts: RunOptions, tier: NativeTier = templateJit): Comparison {
  let t = performance.now();
  const expected = interpret(program, opts);
  const interpreter = { name: "interpreter", compileMs: 0, runMs: performance.now() - t };

  t = performance.now();
  using compiled = tier.compile(program);
  const compileMs = performance.now() - t;
  t = performance.now();
  const result = compiled.run(opts);
  const jit = { name: `${tier.name} JIT`, compileMs, runMs: performance.now() - t, codeSize: compiled.codeSize };
  return { interpreter, jit, result, difference: describeDifference(expected, result) };
}
// #endregion compare

const ms = (x: number): string => (x < 10 ? x.toFixed(2) : x < 1000 ? x.toFixed(1) : x.toFixed(0)) + " ms";
const ratio = (x: number): string => (x >= 10 ? x.toFixed(0) : x.toFixed(1)) + "x";
/** "12x faster" when `before` took longer than `after`, else "3.1x slower". */
const speedup = (before: number, after: number): string =>
  before >= after ? `${ratio(before / after)} faster` : `${ratio(after / before)} slower`;

/** A small table: each tier's compile and run time, and how much faster the JIT was. */
export function formatComparison(name: string, c: Comparison): string {
  const rows = [c.interpreter, c.jit].map((t) => `  ${t.name.padEnd(14)} ${ms(t.compileMs).padStart(10)} ${ms(t.runMs).padStart(10)} ${ms(t.compileMs + t.runMs).padStart(10)}`);
  const total = c.jit.compileMs + c.jit.runMs;
  const verdict =
    c.difference === null
      ? `the same RunResult from both (${c.result.output.length} bytes of output${c.result.error ? `, then ${c.result.error.name}` : ""})`
      : `THE RESULTS DIFFER:\n${c.difference}`;
  return [
    `${name}: ${verdict}`,
    `  ${"".padEnd(14)} ${"compile".padStart(10)} ${"run".padStart(10)} ${"total".padStart(10)}`,
    ...rows,
    `  the ${c.jit.name} ran it ${speedup(c.interpreter.runMs, c.jit.runMs)} than the interpreter, ` +
      `${speedup(c.interpreter.runMs, total)} counting its compile time (${c.jit.codeSize} bytes of code)`,
  ].join("\n");
}
