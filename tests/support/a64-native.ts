// Cases through chapter 15's A64 tier in ONE child run by npm's arm64 Bun (under qemu-user on
// x86-64, where Bun alone takes most of a second to start): bf-native's wire format and child, with
// the arm64 Bun in place of the one running the tests. Where qemu or that Bun is absent, `a64Missing`
// says so and the suites skip.
import { arm64BunCommand } from "../../shared/arm64-bun.ts";
import { runChild } from "../../shared/child.ts";
import { CHILD, describeFailure, fromWire, NativeBatchError, RESULT_MARKER, toWire, type NativeCase, type NativeOutcome, type WireOutcome } from "./bf-native.ts";

export const A64_TIER = "chapters/15-second-backend/a64-jit.ts#a64Jit";

const probe = arm64BunCommand(["--version"]);
/** Why the arm64 runs skip, or null when they can run. */
export const a64Missing: string | null = typeof probe === "string" ? probe : null;

/** Run every case with the A64 tier (or `tier`, as module#export) in one arm64 child; outcomes in order. */
export async function runA64Batch(cases: readonly NativeCase[], label: string, timeoutMs = 100_000, tier = A64_TIER): Promise<{ outcomes: NativeOutcome[]; ms: number }> {
  const argv = arm64BunCommand([CHILD, tier]);
  if (typeof argv === "string") throw new NativeBatchError(`cannot run the arm64 batch "${label}": ${argv}`);
  const child = await runChild(argv, { stdin: JSON.stringify(cases.map(toWire)), timeoutMs });
  const marker = child.stdout.indexOf(RESULT_MARKER);
  if (child.exitCode !== 0 || marker < 0) throw new NativeBatchError(describeFailure("a64", cases, label, child));
  const outcomes = (JSON.parse(child.stdout.slice(marker + RESULT_MARKER.length)) as WireOutcome[]).map(fromWire);
  return { outcomes, ms: child.durationMs };
}
