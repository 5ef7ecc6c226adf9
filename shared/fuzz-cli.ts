// npm run fuzz -- --cli: the differential fuzzer, from outside. Random programs (shared/bf-random.ts)
// go through the command-line mains as a reader runs them: a file, standard input, --tape and --eof.
// Each main (each tier of the registry through the main and --tier it names, and the mains of
// chapters 7, 8, 11 and 12 with their own tiers) must give chapter 6's interpreter main's stdout
// (bytes), stderr (the file name normalized) and exit status. A reader that closes the pipe early
// (`| head -c N`) must stop every main promptly with its error: not hang, not crash.
// A main takes one program a run, so a program costs a process per main; the mains run a few at once.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import type { EofBehavior } from "../chapters/06-interpreter/semantics.ts";
import { randomCase, Rng } from "./bf-random.ts";
import { BUN, ROOT } from "./child.ts";
import { commandTiers } from "./tiers.ts";

/** A way to run a program from the command line: a main.ts and the flags that pick its tier. */
export interface CliTarget {
  /** "ch9:opt": the chapter of the main, and its --tier (or flag) when it has one. */
  readonly name: string;
  readonly main: string;
  readonly args: readonly string[];
}

export const REFERENCE: CliTarget = { name: "ch6", main: "chapters/06-interpreter/main.ts", args: [] };

function chapterOf(main: string): string {
  return `ch${Number(/chapters\/(\d+)-/.exec(main)?.[1] ?? "0")}`;
}

/** The tiers a chapter's main runs that the registry names elsewhere (or not at all): the mains themselves are tested too. */
const OWN_TIERS: readonly { readonly main: string; readonly args: readonly (readonly string[])[] }[] = [
  { main: "chapters/07-template-jit/main.ts", args: [[]] },
  { main: "chapters/08-lir/main.ts", args: [[], ["--jit"]] },
  { main: "chapters/11-tiering/main.ts", args: [["--tier", "interpreter"], ["--tier", "opt"], ["--tier", "js"], ["--tier", "tiered-js"]] },
  { main: "chapters/12-hostile-programs/main.ts", args: ["interp", "template", "lir", "opt", "tiered"].map((t) => ["--tier", t]) },
];

/** Every command line to fuzz: each registered tier through the main and --tier it names, then each main's own tiers. */
export function cliTargets(): CliTarget[] {
  const out: CliTarget[] = [];
  const add = (main: string, args: readonly string[]) => {
    const name = chapterOf(main) + (args.length === 0 ? "" : `:${args[args.length - 1]!.replace(/^--/, "")}`);
    if (!out.some((t) => t.name === name)) out.push({ name, main, args });
  };
  for (const t of commandTiers()) add(t.command!.main, t.command!.tier === null ? [] : ["--tier", t.command!.tier]);
  for (const m of OWN_TIERS) for (const args of m.args) add(m.main, args);
  return out.sort((a, b) => a.main.localeCompare(b.main) || a.name.localeCompare(b.name));
}

/** How a main ended. */
export interface CliOutcome {
  readonly stdout: Uint8Array;
  /** With the program's file name replaced by "prog.b". */
  readonly stderr: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly ms: number;
}

export interface CliCase {
  readonly seed: number;
  readonly source: string;
  readonly input: Uint8Array;
  readonly tapeSize: number;
  readonly eof: EofBehavior;
}

function flagsOf(c: CliCase): string[] {
  return ["--tape", String(c.tapeSize), "--eof", c.eof];
}

function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  // A reader's environment: no tracing on stderr, as a test harness's child would have.
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("JIT_")) env[k] = v;
  env.DO_NOT_TRACK = "1";
  return env;
}

function normalize(stderr: string, file: string): string {
  return stderr.split(file).join("prog.b");
}

/** Run `target` on the program in `file`, the case's input on standard input. */
export async function runTarget(target: CliTarget, file: string, c: CliCase, timeoutMs: number): Promise<CliOutcome> {
  const started = performance.now();
  const proc = Bun.spawn([BUN, target.main, file, ...target.args, ...flagsOf(c)], {
    cwd: ROOT,
    env: childEnv(),
    stdin: new Blob([c.input as BlobPart]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).arrayBuffer(), new Response(proc.stderr).text()]);
  await proc.exited;
  const ms = performance.now() - started;
  return { stdout: new Uint8Array(stdout), stderr: normalize(stderr, file), exitCode: proc.exitCode, signal: proc.signalCode === null ? null : String(proc.signalCode), timedOut: proc.signalCode === "SIGKILL" && ms >= timeoutMs, ms };
}

/**
 * Run `target` with its stdout read by `head -c N`, which closes the pipe after N bytes, the way
 * `bf prog.b | head` does. `timeout` kills a main that keeps running (exit 124 from timeout).
 */
export async function runClosedPipe(target: CliTarget, file: string, c: CliCase, bytes: number, timeoutMs: number): Promise<CliOutcome> {
  const started = performance.now();
  const script = `timeout -s KILL ${(timeoutMs / 1000).toFixed(1)} "$@" | head -c ${bytes}; s=("\${PIPESTATUS[@]}"); exit "\${s[0]}"`;
  const proc = Bun.spawn(["bash", "-c", script, "bash", BUN, target.main, file, ...target.args, ...flagsOf(c)], {
    cwd: ROOT,
    env: childEnv(),
    stdin: new Blob([c.input as BlobPart]),
    stdout: "pipe",
    stderr: "pipe",
    timeout: timeoutMs + 5000,
    killSignal: "SIGKILL",
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).arrayBuffer(), new Response(proc.stderr).text()]);
  await proc.exited;
  const code = proc.exitCode;
  // timeout -s KILL exits 137 when it killed the main; a main killed by a signal itself shows 128+n too.
  const timedOut = code === 137 && performance.now() - started >= timeoutMs;
  const signal = code !== null && code > 128 && !timedOut ? `signal ${code - 128}` : proc.signalCode === null ? null : String(proc.signalCode);
  return { stdout: new Uint8Array(stdout), stderr: normalize(stderr, file), exitCode: code, signal, timedOut, ms: performance.now() - started };
}

function show(bytes: Uint8Array, max = 60): string {
  const s = JSON.stringify(new TextDecoder().decode(bytes.subarray(0, max)));
  return bytes.length > max ? `${s}... (${bytes.length} bytes)` : s;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Why `got` is not `want` (null: the same stdout, stderr and exit status). */
export function compareOutcomes(want: CliOutcome, got: CliOutcome): string | null {
  if (got.timedOut) return `did not finish in ${(got.ms / 1000).toFixed(1)} s`;
  if (got.signal !== null) return `killed by ${got.signal}; stderr ${JSON.stringify(got.stderr.slice(0, 300))}`;
  const why: string[] = [];
  if (got.exitCode !== want.exitCode) why.push(`exit status ${got.exitCode}, not ${want.exitCode}`);
  if (!sameBytes(got.stdout, want.stdout)) why.push(`stdout ${show(got.stdout)}, not ${show(want.stdout)}`);
  if (got.stderr !== want.stderr) why.push(`stderr ${JSON.stringify(got.stderr.slice(0, 400))}, not ${JSON.stringify(want.stderr.slice(0, 400))}`);
  return why.length === 0 ? null : why.join("; ");
}

/**
 * Why a main that met a closed pipe did not stop as it should (null: it did): it must end by itself,
 * not by a signal, with exit status 1 and one line on stderr (its error, no stack trace), having
 * written the first bytes of the program's output.
 */
export function judgeClosedPipe(got: CliOutcome, prefix: Uint8Array): string | null {
  if (got.timedOut) return `kept running after the reader closed the pipe (killed after ${(got.ms / 1000).toFixed(1)} s)`;
  if (got.signal !== null) return `killed by ${got.signal} after the reader closed the pipe; stderr ${JSON.stringify(got.stderr.slice(0, 300))}`;
  const why: string[] = [];
  if (got.exitCode !== 1) why.push(`exit status ${got.exitCode}, not 1`);
  const lines = got.stderr.split("\n").filter((l) => l !== "");
  if (lines.length !== 1 || /^\s+at /m.test(got.stderr)) why.push(`stderr is not one error line: ${JSON.stringify(got.stderr.slice(0, 400))}`);
  if (!sameBytes(got.stdout, prefix)) why.push(`the reader got ${show(got.stdout)}, not ${show(prefix)}`);
  return why.length === 0 ? null : why.join("; ");
}

/** The program of a seed: a random program, sometimes with a bracket too many or too few, an edge tape or a long input. */
export function cliCaseOf(seed: number): CliCase {
  const r = randomCase(seed);
  const rng = new Rng(seed ^ 0x5eed);
  let source = r.source;
  if (rng.chance(0.1)) {
    // A syntax error somewhere: its line:col must be the reference's.
    const brackets = [...source].flatMap((ch, i) => (ch === "[" || ch === "]" ? [i] : []));
    if (brackets.length > 0 && rng.chance(0.5)) {
      const at = rng.pick(brackets);
      source = source.slice(0, at) + source.slice(at + 1);
    } else {
      const at = rng.int(0, source.length);
      source = source.slice(0, at) + rng.pick(["[", "]"]) + source.slice(at);
    }
  }
  // Tapes and inputs at the edges the generator does not reach: a cell or two, past 64 KiB, a long input.
  const tapeSize = rng.chance(0.1) ? rng.pick([1, 2, 3, 4096, 65537]) : (r.options.tapeSize ?? 30000);
  const input = rng.chance(0.05) ? new Uint8Array(5000).map((_, i) => (i * 7 + seed) & 0xff) : (r.options.input ?? new Uint8Array());
  return { seed, source, input, tapeSize, eof: r.options.eof ?? "unchanged" };
}

/** The same program, then endless output: what a reader that closes the pipe early meets. */
export function endlessOf(c: CliCase): CliCase {
  return { ...c, source: `${c.source}\n[-]+[.]` };
}

/** The first `n` bytes chapter 6's interpreter writes for an endless program (run with a step limit). */
export function outputPrefix(c: CliCase, n: number): Uint8Array {
  let program;
  try {
    program = parse(c.source);
  } catch {
    return new Uint8Array(); // a syntax error: no output, only the error
  }
  const r = interpret(program, { input: c.input, tapeSize: c.tapeSize, eof: c.eof, maxSteps: 200_000 + n * 4 });
  return r.output.subarray(0, n);
}

export interface CliFuzzOptions {
  readonly seconds: number;
  readonly seed: number;
  readonly targets: readonly CliTarget[];
  /** Mains run at once. */
  readonly jobs: number;
  /** Milliseconds a main may take on one program before it counts as hung. */
  readonly timeoutMs: number;
}

export interface CliDifference {
  readonly target: string;
  readonly check: "output" | "closed pipe";
  readonly case: CliCase;
  readonly why: string;
  /** For the closed-pipe check: the bytes the reader read. */
  readonly bytes?: number;
}

export interface CliFuzzReport {
  readonly seconds: number;
  readonly programs: number;
  /** Runs by target: the output check, and the closed-pipe check. */
  readonly runs: Readonly<Record<string, { output: number; pipe: number }>>;
  readonly differences: readonly CliDifference[];
}

/** Run `tasks` with at most `jobs` at once, in order of completion. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return out;
}

const PIPE_BYTES = [0, 1, 10, 100, 5000, 100_000];
/** Mains given the closed pipe on each program, in turn. */
const PIPES_PER_PROGRAM = 2;

export async function fuzzCli(o: CliFuzzOptions, log: (line: string) => void = () => {}): Promise<CliFuzzReport> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "fuzz-cli-"));
  const runs: Record<string, { output: number; pipe: number }> = Object.fromEntries(o.targets.map((t) => [t.name, { output: 0, pipe: 0 }]));
  const differences: CliDifference[] = [];
  let programs = 0;
  try {
    for (let seed = o.seed; programs === 0 || (performance.now() - started) / 1000 < o.seconds; seed++) {
      const c = cliCaseOf(seed);
      const file = join(dir, `${seed}.b`);
      writeFileSync(file, c.source);
      // The closed pipe: two mains a program, in turn, on the program followed by endless output.
      const endless = endlessOf(c);
      const endlessFile = join(dir, `${seed}-endless.b`);
      writeFileSync(endlessFile, endless.source);
      const k = (seed - o.seed) * PIPES_PER_PROGRAM;
      const pipeTargets = [...new Set(Array.from({ length: Math.min(PIPES_PER_PROGRAM, o.targets.length) }, (_, i) => o.targets[(k + i) % o.targets.length]!))];
      const rng = new Rng(seed ^ 0xc105e);
      const bytes = rng.pick(PIPE_BYTES);
      const tasks: (() => Promise<CliOutcome>)[] = [REFERENCE, ...o.targets].map((t) => () => runTarget(t, file, c, o.timeoutMs));
      for (const t of pipeTargets) tasks.push(() => runClosedPipe(t, endlessFile, endless, bytes, o.timeoutMs));
      const outcomes = await pool(tasks, o.jobs);
      const want = outcomes[0]!;
      if (want.timedOut || want.signal !== null) throw new Error(`the reference (chapter 6's main) did not finish on seed ${seed}: ${want.stderr}`);
      programs++;
      for (const [i, t] of o.targets.entries()) {
        runs[t.name]!.output++;
        const why = compareOutcomes(want, outcomes[i + 1]!);
        if (why === null) continue;
        log(`  ${t.name} differs on seed ${seed}: ${why.slice(0, 200)}`);
        differences.push({ target: t.name, check: "output", case: c, why });
      }
      const prefix = pipeTargets.length === 0 ? new Uint8Array() : outputPrefix(endless, bytes);
      for (const [j, pipeTarget] of pipeTargets.entries()) {
        runs[pipeTarget.name]!.pipe++;
        const why = judgeClosedPipe(outcomes[o.targets.length + 1 + j]!, prefix);
        if (why !== null) {
          log(`  ${pipeTarget.name} with a closed pipe on seed ${seed}: ${why.slice(0, 200)}`);
          differences.push({ target: pipeTarget.name, check: "closed pipe", case: endless, why, bytes });
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { seconds: (performance.now() - started) / 1000, programs, runs, differences };
}

function reproduce(d: CliDifference, targets: readonly CliTarget[]): string {
  const t = targets.find((x) => x.name === d.target) ?? REFERENCE;
  const c = d.case;
  const input = [...c.input].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("");
  const cmd = [`bun ${t.main} prog.b`, ...t.args, ...flagsOf(c)].join(" ");
  return `printf '${input}' | ${cmd}${d.bytes === undefined ? "" : ` | head -c ${d.bytes}`}   (prog.b: ${JSON.stringify(c.source)})`;
}

export function formatCliReport(r: CliFuzzReport, o: Pick<CliFuzzOptions, "seed" | "targets" | "jobs">): string {
  const total = Object.values(r.runs).reduce((a, b) => a + b.output + b.pipe, 0);
  const lines = [`seed ${o.seed}, ${r.seconds.toFixed(1)} s, ${r.programs} programs, each through ${o.targets.length} mains and chapter 6's (${o.jobs} at once):`];
  for (const t of o.targets) {
    const n = r.runs[t.name]!;
    const bad = r.differences.filter((d) => d.target === t.name).length;
    lines.push(`  ${t.name.padEnd(20)} ${String(n.output).padStart(5)} runs, ${String(n.pipe).padStart(4)} with a closed pipe, ${bad === 0 ? "no differences" : `${bad} DIFFERENT`}`);
  }
  lines.push(`${total + r.programs} processes in all; ${r.differences.length === 0 ? "no differences" : `${r.differences.length} difference(s):`}`);
  for (const d of r.differences) lines.push(``, `${d.target}, ${d.check}, seed ${d.case.seed}: ${d.why}`, `  reproduce: ${reproduce(d, o.targets)}`);
  return lines.join("\n");
}
