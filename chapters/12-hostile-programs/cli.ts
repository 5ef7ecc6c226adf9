// The command line of main.ts: chapter 8's (a file or -e, --tape, --eof, --max-steps), plus the
// tier to run with and a wall-clock limit.
import { CliError, parseLirArgs, type LirInvocation } from "../08-lir/cli.ts";
import { GUARD_TIERS, isGuardTier, type GuardTier } from "./guard.ts";

export const USAGE =
  "usage: bun chapters/12-hostile-programs/main.ts [prog.b | -e CODE] [--tier interp|template|lir|opt|tiered] " +
  "[--max-steps N] [--timeout MS] [--tape N] [--eof unchanged|zero|max]";

export interface GuardInvocation extends LirInvocation {
  readonly tier: GuardTier;
  /** Milliseconds of wall-clock time the run may take; undefined for no limit. */
  readonly timeoutMs: number | undefined;
}

// #region parse-guard-args
export function parseGuardArgs(argv: readonly string[]): GuardInvocation {
  let tier: GuardTier = "opt";
  let timeoutMs: number | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    if (name !== "--tier" && name !== "--timeout") {
      rest.push(arg);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new CliError(`${name} needs a value`, USAGE);
    if (name === "--tier") {
      if (!isGuardTier(value)) throw new CliError(`--tier must be one of ${GUARD_TIERS.join(", ")}, not '${value}'`, USAGE);
      tier = value;
    } else {
      timeoutMs = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(timeoutMs >= 1 && timeoutMs <= 2 ** 31)) throw new CliError(`--timeout must be a whole number of milliseconds from 1 to ${2 ** 31}, not '${value}'`, USAGE);
    }
  }
  return { ...parseLirArgs(rest, USAGE, []), tier, timeoutMs };
}
// #endregion parse-guard-args
