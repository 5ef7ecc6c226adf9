// The command line of main.ts: chapter 6's options (--tape, --eof, --max-steps, --stats), plus the
// tier to run, its threshold, where input comes from, the output buffer's size, and --emit to print
// the code a tier makes.
import { optionalValue, parseCommand } from "../../shared/cli.ts";
import { RUN_OPTIONS, UsageError as InterpreterUsageError, invocation, type Invocation } from "../06-interpreter/cli.ts";
import { nativeSettings } from "../07-template-jit/runtime.ts";
import { settingsWithoutStepLimit } from "./js-tiers.ts";

export const TIERS = ["tiered", "interpreter", "opt", "js", "js-opt", "tiered-js"] as const;
export type TierChoice = (typeof TIERS)[number];

export const USAGE = `usage: bun chapters/11-tiering/main.ts (prog.b | -e CODE) [--tier ${TIERS.join("|")}] [--threshold N] [--stats[=json]] [--tape N] [--eof unchanged|zero|max] [--max-steps N] [--input FILE] [--buffer BYTES] [--emit]

Run a Brainfuck program with the tiered JIT, or another tier of this chapter for comparison. Standard
input is its input (or --input FILE), standard output its output. Without a program, a tour.

  -e CODE           the program itself, instead of a file
  --tier T          tiered (default): the interpreter, hot loops compiled; interpreter: the same,
                    never compiling; opt: chapter 9's JIT; js, js-opt: the program (optimized) as
                    JavaScript; tiered-js: hot loops compiled to JavaScript
  --threshold N     iterations before a loop is compiled (tiered, tiered-js; never: no loop is)
  --stats[=json]    the compiled loops and where the time went, on stderr (=json: one line of JSON)
  --tape N          a fixed tape of N cells (default: a tape that grows to the right)
  --eof MODE        what ',' leaves in the cell at the end of the input: unchanged, zero or max
  --max-steps N     stop after N steps with an error (js; the others refuse it)
  --input FILE      read the program's input from FILE instead of standard input
  --buffer BYTES    the output buffer's size (1: every byte written as soon as it is made)
  --emit            js, js-opt: print the JavaScript; tiered: the compiled loops' code, after the run
  -h, --help        this text`;

/** A command line that does not make sense: the problem, then this chapter's usage line. */
export class UsageError extends InterpreterUsageError {
  constructor(problem: string) {
    super(problem, USAGE);
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
  /** A program given on the command line with -e, as chapter 8's main.ts takes it; null for a file. */
  readonly code: string | null;
}

// #region parse-args
/** Chapter 6's options and this chapter's, every one checked before a file is read; null after --help. */
export function parseArgs(argv: readonly string[]): TieringInvocation | null {
  const stats = optionalValue(argv, "stats", "json");
  const options = {
    ...RUN_OPTIONS,
    tier: { type: "string" },
    threshold: { type: "string" },
    input: { type: "string" },
    buffer: { type: "string" },
    emit: { type: "boolean" },
    code: { type: "string", short: "e" },
  } as const;
  const parsed = parseCommand(stats.argv, USAGE, { allowPositionals: true, options }, console.log, (problem) => new UsageError(problem));
  if (parsed === null) return null;
  const { values, positionals } = parsed;
  const tierValue = values.tier ?? "tiered";
  if (!(TIERS as readonly string[]).includes(tierValue)) throw new UsageError(`--tier must be one of ${TIERS.join(", ")}, not '${tierValue}'`);
  const tier = tierValue as TierChoice;
  const threshold = values.threshold === undefined ? null : values.threshold === "never" ? Infinity : wholeNumber("--threshold", values.threshold, 0);
  const buffer = values.buffer === undefined ? null : wholeNumber("--buffer", values.buffer, 1);
  const emit = values.emit === true;
  if (threshold !== null && tier !== "tiered" && tier !== "tiered-js") throw new UsageError(`--threshold is for the tiered tiers, not ${tier}`);
  if (emit && !["js", "js-opt", "tiered"].includes(tier)) {
    throw new UsageError(`--emit prints the JavaScript of the js and js-opt tiers, or the machine code of the loops the tiered JIT compiled; not for ${tier}`);
  }
  const shared = invocation(values, positionals, USAGE, (problem) => new UsageError(problem));
  if (values.code !== undefined && shared.file !== null) throw new UsageError("give a file or -e, not both");
  if (shared.maxSteps !== undefined) refuseStepLimit(tier, shared.maxSteps);
  return { ...shared, tier, threshold, input: values.input ?? null, buffer, emit, json: stats.given, code: values.code ?? null };
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
