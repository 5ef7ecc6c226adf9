// The command line of main.ts: its arguments, the program file, and errors printed the way compilers
// print them. Later chapters' main.ts files share it.
import { readFileSync } from "node:fs";
import { BrainfuckError } from "./errors.ts";
import { parse, type Program } from "./parser.ts";
import { DEFAULT_TAPE_SIZE, MAX_TAPE_SIZE, type EofBehavior } from "./semantics.ts";
import { formatPos } from "./source.ts";

export const USAGE =
  "usage: bun chapters/06-interpreter/main.ts prog.b [--tape N] [--eof unchanged|zero|max] [--max-steps N] [--stats]";

export class UsageError extends Error {
  override name = "UsageError";
  /** `usage`: the usage line of the main.ts that was run (a later chapter's has more options). */
  constructor(problem: string, usage = USAGE) {
    super(`${problem}\n${usage}`);
  }
}

const VALUED = ["tape", "eof", "max-steps"];

export interface Invocation {
  /** The program to run; null runs the built-in demo. */
  readonly file: string | null;
  readonly tapeSize: number;
  readonly eof: EofBehavior;
  readonly maxSteps: number | undefined;
  /** Print command and step counts and times on stderr. */
  readonly stats: boolean;
}

export function parseArgs(argv: readonly string[]): Invocation {
  let file: string | null = null;
  let tapeSize = DEFAULT_TAPE_SIZE;
  let eof: EofBehavior = "unchanged";
  let maxSteps: number | undefined;
  let stats = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      if (file !== null) throw new UsageError(`one program at a time: got ${file} and ${arg}`);
      file = arg;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (name === "stats") {
      stats = true;
      continue;
    }
    if (!VALUED.includes(name)) throw new UsageError(`unknown option --${name}`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    switch (name) {
      case "tape":
        tapeSize = wholeNumber(name, value, 1, MAX_TAPE_SIZE);
        break;
      case "max-steps":
        maxSteps = wholeNumber(name, value, 0, Number.MAX_SAFE_INTEGER);
        break;
      case "eof":
        if (value !== "unchanged" && value !== "zero" && value !== "max") {
          throw new UsageError(`--eof must be unchanged, zero or max, not '${value}'`);
        }
        eof = value;
        break;
    }
  }
  return { file, tapeSize, eof, maxSteps, stats };
}

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${value}'`);
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
