// The command line of this chapter's main.ts: chapter 6's options, plus what to print instead of
// running, and a program given inline with -e. Later chapters' main.ts files share it.
import { readFileSync } from "node:fs";
import { parseCommand, type Parsed } from "../../shared/cli.ts";
import { errorLine, invocation, RUN_OPTIONS, UsageError, type Invocation, type RunValues } from "../06-interpreter/cli.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { formatPos } from "../06-interpreter/source.ts";
import type { LirError } from "./errors.ts";
import { listsWithin, type Op } from "./lir.ts";

export interface LirInvocation extends Invocation {
  /** What to print instead of running: "lir", or another form a main.ts names; null to run. */
  readonly emit: string | null;
  /** Print source positions after each op (with --emit). */
  readonly positions: boolean;
  /** A program given on the command line, with -e; then `file` is "-e". */
  readonly code: string | null;
}

// #region parse-lir-args
/** Chapter 6's options, and this chapter's: what to print instead of running, and -e CODE. */
export const LIR_OPTIONS = {
  ...RUN_OPTIONS,
  emit: { type: "string" },
  positions: { type: "boolean" },
  code: { type: "string", short: "e" },
} as const;

/** An option a main.ts adds to LIR_OPTIONS, as node:util's parseArgs declares it. */
type MoreOptions = Readonly<Record<string, { readonly type: "string" | "boolean"; readonly short?: string }>>;

/**
 * Parse argv with LIR_OPTIONS and a main.ts's own (`more`), all at once: every option is checked
 * before a file is read. Returns the invocation, with the parsed values (a main.ts reads its own
 * there), or null when --help has printed `usage`. `needs`: what to say when an option's value is
 * missing, by option name.
 */
export function parseLirArgs<const M extends MoreOptions = {}>(
  argv: readonly string[],
  usage: string,
  emits: readonly string[],
  more?: M,
  needs: Readonly<Record<string, string>> = {},
): (LirInvocation & { readonly values: Parsed<{ options: typeof LIR_OPTIONS & M }>["values"] }) | null {
  const options = { ...LIR_OPTIONS, ...more } as typeof LIR_OPTIONS & M;
  // A missing value is answered with what to give: -e's own words, or a main.ts's (`needs`, by option).
  const missing: Readonly<Record<string, string>> = { code: "-e needs a program, e.g. -e '[->+<]'", ...needs };
  const refuse = (problem: string) => {
    const name = /^--([\w-]+) needs a value/.exec(problem)?.[1];
    return new CliError(name !== undefined && missing[name] !== undefined ? missing[name] : problem, usage);
  };
  const parsed = parseCommand(argv, usage, { allowPositionals: true, options }, console.log, refuse);
  if (parsed === null) return null;
  return { ...lirInvocation(parsed.values as LirValues, parsed.positionals, usage, emits), values: parsed.values };
}

interface LirValues extends RunValues {
  readonly emit?: string | undefined;
  readonly positions?: boolean | undefined;
  readonly code?: string | undefined;
}

/** LIR_OPTIONS checked: chapter 6's, then which --emit, and a file or -e (not both). */
export function lirInvocation(values: LirValues, positionals: readonly string[], usage: string, emits: readonly string[]): LirInvocation {
  const emit = values.emit ?? null;
  if (emit !== null && !emits.includes(emit)) {
    throw new CliError(emits.length === 0 ? `--emit: this command prints no code` : `--emit must be ${emits.join(" or ")}, not '${emit}'`, usage);
  }
  const inv = invocation(values, positionals, usage, (problem) => new CliError(problem, usage));
  const code = values.code ?? null;
  if (code !== null && inv.file !== null) throw new CliError(`give a file or -e, not both`, usage);
  return { ...inv, file: code !== null ? "-e" : inv.file, emit, positions: values.positions === true, code };
}
// #endregion

/** A command line that does not make sense: chapter 6's UsageError, with the usage of the main.ts that was run. */
export class CliError extends UsageError {}

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
  return listsWithin(ops).some((list) => list.some((op) => op.kind === "in"));
}
