// The command line of main.ts: chapter 6's options (--tape, --eof, --max-steps, --stats), plus what
// a compiler adds: --emit to print the code, --compare to race the interpreter, --input FILE.
import { parseCommand } from "../../shared/cli.ts";
import { RUN_OPTIONS, UsageError as InterpreterUsageError, invocation, type Invocation } from "../06-interpreter/cli.ts";
import { nativeSettings } from "./runtime.ts";

export const USAGE = `usage: bun chapters/07-template-jit/main.ts prog.b [--tape N] [--eof unchanged|zero|max] [--input FILE] [--emit=asm|hex] [--stats] [--compare]

Compile prog.b with the template JIT and run it: standard input is its input (or --input FILE),
standard output its output. Without a program, a built-in demo.

  --tape N          a fixed tape of N cells (default: a tape that grows to the right)
  --eof MODE        what ',' leaves in the cell at the end of the input: unchanged, zero or max
  --input FILE      read the program's input from FILE instead of standard input
  --emit=asm|hex    print the machine code (a listing, or its bytes) instead of running it
  --stats           code size and times on stderr
  --compare         run the interpreter too, check that both agree, and print both times
  -h, --help        this text`;

/** A command line that does not make sense: the problem, then this chapter's usage line. */
export class UsageError extends InterpreterUsageError {
  constructor(problem: string) {
    super(problem, USAGE);
  }
}

export type Emit = "asm" | "hex";

export interface JitInvocation extends Invocation {
  /** Print the code instead of running it. */
  readonly emit: Emit | null;
  /** Run with the interpreter too, check that both agree, and print both times. */
  readonly compare: boolean;
  /** Read the program's input from this file instead of standard input. */
  readonly input: string | null;
}

// #region parse-args
/** Chapter 6's options and this chapter's; null when --help has printed the usage. */
export function parseArgs(argv: readonly string[]): JitInvocation | null {
  const options = { ...RUN_OPTIONS, emit: { type: "string" }, compare: { type: "boolean" }, input: { type: "string" } } as const;
  const parsed = parseCommand(argv, USAGE, { allowPositionals: true, options }, console.log, (problem) => new UsageError(problem));
  if (parsed === null) return null;
  const { values, positionals } = parsed;
  const emit = values.emit ?? null;
  if (emit !== null && emit !== "asm" && emit !== "hex") throw new UsageError(`--emit must be asm or hex, not '${emit}'`);
  const compare = values.compare === true;
  if (emit !== null && compare) throw new UsageError("--emit prints the code and runs nothing: it cannot be combined with --compare");
  const shared = invocation(values, positionals, USAGE, (problem) => new UsageError(problem));
  // The runtime refuses a step limit; asking it now refuses --max-steps before a byte is read or compiled.
  if (shared.maxSteps !== undefined) nativeSettings({ maxSteps: shared.maxSteps });
  return { ...shared, emit, compare, input: values.input ?? null };
}
// #endregion parse-args
