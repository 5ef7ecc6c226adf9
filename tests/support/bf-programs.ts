// The Brainfuck programs every tier is tested on, with what each must produce: the tests' small cases
// (tests/programs/), the book's own workloads, and the classic programs, which a reader has only after
// `npm run programs -- fetch` (all three named and found by shared/programs.ts).
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BrainfuckSyntaxError } from "../../chapters/06-interpreter/errors.ts";
import { parse, type Program } from "../../chapters/06-interpreter/parser.ts";
import { showBytes, type EofBehavior, type RunOptions, type RunResult } from "../../chapters/06-interpreter/semantics.ts";
import { formatPos } from "../../chapters/06-interpreter/source.ts";
import { CLASSIC_ENV, classicDir, CLASSIC_NOTE, findPrograms, type BfProgram } from "../../shared/programs.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const PROGRAMS_DIR = resolve(ROOT, "tests/programs");

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
  { name: "off-right", tapeSize: 30000, error: { name: "TapeBoundsError", at: "3:3" } },
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

/** Over this many seconds in the reference interpreter, a program is too slow for it in CI. */
const HEAVY_SECONDS = 9;

export interface BenchSet {
  readonly programs: BfCase[];
  /** Why there are none, for test.skip messages; null when the set was found. */
  readonly skipReason: string | null;
}

/**
 * The project's programs a later tier compiles and runs: all but the ones the parser rejects, which
 * chapter 6 tests and which never reach a later tier's own code.
 */
export function compiledPrograms(): BfCase[] {
  return projectPrograms().filter((c) => c.expectedError?.name !== "BrainfuckSyntaxError");
}

/** The book's own workloads (chapters/06-interpreter/programs/): always there. */
export function bookPrograms(): BfCase[] {
  return findPrograms(undefined, (p) => p.origin === "book").programs.map(toCase);
}

/** The classic programs, where installed (`npm run programs -- fetch`), or none and the reason. */
export function benchPrograms(): BenchSet {
  const { programs } = findPrograms(undefined, (p) => p.origin === "classic");
  if (programs.length === 0) return { programs: [], skipReason: `${CLASSIC_NOTE} (looked in ${classicDir()}); skipping` };
  return { programs: programs.map(toCase), skipReason: null };
}

/**
 * `fn` with the classic programs looked for in `dir` (an empty one: the reader's clone without them),
 * until it returns or, if it returns a promise, until that settles.
 */
export function withClassicDir<T>(dir: string, fn: () => T): T {
  const saved = process.env[CLASSIC_ENV];
  const restore = () => {
    if (saved === undefined) delete process.env[CLASSIC_ENV];
    else process.env[CLASSIC_ENV] = saved;
  };
  process.env[CLASSIC_ENV] = dir;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    restore();
    throw e;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}

function toCase(p: BfProgram): BfCase {
  return {
    name: p.name,
    file: p.file,
    source: readFileSync(p.file, "utf8"),
    options: {
      input: p.inputFile === null ? new Uint8Array(0) : new Uint8Array(readFileSync(p.inputFile)),
      ...(p.tapeSize === undefined ? {} : { tapeSize: p.tapeSize }),
    },
    expectedOutput: new Uint8Array(readFileSync(p.outputFile)),
    expectedError: null,
    interpreterSeconds: p.interpreterSeconds,
    heavy: p.interpreterSeconds > HEAVY_SECONDS,
  };
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
    interpreterSeconds: 0,
    heavy: false,
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
