// The command line of main.ts: chapter 6's options (--tape, --eof, --max-steps, --stats), plus what
// a compiler adds: --emit to print the code, --compare to race the interpreter, --input FILE.
import { UsageError as InterpreterUsageError, parseArgs as parseInterpreterArgs, type Invocation } from "../06-interpreter/cli.ts";
import { nativeSettings } from "./runtime.ts";

export const USAGE =
  "usage: bun chapters/07-template-jit/main.ts prog.b [--tape N] [--eof unchanged|zero|max] [--input FILE]\n" +
  "                                          [--emit=asm|hex] [--stats] [--compare]";

export class UsageError extends Error {
  override name = "UsageError";
  constructor(problem: string) {
    super(`${problem}\n${USAGE}`);
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
export function parseArgs(argv: readonly string[]): JitInvocation {
  let emit: Emit | null = null;
  let compare = false;
  let input: string | null = null;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (name === "--compare") compare = true;
    else if (name === "--emit" || name === "--input") {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      if (name === "--input") input = value;
      else if (value === "asm" || value === "hex") emit = value;
      else throw new UsageError(`--emit must be asm or hex, not '${value}'`);
    } else rest.push(arg);
  }
  if (emit !== null && compare) throw new UsageError("--emit prints the code and runs nothing: it cannot be combined with --compare");
  let shared: Invocation;
  try {
    shared = parseInterpreterArgs(rest);
  } catch (e) {
    // Chapter 6's parser knows the shared options; its usage line is chapter 6's, so use ours.
    if (e instanceof InterpreterUsageError) throw new UsageError(e.message.split("\n")[0]!);
    throw e;
  }
  // The runtime refuses a step limit; asking it now refuses --max-steps before a byte is read or compiled.
  if (shared.maxSteps !== undefined) nativeSettings({ maxSteps: shared.maxSteps });
  return { ...shared, emit, compare, input };
}
// #endregion parse-args
