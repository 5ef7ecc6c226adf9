// Many programs through one native tier in ONE child process: generated code that crashes takes the
// child down, not the fuzzer, and a batch of hundreds pays for one process start. A crash is pinned
// on the case the child was running.
import { BrainfuckError } from "../06-interpreter/errors.ts";
import type { EofBehavior, RunOptions, RunResult } from "../06-interpreter/semantics.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import { runBun } from "../../shared/child.ts";

export const CASE_MARKER = "fuzz-case ";
export const RESULTS_MARKER = "\u0000fuzz-results\u0000";

/** A native tier for the child to load: a module (from the repository root) and its export. */
export interface TierRef {
  readonly name: string;
  readonly module: string;
  readonly export: string;
}

export interface FuzzCase {
  readonly name: string;
  readonly source: string;
  /** With maxSteps, the run is compared with interpretLir (fuel counts loop tests). */
  readonly options: RunOptions;
}

export interface WireCase {
  readonly source: string;
  readonly input: string;
  readonly tapeSize?: number;
  readonly eof?: EofBehavior;
  readonly maxSteps?: number;
}

interface PackedResult {
  readonly output: string;
  /** The tape's non-zero middle, from cell `tapeFrom`: random programs touch a few cells of thousands. */
  readonly tape: string;
  readonly tapeFrom: number;
  readonly tapeSize: number;
  readonly pointer: number;
  readonly error: { readonly name: string; readonly detail: string; readonly pos: SourcePos | null } | null;
}

export interface Outcome {
  readonly result: PackedResult | null;
  readonly thrown: { readonly name: string; readonly message: string } | null;
}

/** What a case came to in the child: a result, or what was thrown instead; null for a crash. */
export interface Verdictable {
  readonly result: RunResult | null;
  readonly thrown: { readonly name: string; readonly message: string } | null;
}

export class CrashError extends Error {
  override name = "CrashError";
  constructor(
    readonly at: number,
    detail: string,
  ) {
    super(detail);
  }
}

/** A case as the child reads it: JSON, with the input in base64. */
export function toWire({ source, options: o }: Pick<FuzzCase, "source" | "options">): WireCase {
  return {
    source,
    input: Buffer.from(o.input ?? new Uint8Array(0)).toString("base64"),
    ...(o.tapeSize === undefined ? {} : { tapeSize: o.tapeSize }),
    ...(o.eof === undefined ? {} : { eof: o.eof }),
    ...(o.maxSteps === undefined ? {} : { maxSteps: o.maxSteps }),
  };
}

// #region run-cases
/** Run the cases with `tier` in one child. A crash throws a CrashError naming the case it was on. */
export async function runCases(tier: TierRef, cases: readonly FuzzCase[], timeoutMs = 120_000): Promise<Verdictable[]> {
  const wire: WireCase[] = cases.map(toWire);
  const child = await runBun("chapters/12-hostile-programs/batch-child.ts", [tier.module, tier.export], {
    stdin: JSON.stringify(wire),
    timeoutMs,
    env: { NYC_BUN: "0", JIT_TRACE: "0" },
  });
  const marker = child.stdout.indexOf(RESULTS_MARKER);
  if (child.exitCode !== 0 || marker < 0) {
    const at = child.stderr.lastIndexOf(CASE_MARKER);
    const index = at < 0 ? 0 : parseInt(child.stderr.slice(at + CASE_MARKER.length), 10);
    const how = child.signal ? `was killed by ${child.signal}` : child.timedOut ? "timed out" : `exited with ${child.exitCode}`;
    throw new CrashError(index, `the ${tier.name} child ${how} on case ${index + 1} of ${cases.length}${child.diagnosis ? `: ${child.diagnosis}` : ""}`);
  }
  const outcomes = JSON.parse(child.stdout.slice(marker + RESULTS_MARKER.length)) as Outcome[];
  return outcomes.map((o) => ({ result: o.result && unpackResult(o.result), thrown: o.thrown }));
}
// #endregion run-cases

export function optionsOf(c: WireCase): RunOptions {
  return {
    input: new Uint8Array(Buffer.from(c.input, "base64")),
    ...(c.tapeSize === undefined ? {} : { tapeSize: c.tapeSize }),
    ...(c.eof === undefined ? {} : { eof: c.eof }),
    ...(c.maxSteps === undefined ? {} : { maxSteps: c.maxSteps }),
  };
}

export function packResult(r: RunResult): PackedResult {
  let from = 0;
  let to = r.tape.length;
  while (from < to && r.tape[from] === 0) from++;
  while (to > from && r.tape[to - 1] === 0) to--;
  return {
    output: Buffer.from(r.output).toString("base64"),
    tape: Buffer.from(r.tape.subarray(from, to)).toString("base64"),
    tapeFrom: from,
    tapeSize: r.tape.length,
    pointer: r.pointer,
    error: r.error && { name: r.error.name, detail: r.error.detail, pos: r.error.pos },
  };
}

function unpackResult(p: PackedResult): RunResult {
  let error: BrainfuckError | null = null;
  if (p.error !== null) {
    error = new BrainfuckError(p.error.pos, p.error.detail);
    error.name = p.error.name; // the same name and message: what describeDifference compares
  }
  const tape = new Uint8Array(p.tapeSize);
  tape.set(Buffer.from(p.tape, "base64"), p.tapeFrom);
  return { output: new Uint8Array(Buffer.from(p.output, "base64")), tape, pointer: p.pointer, error };
}
