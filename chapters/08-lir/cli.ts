// The command line of this chapter's main.ts: chapter 6's options, plus what to print instead of
// running, and a program given inline with -e. Later chapters' main.ts files share it.
import { readFileSync } from "node:fs";
import { errorLine, parseArgs, UsageError, type Invocation } from "../06-interpreter/cli.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { formatPos } from "../06-interpreter/source.ts";
import type { LirError } from "./errors.ts";
import { innerOps, type Op } from "./lir.ts";

export interface LirInvocation extends Invocation {
  /** What to print instead of running: "lir", or a later chapter's form; null to run. */
  readonly emit: string | null;
  /** Print source positions after each op (with --emit). */
  readonly positions: boolean;
  /** A program given on the command line, with -e; then `file` is "-e". */
  readonly code: string | null;
}

// #region parse-lir-args
/** Parse argv: this chapter's options here, the rest by chapter 6's parseArgs. */
export function parseLirArgs(argv: readonly string[], usage: string, emits: readonly string[]): LirInvocation {
  let emit: string | null = null;
  let positions = false;
  let code: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--positions") positions = true;
    else if (arg === "-e") code = valueOf(argv[++i], "-e needs a program, e.g. -e '[->+<]'", usage);
    else if (arg === "--emit" || arg.startsWith("--emit=")) {
      emit = arg === "--emit" ? valueOf(argv[++i], "--emit needs a value", usage) : arg.slice("--emit=".length);
      if (!emits.includes(emit)) throw new CliError(`--emit must be ${emits.join(" or ")}, not '${emit}'`, usage);
    } else rest.push(arg);
  }
  let inv: Invocation;
  try {
    inv = parseArgs(rest);
  } catch (e) {
    if (e instanceof UsageError) throw new CliError(e.message.split("\n")[0]!, usage);
    throw e;
  }
  if (code !== null && inv.file !== null) throw new CliError(`give a file or -e, not both`, usage);
  return { ...inv, file: code !== null ? "-e" : inv.file, emit, positions, code };
}
// #endregion

/** A command line that does not make sense: printed as a UsageError, like chapter 6's, with this usage. */
export class CliError extends Error {
  override name = "UsageError";
  constructor(problem: string, usage: string) {
    super(`${problem}\n${usage}`);
  }
}

function valueOf(v: string | undefined, problem: string, usage: string): string {
  if (v === undefined) throw new CliError(problem, usage);
  return v;
}

/** "prog.b:3:14: error: ...", the way compilers print it; a LirError's position is in the LIR text. */
export function diagnostic(file: string, e: BrainfuckError | LirError): string {
  return e instanceof BrainfuckError ? errorLine(file, e) : `${file}:${formatPos(e.pos)}: error: ${e.detail}`;
}

/** The text of the program file, or a CliError that says why it cannot be read. */
export function readSource(file: string, usage: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, usage);
  }
}

/** Does the program read (`in`, at any depth)? Only then does a main.ts wait for standard input. */
export function readsInput(ops: readonly Op[]): boolean {
  return ops.some((op) => op.kind === "in" || innerOps(op).some(readsInput));
}
