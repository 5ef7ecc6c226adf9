// A run under limits, on chapter 7's runtime: the step limit (RunOptions.maxSteps) and the time limit
// (LimitedIO.timeoutMs) become the fuel fields of the context block, and the statuses fuel adds
// become errors with a position. This is a RunExtension: the runtime itself is chapter 7's, unchanged.
import { BrainfuckError, StepLimitError } from "../06-interpreter/errors.ts";
import { settingsOf, type RunOptions, type RunResult } from "../06-interpreter/semantics.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import { CTX } from "../07-template-jit/context.ts";
import { GeneratedCodeError } from "../07-template-jit/errors.ts";
import type { RunMemory } from "../07-template-jit/run-memory.ts";
import { STATUS_TABLE, type NativeProgram, type Returned, type RunExtension } from "../07-template-jit/runtime.ts";
import type { RunIO, RunStats } from "../07-template-jit/tier.ts";
import { monotonicNs } from "./clock.ts";
import { FUEL_CONTEXT_SIZE, FUEL_CTX, FUEL_STATUS, type FuelSite } from "./fuel.ts";

// #region limited-io
/** Chapter 7's RunIO, and a wall-clock limit. */
export interface LimitedIO extends RunIO {
  /** A wall-clock limit in milliseconds: past it the run stops with a TimeoutError. */
  readonly timeoutMs?: number;
}

/** Chapter 7's RunStats, and the loop tests a run under limits made. */
export interface LimitedStats extends RunStats {
  /** Loop tests the run made: counted only by code compiled with fuel. */
  readonly steps?: number;
}
// #endregion limited-io

// #region timeout-error
/**
 * The run passed its wall-clock limit. Like StepLimitError it is returned in the RunResult, with
 * the output made so far; unlike it, where it stops depends on the machine.
 */
export class TimeoutError extends BrainfuckError {
  override name = "TimeoutError";
  declare readonly pos: SourcePos;

  constructor(
    pos: SourcePos,
    readonly timeoutMs: number,
  ) {
    super(
      pos,
      `stopped here after ${timeoutMs} ms, the time limit: the program may loop forever. If it only ` +
        `needs longer, raise the limit (--timeout MS, or the timeoutMs option).`,
    );
  }
}
// #endregion timeout-error

// #region limits
/** A run's limits: loop tests (maxSteps) and wall-clock milliseconds; Infinity where there is none. */
export interface Limits {
  readonly maxSteps: number;
  readonly timeoutMs: number;
}

/**
 * The longest time limit: the interpreter's is a timer (setTimeout), whose delay is a signed 32-bit
 * number of milliseconds (about 24.8 days); a longer one would fire at once.
 */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * The limits a run asks for, or null when it asks for none (and the code without fuel runs): maxSteps
 * as chapter 6's settingsOf checks it, timeoutMs from `io` (Infinity when absent). A time limit that
 * is not above 0, or is above MAX_TIMEOUT_MS, is a RangeError: "the time limit must be a number of
 * milliseconds above 0 and at most 2147483647 (MAX_TIMEOUT_MS), or none, not <it>".
 */
export function limitsOf(opts: RunOptions, io: LimitedIO): Limits | null {
  const { maxSteps } = settingsOf(opts);
  const timeoutMs = io.timeoutMs ?? Infinity;
  if (!(timeoutMs > 0 && (timeoutMs <= MAX_TIMEOUT_MS || timeoutMs === Infinity))) {
    throw new RangeError(`the time limit must be a number of milliseconds above 0 and at most ${MAX_TIMEOUT_MS} (MAX_TIMEOUT_MS), or none, not ${timeoutMs}`);
  }
  return maxSteps === Infinity && timeoutMs === Infinity ? null : { maxSteps, timeoutMs };
}

/**
 * Fuel or nanoseconds that never run out in practice: 2^62 nanoseconds is over a century, and 2^62
 * loop tests, each a read-modify-write of memory, take years.
 */
const NEVER = 2n ** 62n;

/** Fill in the context block's fuel: none in the slice yet, all of it in reserve, and the deadline. */
export function startFuel(memory: RunMemory, { maxSteps, timeoutMs }: Limits): void {
  memory.set(FUEL_CTX.fuel, 0);
  memory.ctx.setBigInt64(FUEL_CTX.reserve, maxSteps === Infinity ? NEVER : BigInt(maxSteps), true);
  memory.ctx.setBigInt64(FUEL_CTX.deadline, timeoutMs === Infinity ? NEVER : monotonicNs() + BigInt(Math.ceil(timeoutMs * 1e6)), true);
}

/** Loop tests the run made: what was given, less what is left in reserve and in the slice. */
function stepsTaken(memory: RunMemory, { maxSteps }: Limits): number {
  const left = memory.ctx.getBigInt64(FUEL_CTX.reserve, true) + memory.ctx.getBigInt64(FUEL_CTX.fuel, true);
  return Number((maxSteps === Infinity ? NEVER : BigInt(maxSteps)) - left);
}
// #endregion limits

// #region extension
/**
 * Chapter 7's runtime, extended for one run of fueled code: the longer context block, filled in
 * with the limits; a step limit honoured, not refused; and a fuel site's status turned into the
 * error of the loop test it stands for, with the pointer on the cell that test read.
 */
export function fuelRun(limits: Limits, sites: (site: number) => FuelSite | undefined): RunExtension & { readonly steps: () => number } {
  let steps = 0;
  const stopped = (status: number) => (r: Returned) => {
    const n = r.memory.get(CTX.site);
    const site = sites(n);
    if (site === undefined) throw new GeneratedCodeError(`fueled code stopped at fuel site ${n}, which its code generator never made: the stubs and the site table disagree`);
    const error = status === FUEL_STATUS.TIMEOUT ? new TimeoutError(site.pos, limits.timeoutMs) : new StepLimitError(site.pos, limits.maxSteps);
    return { error, pointer: r.memory.get(CTX.pointer) + site.offset };
  };
  return {
    contextSize: FUEL_CONTEXT_SIZE,
    settings: settingsOf,
    statuses: { ...STATUS_TABLE, [FUEL_STATUS.OUT_OF_FUEL]: stopped(FUEL_STATUS.OUT_OF_FUEL), [FUEL_STATUS.TIMEOUT]: stopped(FUEL_STATUS.TIMEOUT) },
    start: (memory) => startFuel(memory, limits),
    finish: (memory) => void (steps = stepsTaken(memory, limits)),
    steps: () => steps,
  };
}

/** Run fueled code under `limits`: chapter 7's runWithStats, with the fuel extension. */
export function runLimited(
  program: NativeProgram,
  sites: (site: number) => FuelSite | undefined,
  limits: Limits,
  opts: RunOptions,
  io: LimitedIO,
): { result: RunResult; stats: LimitedStats } {
  const extension = fuelRun(limits, sites);
  const { result, stats } = program.runWithStats(opts, io, extension);
  return { result, stats: { ...stats, steps: extension.steps() } };
}
// #endregion extension
