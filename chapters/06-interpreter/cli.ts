// The command line of main.ts: its arguments, the program file, and errors printed the way compilers
// print them. Later chapters' main.ts files share it.
import { readFileSync } from "node:fs";
import { UsageError as CommandUsageError, parseCommand } from "../../shared/cli.ts";
import { BrainfuckError } from "./errors.ts";
import { parse, type Program } from "./parser.ts";
import { DEFAULT_TAPE_LIMIT, DEFAULT_TAPE_SIZE, MAX_TAPE_SIZE, type EofBehavior } from "./semantics.ts";
import { formatPos } from "./source.ts";

export const USAGE = `usage: bun chapters/06-interpreter/main.ts prog.b [--tape N] [--eof unchanged|zero|max] [--max-steps N] [--stats]

Run prog.b with the reference interpreter: standard input is its input, standard output its output.
Without a program, a built-in demo.

  --tape N          a fixed tape of N cells (default: ${DEFAULT_TAPE_SIZE} cells that grow to the right, up to ${DEFAULT_TAPE_LIMIT})
  --eof MODE        what ',' leaves in the cell at the end of the input: unchanged, zero or max
  --max-steps N     stop after N commands with an error (default: no limit)
  --stats           command and step counts, and times, on stderr
  -h, --help        this text`;

/** A command line that does not make sense: the problem, then the first line of `usage`, that of the main.ts that was run. */
export class UsageError extends CommandUsageError {
  override name = "UsageError";
  constructor(problem: string, usage = USAGE) {
    super(`${problem}\n${usage.split("\n")[0]}`);
  }
}

// #region run-options
/** The options every main.ts from here on takes; each main.ts adds its own to them. */
export const RUN_OPTIONS = {
  tape: { type: "string" },
  eof: { type: "string" },
  "max-steps": { type: "string" },
  stats: { type: "boolean" },
} as const;
// #endregion run-options

/** RUN_OPTIONS's values, as node:util's parseArgs returns them. */
export interface RunValues {
  readonly tape?: string | undefined;
  readonly eof?: string | undefined;
  readonly "max-steps"?: string | undefined;
  readonly stats?: boolean | undefined;
}

export interface Invocation {
  /** The program to run; null runs the built-in demo. */
  readonly file: string | null;
  /** A fixed tape's cells; undefined: the tape grows (semantics.ts's RunOptions). */
  readonly tapeSize: number | undefined;
  readonly eof: EofBehavior;
  readonly maxSteps: number | undefined;
  /** Print command and step counts and times on stderr. */
  readonly stats: boolean;
}

/** The command line of this chapter's main.ts, or null when --help has printed the usage. */
export function parseArgs(argv: readonly string[], usage = USAGE): Invocation | null {
  const parsed = parseCommand(argv, usage, { allowPositionals: true, options: RUN_OPTIONS }, console.log, (problem) => new UsageError(problem, usage));
  return parsed === null ? null : invocation(parsed.values, parsed.positionals, usage);
}

/** RUN_OPTIONS checked, and the program file: what any main.ts that parsed them runs with. */
export function invocation(
  values: RunValues,
  positionals: readonly string[],
  usage = USAGE,
  refuse: (problem: string) => UsageError = (problem) => new UsageError(problem, usage),
): Invocation {
  if (positionals.length > 1) throw refuse(`one program at a time: got ${positionals.join(" and ")}`);
  const eof = values.eof ?? "unchanged";
  if (eof !== "unchanged" && eof !== "zero" && eof !== "max") throw refuse(`--eof must be unchanged, zero or max, not '${eof}'`);
  const steps = values["max-steps"];
  return {
    file: positionals[0] ?? null,
    tapeSize: values.tape === undefined ? undefined : wholeNumber("tape", values.tape, 1, MAX_TAPE_SIZE, refuse),
    eof,
    maxSteps: steps === undefined ? undefined : wholeNumber("max-steps", steps, 0, Number.MAX_SAFE_INTEGER, refuse),
    stats: values.stats === true,
  };
}

function wholeNumber(name: string, value: string, min: number, max: number, refuse: (problem: string) => UsageError): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw refuse(`--${name} must be a whole number from ${min} to ${max}, not '${value}'`);
  return n;
}

// #region error-line
/** "prog.b:3:14: error: unmatched '['...", the form editors and terminals link to the source. */
export function errorLine(file: string, e: BrainfuckError): string {
  return e.pos === null ? `${file}: error: ${e.detail}` : `${file}:${formatPos(e.pos)}: error: ${e.detail}`;
}
// #endregion

/** A file's bytes (a program, or its input), or a UsageError that names the file and says why not. */
export function readBytes(file: string, usage = USAGE): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, usage);
  }
}

/** The program file's text. */
export function readProgram(file: string, usage = USAGE): string {
  return new TextDecoder().decode(readBytes(file, usage));
}

/** The parsed program; or, for a syntax error, null once `report` has been given its error line. */
export function parseOrReport(file: string, source: string, report: (line: string) => void): Program | null {
  try {
    return parse(source);
  } catch (e) {
    if (!(e instanceof BrainfuckError)) throw e;
    report(errorLine(file, e));
    return null;
  }
}
