// The command line of main.ts: chapter 8's (a file or -e, --tape, --eof, --max-steps), plus the
// tier to run with and a wall-clock limit.
import { CliError, parseLirArgs, type LirInvocation } from "../08-lir/cli.ts";
import { GUARD_TIERS, isGuardTier, type GuardTier } from "./guard.ts";
import { MAX_TIMEOUT_MS } from "./limits.ts";
import { DEEP, DEMO_HUGE_BYTES } from "./programs.ts";

/** The tour's parts, in order. */
export const DEMOS = ["fuel", "timeout", "deep", "huge", "memory", "maps"] as const;
export type Demo = (typeof DEMOS)[number];

export const USAGE = `usage: bun chapters/12-hostile-programs/main.ts [prog.b | -e CODE] [--tier ${GUARD_TIERS.join("|")}] [--max-steps N] [--timeout MS] [--tape N] [--eof unchanged|zero|max]
       bun chapters/12-hostile-programs/main.ts [--demo ${DEMOS.join("|")}]

Run a program under limits with any tier, none of which refuses a program for its shape; or, without
a program, the tour: each tier handed a program that never ends, one nested ${DEEP.toLocaleString("en-US")} loops deep, one
of ${DEMO_HUGE_BYTES / 2 ** 20} MiB, and what memory and the mappings look like meanwhile.

  -e CODE           the program itself, instead of a file
  --tier T          ${GUARD_TIERS.join(", ")} (default opt)
  --max-steps N     stop after N steps (the interpreter's commands, the native tiers' loop tests)
  --timeout MS      stop after MS milliseconds of wall-clock time
  --tape N          a fixed tape of N cells (default: a tape that grows to the right)
  --eof MODE        what ',' leaves in the cell at the end of the input: unchanged, zero or max
  --demo NAME       one part of the tour: ${DEMOS.join(", ")}
  -h, --help        this text`;

export interface GuardInvocation extends LirInvocation {
  readonly tier: GuardTier;
  /** Milliseconds of wall-clock time the run may take; undefined for no limit. */
  readonly timeoutMs: number | undefined;
  /** The parts of the tour to show, when no program is given. */
  readonly demos: readonly Demo[];
}

// #region parse-guard-args
/** Chapter 8's options and this chapter's, every one checked before a file is read; null after --help. */
export function parseGuardArgs(argv: readonly string[]): GuardInvocation | null {
  const parsed = parseLirArgs(argv, USAGE, [], { tier: { type: "string" }, timeout: { type: "string" }, demo: { type: "string" } });
  if (parsed === null) return null;
  const { values, ...inv } = parsed;
  const tier = values.tier ?? "opt";
  if (!isGuardTier(tier)) throw new CliError(`--tier must be one of ${GUARD_TIERS.join(", ")}, not '${tier}'`, USAGE);
  let timeoutMs: number | undefined;
  if (values.timeout !== undefined) {
    timeoutMs = /^\d+$/.test(values.timeout) ? Number(values.timeout) : NaN;
    if (!(timeoutMs >= 1 && timeoutMs <= MAX_TIMEOUT_MS)) throw new CliError(`--timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, not '${values.timeout}'`, USAGE);
  }
  const demo = values.demo;
  if (demo !== undefined && !(DEMOS as readonly string[]).includes(demo)) throw new CliError(`--demo must be one of ${DEMOS.join(", ")}, not '${demo}'`, USAGE);
  if (demo !== undefined && inv.file !== null) throw new CliError(`--demo shows a part of the tour: give it without a program`, USAGE);
  return { ...inv, tier, timeoutMs, demos: demo === undefined ? DEMOS : [demo as Demo] };
}
// #endregion parse-guard-args
