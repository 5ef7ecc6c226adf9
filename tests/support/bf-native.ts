// Run many Brainfuck cases with a native tier, in ONE child process per batch: the parent stays
// safe from faults in generated code, and thousands of programs do not pay for thousands of
// process start-ups. A crash or a hang of the child fails the batch, naming the case it was on.
//
// A tier is one of the book's tiers (shared/tiers.ts) that is a NativeTier: those of the chapters
// this copy of the book holds, each chapter's registered from its own folder.
import { BrainfuckError } from "../../chapters/06-interpreter/errors.ts";
import type { EofBehavior, RunOptions, RunResult } from "../../chapters/06-interpreter/semantics.ts";
import type { SourcePos } from "../../chapters/06-interpreter/source.ts";
import { runBun, type ChildResult } from "../../shared/child.ts";
import { registeredTiers } from "../../shared/tiers.ts";

// #region registry
/** Native tiers by name: the module (from the repository root) and the export that is its NativeTier. */
export function nativeTiers(): Readonly<Record<string, { readonly module: string; readonly export: string }>> {
  return Object.fromEntries(registeredTiers().flatMap((t) => (t.native === null ? [] : [[t.name, t.native] as const])));
}

export type TierName = string;
// #endregion registry

/** One program to run: its source and options, and optionally a small output buffer. */
export interface NativeCase {
  readonly name: string;
  readonly source: string;
  readonly options?: RunOptions;
  readonly bufferSize?: number;
  /** File descriptors in the child to write the output to and read the input from, instead of memory files. */
  readonly outputFd?: number;
  readonly inputFd?: number;
}

/** What became of one case in the child. */
export interface NativeOutcome {
  readonly name: string;
  /** The run's result (a syntax error is a result with no output), or null when something threw. */
  readonly result: RunResult | null;
  /** What compile or run threw instead of returning a result. */
  readonly thrown: { readonly name: string; readonly message: string } | null;
  readonly codeSize: number;
  readonly compileMs: number;
  readonly runMs: number;
  readonly writes: number;
  readonly reads: number;
}

export class NativeBatchError extends Error {
  override name = "NativeBatchError";
}

// The wire format: bytes travel as base64, a tape as its non-zero middle only.
export interface WireCase {
  readonly name: string;
  readonly source: string;
  readonly input: string;
  readonly tapeSize?: number;
  readonly eof?: EofBehavior;
  readonly maxSteps?: number;
  readonly bufferSize?: number;
  readonly outputFd?: number;
  readonly inputFd?: number;
}

export interface WireOutcome {
  readonly name: string;
  readonly output: string;
  readonly tape: { readonly size: number; readonly from: number; readonly bytes: string } | null;
  readonly pointer: number;
  readonly error: { readonly name: string; readonly detail: string; readonly pos: SourcePos | null } | null;
  readonly thrown: { readonly name: string; readonly message: string } | null;
  readonly codeSize: number;
  readonly compileMs: number;
  readonly runMs: number;
  readonly writes: number;
  readonly reads: number;
}

export const RESULT_MARKER = "\u0000bf-native-result\u0000";
export const CASE_MARKER = "bf-native-case ";
export const CHILD = "tests/support/bf-native-child.ts";

export interface BatchOptions {
  /** Names the batch in failures. */
  readonly label: string;
  /** Kill the child after this long (default 60 s). */
  readonly timeoutMs?: number;
  /**
   * false: the child runs uninstrumented even under `npm run coverage` (istanbul makes the
   * compilers several times slower, and big programs add time, not coverage).
   */
  readonly coverage?: boolean;
}

// #region run-batch
/** Run every case with `tier` in one child; the outcomes come back in the same order. */
export async function runBatch(tier: TierName, cases: readonly NativeCase[], opts: BatchOptions): Promise<NativeOutcome[]> {
  const wire: WireCase[] = cases.map(toWire);
  const child = await runBun(CHILD, [tier], {
    stdin: JSON.stringify(wire),
    timeoutMs: opts.timeoutMs ?? 60_000,
    ...(opts.coverage === false ? { env: { NYC_BUN: "0" } } : {}),
  });
  const marker = child.stdout.indexOf(RESULT_MARKER);
  if (child.exitCode !== 0 || marker < 0) throw new NativeBatchError(describeFailure(tier, cases, opts.label, child));
  const outcomes = JSON.parse(child.stdout.slice(marker + RESULT_MARKER.length)) as WireOutcome[];
  return outcomes.map(fromWire);
}

/** The cases split into `batches` children that run side by side. */
export async function runBatches(
  tier: TierName,
  cases: readonly NativeCase[],
  opts: BatchOptions & { readonly batches: number },
): Promise<NativeOutcome[]> {
  const size = Math.ceil(cases.length / opts.batches);
  const parts = Array.from({ length: opts.batches }, (_, i) => cases.slice(i * size, (i + 1) * size)).filter((p) => p.length > 0);
  const results = await Promise.all(parts.map((p, i) => runBatch(tier, p, { ...opts, label: `${opts.label} [${i + 1}/${parts.length}]` })));
  return results.flat();
}
// #endregion run-batch

export function describeFailure(tier: string, cases: readonly NativeCase[], label: string, child: ChildResult): string {
  const at = child.stderr.lastIndexOf(CASE_MARKER);
  const index = at < 0 ? -1 : parseInt(child.stderr.slice(at + CASE_MARKER.length), 10);
  const current = cases[index];
  const where = current ? `while running case ${index + 1} of ${cases.length}, "${current.name}"` : `before its first case`;
  const how = child.signal ? `was killed by ${child.signal}` : child.timedOut ? "timed out" : `exited with ${child.exitCode}`;
  const errors = child.stderr
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("jit-trace ") && !l.startsWith(CASE_MARKER))
    .slice(-8)
    .join("\n");
  return (
    `the ${tier} batch "${label}" ${how} ${where}` +
    (child.diagnosis ? `: ${child.diagnosis}` : "") +
    (current ? `\nsource: ${current.source.length > 300 ? current.source.slice(0, 300) + "..." : current.source}` : "") +
    (errors ? `\nchild stderr:\n${errors}` : "")
  );
}

export function toWire(c: NativeCase): WireCase {
  const o = c.options ?? {};
  return {
    name: c.name,
    source: c.source,
    input: Buffer.from(o.input ?? new Uint8Array(0)).toString("base64"),
    ...(o.tapeSize === undefined ? {} : { tapeSize: o.tapeSize }),
    ...(o.eof === undefined ? {} : { eof: o.eof }),
    ...(o.maxSteps === undefined ? {} : { maxSteps: o.maxSteps }),
    ...(c.bufferSize === undefined ? {} : { bufferSize: c.bufferSize }),
    ...(c.outputFd === undefined ? {} : { outputFd: c.outputFd }),
    ...(c.inputFd === undefined ? {} : { inputFd: c.inputFd }),
  };
}

/** The RunIO of a wire case: its buffer size and file descriptors, those it gives. */
export function wireIO(c: WireCase): { bufferSize?: number; outputFd?: number; inputFd?: number } {
  return {
    ...(c.bufferSize === undefined ? {} : { bufferSize: c.bufferSize }),
    ...(c.outputFd === undefined ? {} : { outputFd: c.outputFd }),
    ...(c.inputFd === undefined ? {} : { inputFd: c.inputFd }),
  };
}

export function wireOptions(c: WireCase): RunOptions {
  return {
    input: new Uint8Array(Buffer.from(c.input, "base64")),
    ...(c.tapeSize === undefined ? {} : { tapeSize: c.tapeSize }),
    ...(c.eof === undefined ? {} : { eof: c.eof }),
    ...(c.maxSteps === undefined ? {} : { maxSteps: c.maxSteps }),
  };
}

/** A tape as its non-zero middle: random programs on a 30,000-cell tape touch a few cells. */
export function packTape(tape: Uint8Array): WireOutcome["tape"] {
  let from = 0;
  let to = tape.length;
  while (from < to && tape[from] === 0) from++;
  while (to > from && tape[to - 1] === 0) to--;
  return { size: tape.length, from, bytes: Buffer.from(tape.subarray(from, to)).toString("base64") };
}

function unpackTape(t: NonNullable<WireOutcome["tape"]>): Uint8Array {
  const tape = new Uint8Array(t.size);
  tape.set(Buffer.from(t.bytes, "base64"), t.from);
  return tape;
}

export function fromWire(w: WireOutcome): NativeOutcome {
  let result: RunResult | null = null;
  if (w.thrown === null) {
    let error: BrainfuckError | null = null;
    if (w.error !== null) {
      // The same name and message as the child's error: what describeDifference and checkCase compare.
      error = new BrainfuckError(w.error.pos, w.error.detail);
      error.name = w.error.name;
    }
    const output = new Uint8Array(Buffer.from(w.output, "base64"));
    result = { output, tape: w.tape ? unpackTape(w.tape) : new Uint8Array(0), pointer: w.pointer, error };
  }
  const { name, thrown, codeSize, compileMs, runMs, writes, reads } = w;
  return { name, result, thrown, codeSize, compileMs, runMs, writes, reads };
}
