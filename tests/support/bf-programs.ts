// The Brainfuck programs every tier is tested on, with what each must produce: the project's own
// (tests/programs/) and the conformance set that sits beside the checkout (../shared/bf/), which a
// reader's machine may not have.
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BrainfuckSyntaxError } from "../../chapters/06-interpreter/errors.ts";
import { parse, type Program } from "../../chapters/06-interpreter/parser.ts";
import { showBytes, type EofBehavior, type RunOptions, type RunResult } from "../../chapters/06-interpreter/semantics.ts";
import { formatPos } from "../../chapters/06-interpreter/source.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PROGRAMS_DIR = resolve(ROOT, "tests/programs");
/** The conformance set: beside the checkout, not in it. */
export const BF_DATA_DIR = resolve(ROOT, "../shared/bf");

export interface ExpectedError {
  readonly name: "BrainfuckSyntaxError" | "TapeBoundsError" | "StepLimitError";
  /** "line:column" of the command the error names. */
  readonly at: string;
}

export interface BfCase {
  readonly name: string;
  /** The .b file (absolute), for tools that take a path. */
  readonly file: string;
  readonly source: string;
  /** Input, tape size, EOF behaviour and fuel to run it with. */
  readonly options: RunOptions;
  readonly expectedOutput: Uint8Array;
  /** The error the run ends with (its output is still expectedOutput), or null. */
  readonly expectedError: ExpectedError | null;
  /** Seconds the reference interpreter takes (measured on the book's machine; 0 when negligible). */
  readonly interpreterSeconds: number;
  /** Too slow for the reference interpreter in CI (over HEAVY_SECONDS). */
  readonly heavy: boolean;
}

interface Spec {
  readonly name: string;
  /** Base name of the .b file when it differs from `name`. */
  readonly program?: string;
  /** Base names of the .in and .out files when they differ from the program's. */
  readonly input?: string;
  readonly output?: string;
  readonly tapeSize?: number;
  readonly eof?: EofBehavior;
  readonly maxSteps?: number;
  readonly error?: ExpectedError;
  /** What the reference interpreter takes, measured: for scheduling, and to tell the heavy ones. */
  readonly seconds?: number;
}

// #region project-programs
const PROJECT: readonly Spec[] = [
  { name: "hello" },
  { name: "cat" },
  { name: "counter" },
  { name: "numbers" },
  { name: "alphabet" },
  { name: "reverse" },
  { name: "wrap" },
  { name: "skip" },
  { name: "deep" },
  { name: "eof unchanged", program: "eof", output: "eof-unchanged", eof: "unchanged" },
  { name: "eof zero", program: "eof", output: "eof-zero", eof: "zero" },
  { name: "eof max", program: "eof", output: "eof-max", eof: "max" },
  { name: "off-left", error: { name: "TapeBoundsError", at: "5:3" } },
  { name: "off-right", error: { name: "TapeBoundsError", at: "3:3" } },
  { name: "off-right tape 16", program: "off-right", tapeSize: 16, error: { name: "TapeBoundsError", at: "3:3" } },
  { name: "off-right-run", tapeSize: 8, error: { name: "TapeBoundsError", at: "5:2" } },
  { name: "infinite", maxSteps: 1000, error: { name: "StepLimitError", at: "2:3" } },
  { name: "unmatched-open", error: { name: "BrainfuckSyntaxError", at: "4:1" } },
  { name: "unmatched-close", error: { name: "BrainfuckSyntaxError", at: "4:1" } },
];
// #endregion

/** The project's own programs, with their expected output and error. Always available. */
export function projectPrograms(): BfCase[] {
  return PROJECT.map((spec) => load(PROGRAMS_DIR, spec));
}

// #region bench-programs
// `seconds`: the reference interpreter's time on the book's machine (bun, 2 vCPUs, measured). Over
// HEAVY_SECONDS is too slow for it in CI; every later tier runs them all.
const BENCH: readonly Spec[] = [
  { name: "mandelbrot", seconds: 16.6 },
  { name: "hanoi", seconds: 21.9 },
  { name: "factor", seconds: 9.9 },
  { name: "factor small", program: "factor", input: "factor-small", output: "factor-small", seconds: 6.2 },
  { name: "long", seconds: 19.6 },
  { name: "bench", seconds: 2.3 },
  { name: "dbfi", seconds: 36.1 },
  { name: "awib-0.4", tapeSize: 65536, seconds: 12.8 },
  { name: "counter", seconds: 1.4 },
];
const EXTRA: readonly Spec[] = [
  { name: "Beer", seconds: 0.02 },
  { name: "Golden", seconds: 0.2 },
  { name: "Life", seconds: 5.2 },
  { name: "LostKng", seconds: 0.35 }, // 0.25 s of it to parse its 2.1 MB
];
const HEAVY_SECONDS = 9;
// #endregion

export interface BenchSet {
  readonly programs: BfCase[];
  /** Why there are none, for test.skip messages; null when the set was found. */
  readonly skipReason: string | null;
}

/** ../shared/bf/bench and ../shared/bf/extra, or no programs and the reason. */
/**
 * The project's programs a later tier compiles and runs: all but the ones the parser rejects, which
 * chapter 6 tests and which never reach a later tier's own code.
 */
export function compiledPrograms(): BfCase[] {
  return projectPrograms().filter((c) => c.expectedError?.name !== "BrainfuckSyntaxError");
}

export function benchPrograms(dir: string = BF_DATA_DIR): BenchSet {
  if (!existsSync(resolve(dir, "bench"))) {
    return {
      programs: [],
      skipReason:
        `${relative(ROOT, resolve(dir, "bench"))} not found: the conformance set is provided beside ` +
        `the checkout in the book's repository; skipping`,
    };
  }
  const programs = [...BENCH.map((s) => load(resolve(dir, "bench"), s))];
  if (existsSync(resolve(dir, "extra"))) programs.push(...EXTRA.map((s) => load(resolve(dir, "extra"), s)));
  return { programs, skipReason: null };
}

function load(dir: string, spec: Spec): BfCase {
  const base = spec.program ?? spec.name;
  const file = resolve(dir, `${base}.b`);
  const inputFile = resolve(dir, `${spec.input ?? base}.in`);
  const options: RunOptions = {
    input: existsSync(inputFile) ? new Uint8Array(readFileSync(inputFile)) : new Uint8Array(0),
    ...(spec.tapeSize === undefined ? {} : { tapeSize: spec.tapeSize }),
    ...(spec.eof === undefined ? {} : { eof: spec.eof }),
    ...(spec.maxSteps === undefined ? {} : { maxSteps: spec.maxSteps }),
  };
  return {
    name: spec.name,
    file,
    source: readFileSync(file, "utf8"),
    options,
    expectedOutput: new Uint8Array(readFileSync(resolve(dir, `${spec.output ?? base}.out`))),
    expectedError: spec.error ?? null,
    interpreterSeconds: spec.seconds ?? 0,
    heavy: (spec.seconds ?? 0) > HEAVY_SECONDS,
  };
}

/** Why a run of `c` is wrong, or null when it produced exactly the expected output and error. */
export function checkCase(c: BfCase, result: Outcome): string | null {
  const problems: string[] = [];
  const want = c.expectedError;
  const got = result.error;
  const gotAt = got?.pos ? formatPos(got.pos) : null;
  if (want === null && got !== null) problems.push(`unexpected ${got.name}: ${got.message}`);
  else if (want !== null && got === null) problems.push(`expected a ${want.name} at ${want.at}, got no error`);
  else if (want !== null && got !== null && (want.name !== got.name || want.at !== gotAt)) {
    problems.push(`expected a ${want.name} at ${want.at}, got ${got.name}: ${got.message}`);
  }
  const out = result.output;
  const exp = c.expectedOutput;
  const n = Math.min(out.length, exp.length);
  let i = 0;
  while (i < n && out[i] === exp[i]) i++;
  if (i < n || out.length !== exp.length) {
    problems.push(
      `output differs from byte ${i} of ${exp.length}: expected ${showBytes(exp, i)}, got ${showBytes(out, i)}` +
        ` (${out.length} bytes in all)`,
    );
  }
  return problems.length === 0 ? null : `${c.name}: ${problems.join("; ")}`;
}

/** What a tier's run of a case amounts to: its output and its error. */
export type Outcome = Pick<RunResult, "output" | "error">;

/** Parse `c` and run it with `run`; a syntax error becomes the outcome's error, with no output. */
export function runCase(c: BfCase, run: (program: Program, options: RunOptions) => Outcome): Outcome {
  let program: Program;
  try {
    program = parse(c.source);
  } catch (e) {
    if (e instanceof BrainfuckSyntaxError) return { output: new Uint8Array(0), error: e };
    throw e;
  }
  return run(program, c.options);
}
