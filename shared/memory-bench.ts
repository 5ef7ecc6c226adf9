// npm run bench -- memory: the peak memory (resident set) each tier needs for a big program, per byte
// of source. Each tier runs in a child process of its own main, so that one tier's garbage is not
// another's; the child's peak RSS comes from the kernel (rusage), and a child that grows past --cap or
// runs past --timeout is killed and shown as such. The base row is the same main on a one-command
// program: what Bun and the tier's modules cost before the program's size counts. Beside the peak:
// the child's time, and the part of it the kernel's clock charges to the kernel (sys s).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { BUN, ROOT } from "./child.ts";
import { parseCommand, UsageError } from "./cli.ts";
import { runMain } from "./main.ts";
import { Rng } from "./bf-random.ts";
import { commandTiers, type TierEntry } from "./tiers.ts";

const USAGE = `npm run bench -- memory [--sizes MB,...] [--tiers a,b,...] [--kinds straight,loops,one-loop] [--cap MB] [--timeout S]

Peak resident memory of each tier on generated programs, one child process per tier and program:
megabytes, and bytes per source byte above the tier's base (the same main on a one-command program);
then each child's time, and the kernel's part of its CPU time (sys s).

  --sizes MB,...     program sizes in megabytes of source (default 1; 0.05 is 50 kB)
  --tiers a,b,...    the tiers to measure (default: every tier a main runs)
  --kinds k,...      straight: no loops; loops: random shallow loops that halt; one-loop: the
                     same inside one loop that runs once (default all three)
  --cap MB           kill a child whose resident memory passes this (default 3000)
  --timeout S        kill a child that runs longer than this (default 120)
  -h, --help         this text`;

/** A program of about `bytes` commands with no loop: moves and adds, the pointer kept in 0..63. */
export function straightProgram(bytes: number, seed = 1): string {
  const rng = new Rng(seed);
  const out: string[] = [];
  let at = 0;
  for (let n = 0; n < bytes; n++) {
    const r = rng.next();
    if (r < 0.5) out.push(rng.chance(0.5) ? "+" : "-");
    else if ((r < 0.75 && at < 63) || at === 0) (out.push(">"), at++);
    else (out.push("<"), at--);
  }
  return out.join("");
}

/**
 * A program of about `bytes` commands with loops that halt quickly: each loop sets its counter to
 * 1..4 (`[-]++`), and its body works only on cells to its right, returning where it started, with
 * at most one inner loop of the same kind. Comments between items give positions something to count.
 */
export function loopsProgram(bytes: number, seed = 1): string {
  const rng = new Rng(seed);
  const out: string[] = [];
  let length = 0;
  let at = 0;
  const emit = (s: string): void => {
    out.push(s);
    length += s.length;
  };
  const straight = (n: number): string => {
    let s = "";
    for (let i = 0; i < n; i++) s += rng.chance(0.5) ? "+" : "-";
    return s;
  };
  const loop = (depth: number): string => {
    const k = rng.int(1, 3);
    let body = ">".repeat(k) + straight(rng.int(1, 6));
    if (depth > 0 && rng.chance(0.5)) body += loop(depth - 1);
    body += straight(rng.int(0, 3)) + "<".repeat(k);
    return "[-]" + "+".repeat(rng.int(1, 4)) + "[-" + body + "]";
  };
  while (length < bytes) {
    const r = rng.next();
    if (r < 0.5 && at < 56) emit(loop(1));
    else if (r < 0.7) emit(straight(rng.int(1, 8)));
    else if (r < 0.85 && at < 56) (emit(">"), at++);
    else if (r < 0.95 && at > 0) (emit("<"), at--);
    else emit(rng.pick([" ", "\n", "x", "é"]));
  }
  return out.join("");
}

/**
 * loopsProgram's program inside one loop that runs once (the `+[` before, and a `[-]]` after that
 * clears the cell it ends on): a program whose top level is a single loop, as big as the program.
 */
export function oneLoopProgram(bytes: number, seed = 1): string {
  return `+[${loopsProgram(bytes - 6, seed)}[-]]`;
}

const KINDS = { straight: straightProgram, loops: loopsProgram, "one-loop": oneLoopProgram } as const;
type Kind = keyof typeof KINDS;

export interface MemoryRow {
  readonly tier: string;
  readonly kind: Kind | "base";
  readonly bytes: number;
  /** Peak resident set in bytes; null when the child was killed before it ended. */
  readonly peak: number | null;
  readonly seconds: number;
  /** CPU time the kernel spent for the child, in seconds; null if unknown. */
  readonly systemSeconds: number | null;
  /** "ok", "exit N" (the program's own error, say off the tape), "killed: over cap", "killed: timeout". */
  readonly status: string;
}

interface Limits {
  readonly capBytes: number;
  readonly timeoutMs: number;
}

function argvFor(tier: TierEntry, file: string): string[] {
  const cmd = tier.command!;
  return [BUN, resolve(ROOT, cmd.main), file, ...(cmd.tier === null ? [] : ["--tier", cmd.tier])];
}

function residentBytes(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m === null ? null : Number(m[1]) * 1024;
  } catch {
    return null; // gone already
  }
}

/** Run one tier on one program file in a child and measure its peak resident set. */
async function measure(tier: TierEntry, kind: MemoryRow["kind"], file: string, bytes: number, limits: Limits): Promise<MemoryRow> {
  const started = performance.now();
  const child = Bun.spawn(argvFor(tier, file), { cwd: ROOT, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  let killed: string | null = null;
  const watch = setInterval(() => {
    const rss = residentBytes(child.pid);
    if (rss !== null && rss > limits.capBytes) killed = "killed: over cap";
    else if (performance.now() - started > limits.timeoutMs) killed = "killed: timeout";
    if (killed !== null) child.kill("SIGKILL");
  }, 50);
  const stderr = await new Response(child.stderr).text();
  await child.exited;
  clearInterval(watch);
  const seconds = (performance.now() - started) / 1000;
  const usage = child.resourceUsage();
  const peak = usage?.maxRSS ?? null;
  const systemSeconds = usage === undefined ? null : Number(usage.cpuTime.system) / 1e6;
  const status = killed ?? (child.exitCode === 0 ? "ok" : `exit ${child.exitCode ?? child.signalCode}: ${stderr.trim().split("\n")[0]?.slice(0, 60) ?? ""}`);
  return { tier: tier.name, kind, bytes, peak: killed === null ? peak : null, seconds, systemSeconds, status };
}

/**
 * Write a program from a child of its own, so that this process never holds it. A child's peak
 * resident set, as the kernel reports it, is at least its parent's when it was started (the child
 * runs in its parent's memory until it loads its own program), so a bench that had made megabytes
 * of programs would see them in every child's figure, the base's above all.
 */
function writeProgram(kind: Kind, bytes: number, file: string): void {
  const r = Bun.spawnSync([BUN, import.meta.path, "--write", kind, String(bytes), file], { stdout: "ignore", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`writing the ${kind} program of ${bytes} bytes failed: ${r.stderr.toString().trim()}`);
}

if (import.meta.main) {
  await runMain(() => {
    const usage = `usage: bun shared/memory-bench.ts --write ${Object.keys(KINDS).join("|")} BYTES FILE (the bench's own helper: run npm run bench -- memory)`;
    const [flag, kind, bytes, file] = process.argv.slice(2);
    if (flag === "--help" || flag === "-h") return console.log(usage);
    if (flag !== "--write" || file === undefined || !Object.hasOwn(KINDS, kind!) || !(Number.isInteger(Number(bytes)) && Number(bytes) > 0)) throw new UsageError(usage);
    writeFileSync(file, KINDS[kind as Kind](Number(bytes)));
  });
}

/** Every tier on every program kind and size, plus each tier's base. */
export async function runMemoryBench(
  tiers: readonly TierEntry[],
  sizesMb: readonly number[],
  kinds: readonly Kind[],
  limits: Limits,
  onRow: (row: MemoryRow) => void = () => {},
): Promise<MemoryRow[]> {
  const dir = mkdtempSync(join(tmpdir(), "bf-memory-"));
  try {
    const files: { kind: MemoryRow["kind"]; bytes: number; file: string }[] = [{ kind: "base", bytes: 1, file: join(dir, "base.b") }];
    writeFileSync(files[0]!.file, "+");
    for (const mb of sizesMb)
      for (const kind of kinds) {
        const bytes = Math.round(mb * 2 ** 20);
        const file = join(dir, `${kind}-${mb}.b`);
        writeProgram(kind, bytes, file);
        files.push({ kind, bytes, file });
      }
    const rows: MemoryRow[] = [];
    for (const tier of tiers)
      for (const f of files) {
        const row = await measure(tier, f.kind, f.file, f.bytes, limits);
        rows.push(row);
        onRow(row);
      }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const MB = 2 ** 20;

/** One line per row: peak MB, and bytes per source byte above the tier's base. */
export function formatRow(row: MemoryRow, base: number | null): string {
  const peak = row.peak === null ? "-" : (row.peak / MB).toFixed(0);
  const perByte = row.kind === "base" || row.peak === null || base === null ? "" : ((row.peak - base) / row.bytes).toFixed(0);
  const size = row.kind === "base" ? "1 B" : `${(row.bytes / MB).toFixed(2)} MB`;
  const sys = row.systemSeconds === null ? "-" : row.systemSeconds.toFixed(1);
  return [row.tier.padEnd(16), row.kind.padEnd(9), size.padStart(9), peak.padStart(8), perByte.padStart(9), row.seconds.toFixed(1).padStart(7), sys.padStart(6), "  " + row.status].join(" ");
}

export const HEADER = ["tier".padEnd(16), "program".padEnd(9), "size".padStart(9), "peak MB".padStart(8), "B/src B".padStart(9), "time s".padStart(7), "sys s".padStart(6), "  status"].join(" ");

function list(value: string | undefined, fallback: readonly string[]): string[] {
  return value === undefined ? [...fallback] : value.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

export async function benchCommand(args: readonly string[]): Promise<void> {
  const parsed = parseCommand(args, USAGE, {
    options: { sizes: { type: "string" }, tiers: { type: "string" }, kinds: { type: "string" }, cap: { type: "string" }, timeout: { type: "string" } },
  });
  if (parsed === null) return;
  const v = parsed.values;
  const all = commandTiers();
  const tiers = list(v.tiers, all.map((t) => t.name)).map((name) => {
    const t = all.find((t) => t.name === name);
    if (t === undefined) throw new UsageError(`--tiers: there is no tier '${name}' a main runs: the tiers are ${all.map((t) => t.name).join(", ")}`);
    return t;
  });
  const sizes = list(v.sizes, ["1"]).map((s) => {
    const n = Number(s);
    if (!(n > 0)) throw new UsageError(`--sizes: '${s}' is no size in megabytes: give positive numbers, as in --sizes 1,5`);
    return n;
  });
  const kinds = list(v.kinds, Object.keys(KINDS)).map((k) => {
    if (!Object.hasOwn(KINDS, k)) throw new UsageError(`--kinds: there is no program kind '${k}': the kinds are ${Object.keys(KINDS).join(", ")}`);
    return k as Kind;
  });
  const number = (name: string, value: string | undefined, fallback: number): number => {
    const n = value === undefined ? fallback : Number(value);
    if (!(n > 0)) throw new UsageError(`--${name}: '${value}' is not a positive number`);
    return n;
  };
  const limits = { capBytes: number("cap", v.cap, 3000) * MB, timeoutMs: number("timeout", v.timeout, 120) * 1000 };
  console.log(HEADER);
  const bases = new Map<string, number | null>();
  await runMemoryBench(tiers, sizes, kinds, limits, (row) => {
    if (row.kind === "base") bases.set(row.tier, row.peak);
    console.log(formatRow(row, bases.get(row.tier) ?? null));
  });
}
