// The harness every test and demo uses to run native code: in a child process, so that a fault in
// generated machine code kills the child, not the test run, and the parent can explain what happened.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseTrace, type TraceEvent } from "./trace.ts";

export interface ChildResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit code, or null when the child was killed by a signal. */
  readonly exitCode: number | null;
  /** "SIGSEGV", "SIGILL", ... or null when the child exited by itself. */
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The address Bun's crash handler reported for a fault, when there was one. */
  readonly faultAddress: number | null;
  /** Mapping changes and calls the child reported (JIT_TRACE=1). */
  readonly trace: readonly TraceEvent[];
  /** A sentence a reader can act on when the child crashed or hung; null when it exited normally. */
  readonly diagnosis: string | null;
}

export interface ChildOptions {
  readonly stdin?: string | Uint8Array;
  /** Kill the child after this many milliseconds (default 10 s). */
  readonly timeoutMs?: number;
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

// Not import.meta.dir: that is Bun's, and a chapter run under Node must still load this module.
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BUN = process.execPath;

function childEnv(extra?: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  // Crash reports are for bugs in Bun; a fault in our own machine code is not one.
  env.DO_NOT_TRACK = "1";
  env.JIT_TRACE = "1";
  env.JIT_CHILD = "1";
  return { ...env, ...extra };
}

function spawnOptions(opts: ChildOptions) {
  return {
    cwd: opts.cwd ?? ROOT,
    env: childEnv(opts.env),
    stdin: opts.stdin === undefined ? ("ignore" as const) : new Blob([opts.stdin as BlobPart]),
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    killSignal: "SIGKILL" as const,
  };
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Run argv in a child process and explain how it ended. */
export async function runChild(argv: readonly string[], opts: ChildOptions = {}): Promise<ChildResult> {
  const started = performance.now();
  const options = spawnOptions(opts);
  const proc = Bun.spawn(withCoverage(argv, options.env), options);
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  await proc.exited;
  return finish({ stdout, stderr, exitCode: proc.exitCode, signalCode: proc.signalCode, started }, opts);
}

/** The synchronous form, for build scripts. */
export function runChildSync(argv: readonly string[], opts: ChildOptions = {}): ChildResult {
  const started = performance.now();
  const options = spawnOptions(opts);
  const r = Bun.spawnSync(withCoverage(argv, options.env), options);
  const [stdout, stderr] = [r.stdout.toString(), r.stderr.toString()];
  return finish({ stdout, stderr, exitCode: r.exitCode, signalCode: r.signalCode, started }, opts);
}

/** Run a TypeScript file with the same Bun that runs us. */
export function runBun(script: string, args: readonly string[] = [], opts: ChildOptions = {}): Promise<ChildResult> {
  return runChild([BUN, resolve(ROOT, script), ...args], opts);
}

/**
 * Call `exportName(...args)` from `modulePath` in a child process and return what it returned.
 * The child prints the result as JSON; bigints travel as {"$bigint": "..."}.
 */
export async function runNative<T = unknown>(
  modulePath: string,
  exportName: string,
  args: readonly unknown[] = [],
  opts: ChildOptions = {},
): Promise<NativeResult<T>> {
  const r = await runBun("shared/native-child.ts", [resolve(ROOT, modulePath), exportName, toJSON(args)], opts);
  const marker = r.stdout.lastIndexOf(RESULT_MARKER);
  const output = marker >= 0 ? r.stdout.slice(0, marker) : r.stdout;
  if (marker < 0) return { ...r, ok: false, value: undefined, error: null, output };
  const payload = fromJSON(r.stdout.slice(marker + RESULT_MARKER.length).trim());
  if (r.exitCode !== 0 && payload !== null && typeof payload === "object" && "$error" in payload) {
    const e = payload as { $error: string; message: string };
    return { ...r, ok: false, value: undefined, error: { name: e.$error, message: e.message }, output };
  }
  return { ...r, ok: r.exitCode === 0, value: payload as T, error: null, output };
}

export type NativeResult<T> = ChildResult & {
  /** True when the call returned normally; `value` is what it returned. */
  readonly ok: boolean;
  readonly value: T | undefined;
  /** The error the call threw (name and message), when it threw one. */
  readonly error: { readonly name: string; readonly message: string } | null;
  /** What the call printed on stdout before its result. */
  readonly output: string;
};

export const RESULT_MARKER = "\u0000native-result\u0000";

export function toJSON(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? { $bigint: v.toString() } : v));
}

export function fromJSON(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) =>
    v !== null && typeof v === "object" && "$bigint" in v ? BigInt((v as { $bigint: string }).$bigint) : v,
  );
}

/**
 * Under `npm run coverage`, Bun children load the same istanbul preload as the test run, unless the
 * caller set NYC_BUN=0 for them. `bun test` children are left alone: their bunfig preloads it, and
 * `bun --preload X test` would mean the package script "test", not the test runner.
 */
function withCoverage(argv: readonly string[], env: Record<string, string>): string[] {
  if (env.NYC_BUN !== "1" || argv[0] !== BUN || argv[1] === "test") return [...argv];
  return [BUN, "--preload", resolve(ROOT, "shared/coverage/preload.ts"), ...argv.slice(1)];
}

interface RawResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signalCode: string | number | null | undefined;
  started: number;
}

function finish(raw: RawResult, opts: ChildOptions): ChildResult {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const durationMs = performance.now() - raw.started;
  const signal = signalName(raw.signalCode);
  // Bun kills a child that outlives its timeout with SIGKILL; a SIGKILL before then came from elsewhere.
  const timedOut = signal === "SIGKILL" && durationMs >= timeoutMs * 0.95;
  const trace = parseTrace(raw.stderr);
  // Bun's crash handler: "Segmentation fault at address 0x…", "Illegal instruction at address 0x…".
  const m = /(?:Segmentation fault|Illegal instruction|Bus error) at address 0x([0-9A-Fa-f]+)/.exec(raw.stderr);
  const faultAddress = m ? parseInt(m[1]!, 16) : null;
  const base = { stdout: raw.stdout, stderr: raw.stderr, exitCode: raw.exitCode, signal, timedOut, durationMs, faultAddress, trace };
  return { ...base, diagnosis: diagnose(base, timeoutMs) };
}

interface Region {
  addr: number;
  size: number;
  prot: string;
  /** Which event gave the page its protection: the mmap itself, or a later mprotect. */
  setBy: "map" | "protect";
  unmapped: boolean;
}

/** Replay the trace to learn what state the page holding `address` was in when the child died. */
export function regionAt(trace: readonly TraceEvent[], address: number): Region | null {
  let found: Region | null = null;
  for (const e of trace) {
    if (e.ev === "call") continue;
    if (address < e.addr || address >= e.addr + e.size) continue;
    if (e.ev === "unmap") {
      if (found) found.unmapped = true;
      continue;
    }
    // A protect covers whole pages, so its range is the better description of the page than a map's.
    found = { addr: e.addr, size: e.size, prot: e.prot, setBy: e.ev, unmapped: false };
  }
  return found;
}

const hex = (n: number) => "0x" + n.toString(16);

export function diagnose(
  r: Pick<ChildResult, "signal" | "timedOut" | "faultAddress" | "trace" | "exitCode">,
  timeoutMs: number,
): string | null {
  if (r.timedOut) {
    return (
      `the code never returned: it was still running after ${timeoutMs} ms and was killed. ` +
      `Check your jump targets (a jump to itself, EB FE, loops forever) and your loop conditions.`
    );
  }
  switch (r.signal) {
    case null:
      return null;
    case "SIGSEGV":
      return diagnoseSegv(r.trace, r.faultAddress);
    case "SIGILL":
      return (
        `invalid instruction (SIGILL${r.faultAddress === null ? "" : ` at ${hex(r.faultAddress)}`}): the CPU met bytes that do not decode to an instruction it supports. ` +
        `Check the encoding at the start of your code (ud2, 0F 0B, raises this on purpose), ` +
        `and that execution did not jump into the middle of an instruction.`
      );
    case "SIGTRAP":
      return (
        `breakpoint (SIGTRAP): the code executed an int3 (0xCC). Code buffers are filled with 0xCC, so this ` +
        `usually means execution ran past the end of your code: is there a ret on every path?`
      );
    case "SIGBUS":
      return `bus error (SIGBUS): an access to a mapping that has no memory behind it (a truncated memfd?).`;
    case "SIGFPE":
      return `arithmetic fault (SIGFPE): a div or idiv by zero, or a quotient that does not fit.`;
    case "SIGKILL":
      return `the child was killed (SIGKILL), probably for using too much memory.`;
    case "SIGABRT":
      return `the child aborted (SIGABRT): libc found corrupted state, often the heap after a stray write or a bad free().`;
    default:
      return `the child was killed by ${r.signal}.`;
  }
}

function diagnoseSegv(trace: readonly TraceEvent[], fault: number | null): string {
  const lead = `segmentation fault (SIGSEGV)${fault === null ? "" : ` at ${hex(fault)}`}: `;
  if (fault === null) return lead + "the code touched memory it may not. Run with JIT_TRACE=1 to see the pages involved.";
  if (fault < 0x10000) {
    return (
      lead +
      `that address is near 0: a null pointer, or a small number used as an address (a register held a value, ` +
      `not a pointer). At exactly 0 it may also be a misaligned movaps inside libc: rsp must be a multiple of 16 at every call. ` +
      `If your code had just computed ${fault} (${hex(fault)}), it probably ran past its end without a ret: the zero bytes after it ` +
      `decode as add [rax], al, a write to the address in rax (chapter 2, Pitfalls).`
    );
  }
  const region = regionAt(trace, fault);
  const calls = trace.filter((e) => e.ev === "call");
  const lastCall = calls.length > 0 ? calls[calls.length - 1]! : null;
  if (!region) {
    if (lastCall && lastCall.addr === fault) {
      return lead + `the call target is not code this process mapped: is the function pointer right?`;
    }
    return (
      lead +
      `the address is outside every page the JIT mapped: a wild pointer, a wrong displacement, ` +
      `or a pointer moved off the end of its buffer.`
    );
  }
  const where = `the page at ${hex(region.addr)} (${region.size} bytes)`;
  if (region.unmapped) return lead + `${where} had already been unmapped: use after free.`;
  if (!region.prot.includes("x") && lastCall && lastCall.addr >= region.addr && lastCall.addr < region.addr + region.size) {
    return (
      lead +
      `the CPU tried to execute ${where}, which is ${region.prot}, not executable: ` +
      `did you mprotect it to RX (PROT_READ | PROT_EXEC) before calling it?`
    );
  }
  if (region.prot === "---") {
    return (
      lead +
      `${where} is an inaccessible guard page (---): an index ran past the end of the buffer it guards ` +
      `(a missing or wrong bounds check).`
    );
  }
  if (!region.prot.includes("w") && region.setBy === "map") {
    return (
      lead +
      `a write to ${where}, which was mapped ${region.prot}, without PROT_WRITE: map it with the ` +
      `protection the code needs while you write into it (is a flag missing from the mmap call?).`
    );
  }
  if (!region.prot.includes("w")) {
    return (
      lead +
      `a write to ${where}, which is ${region.prot}: it was sealed read-only. Write the code before sealing it, ` +
      `or make it RW again first (W^X: never both at once).`
    );
  }
  return lead + `${where} is ${region.prot}, so the access itself was allowed: look for an address computed past its end.`;
}

function signalName(code: string | number | null | undefined): string | null {
  if (code === null || code === undefined) return null;
  return typeof code === "number" ? `signal ${code}` : code;
}
