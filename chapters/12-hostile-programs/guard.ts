// One function for running a program that nobody vouches for, with any tier: a step limit, a time
// limit, any size and any depth. What stopped it is in the result, as an error with a position.
import { interpret } from "../06-interpreter/interpreter.ts";
import type { Program } from "../06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../06-interpreter/semantics.ts";
import { fdSink } from "../06-interpreter/write-all.ts";
import type { LimitedIO } from "./limits.ts";
import { HOSTILE_TIERS, type HostileTierName } from "./tiers.ts";
import { interpretWithTimeout } from "./watchdog.ts";

export const GUARD_TIERS = ["interp", ...(Object.keys(HOSTILE_TIERS) as HostileTierName[])] as const;
export type GuardTier = (typeof GUARD_TIERS)[number];

export function isGuardTier(name: string): name is GuardTier {
  return (GUARD_TIERS as readonly string[]).includes(name);
}

/** What a guarded run gives back: the result, and the tier whose code actually ran. */
export interface Guarded {
  readonly result: RunResult;
  readonly ranAs: string;
  readonly ms: number;
}

// #region run-guarded
/**
 * Run `program` with `tier` under `opts.maxSteps` (RunOptions) and `timeoutMs` (if given). The output
 * is in the result; or, with `outputFd`, it streams to that file descriptor as it is made, in blocks,
 * and RunResult.output is empty: a program that prints forever holds no more than a block.
 */
export async function runGuarded(program: Program, tier: GuardTier, opts: RunOptions, timeoutMs?: number, outputFd?: number): Promise<Guarded> {
  const started = performance.now();
  const done = (result: RunResult, ranAs: string): Guarded => ({ result, ranAs, ms: performance.now() - started });
  if (tier === "interp") {
    const result =
      timeoutMs === undefined
        ? interpret(program, opts, outputFd === undefined ? undefined : fdSink(outputFd))
        : await interpretWithTimeout(program, opts, timeoutMs, outputFd);
    return done(result, "interp");
  }
  using compiled = HOSTILE_TIERS[tier].compile(program);
  const io: LimitedIO = { ...(timeoutMs === undefined ? {} : { timeoutMs }), ...(outputFd === undefined ? {} : { outputFd }) };
  return done(compiled.run(opts, io), compiled.tier);
}
// #endregion run-guarded
