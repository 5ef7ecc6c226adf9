// The command line of main.ts: chapter 6's options (--tape, --eof, --max-steps, --stats), plus the
// tier to run, its threshold, where input comes from, the output buffer's size, and --emit to print
// the code a tier makes.
import { UsageError as InterpreterUsageError, parseArgs as parseInterpreterArgs, type Invocation } from "../06-interpreter/cli.ts";
import { nativeSettings } from "../07-template-jit/runtime.ts";
import { settingsWithoutStepLimit } from "./js-tiers.ts";

export const TIERS = ["tiered", "interpreter", "opt", "js", "js-opt", "tiered-js"] as const;
export type TierChoice = (typeof TIERS)[number];

export const USAGE =
  "usage: bun chapters/11-tiering/main.ts prog.b [--tier " + TIERS.join("|") + "] [--threshold N]\n" +
  "                                     [--stats[=json]] [--tape N] [--eof unchanged|zero|max] [--max-steps N]\n" +
  "                                     [--input FILE] [--buffer BYTES] [--emit]";

export class UsageError extends Error {
  override name = "UsageError";
  constructor(problem: string) {
    super(`${problem}\n${USAGE}`);
  }
}

export interface TieringInvocation extends Invocation {
  readonly tier: TierChoice;
  /** Iterations before a loop is compiled (tiered and tiered-js). */
  readonly threshold: number | null;
  /** Read the program's input from this file instead of standard input. */
  readonly input: string | null;
  /** The output buffer's size in bytes (1: every byte is written as soon as it is made). */
  readonly buffer: number | null;
  /** js, js-opt: print the generated JavaScript instead of running. tiered: after the run, the compiled loops' code (stderr). */
  readonly emit: boolean;
  /** --stats=json: the figures as one line of JSON, as chapter 9's main.ts prints them (for the bench). */
  readonly json: boolean;
}

const VALUED = new Set(["--tier", "--threshold", "--input", "--buffer"]);

// #region parse-args
export function parseArgs(argv: readonly string[]): TieringInvocation {
  let tier: TierChoice = "tiered";
  let threshold: number | null = null;
  let input: string | null = null;
  let buffer: number | null = null;
  let emit = false;
  let json = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (name === "--emit") {
      emit = true;
      continue;
    }
    if (arg === "--stats=json") {
      json = true;
      rest.push("--stats");
      continue;
    }
    if (!VALUED.has(name)) {
      rest.push(arg);
      continue;
    }
    const value = eq > 0 && arg.startsWith("--") ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    if (name === "--tier") {
      if (!(TIERS as readonly string[]).includes(value)) throw new UsageError(`--tier must be one of ${TIERS.join(", ")}, not '${value}'`);
      tier = value as TierChoice;
    } else if (name === "--threshold") threshold = value === "never" ? Infinity : wholeNumber(name, value, 0);
    else if (name === "--buffer") buffer = wholeNumber(name, value, 1);
    else input = value;
  }
  if (threshold !== null && tier !== "tiered" && tier !== "tiered-js") throw new UsageError(`--threshold is for the tiered tiers, not ${tier}`);
  if (emit && !["js", "js-opt", "tiered"].includes(tier)) {
    throw new UsageError(`--emit prints the JavaScript of the js and js-opt tiers, or the machine code of the loops the tiered JIT compiled; not for ${tier}`);
  }
  let shared: Invocation;
  try {
    shared = parseInterpreterArgs(rest);
  } catch (e) {
    // Chapter 6's parser knows the shared options; its usage line is chapter 6's, so use ours.
    if (e instanceof InterpreterUsageError) throw new UsageError(e.message.split("\n")[0]!);
    throw e;
  }
  if (shared.maxSteps !== undefined) refuseStepLimit(tier, shared.maxSteps);
  return { ...shared, tier, threshold, input, buffer, emit, json };
}

/** A tier whose code counts no steps refuses --max-steps the way its run would, but before any file is read. */
function refuseStepLimit(tier: TierChoice, maxSteps: number): void {
  if (tier === "tiered" || tier === "interpreter") nativeSettings({ maxSteps });
  else if (tier === "js-opt" || tier === "tiered-js") settingsWithoutStepLimit({ maxSteps }, tier);
}
// #endregion parse-args

function wholeNumber(name: string, value: string, min: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= min && n <= 2 ** 30)) throw new UsageError(`${name} must be a whole number from ${min} to 2^30, not '${value}'`);
  return n;
}
