// npm run fuzz -- [--seconds N] [--tiers template,lir,opt] [--seed S] [--batch K]
//
// The differential fuzzer: seeded random programs (tests/support/bf-random.ts), run by every native
// tier (one batch of programs per child process, the tiers side by side) and by the reference
// interpreter (in this process), until the time is up. Any difference in output, tape, pointer or
// error, or a crash, is printed with the program, made smaller by delta debugging, and a command
// that reproduces it. Exit code 1 when there was one. Defaults: 10 seconds, every native tier, a
// seed from the clock (printed, so that a run can be repeated), 400 programs per batch.
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference, type RunOptions, type RunResult } from "../chapters/06-interpreter/semantics.ts";
import { NATIVE_TIERS, NativeBatchError, runBatch, type NativeCase, type NativeOutcome, type TierName } from "../tests/support/bf-native.ts";
import { randomCase, type RandomCase } from "../tests/support/bf-random.ts";
import { flag, runMain } from "./main.ts";

export class FuzzUsageError extends Error {
  override name = "FuzzUsageError";
}

export interface FuzzOptions {
  readonly seconds: number;
  readonly tiers: readonly TierName[];
  readonly seed: number;
  readonly batch: number;
}

/** A program on which a tier and the interpreter disagree (or the tier crashed). */
export interface Difference {
  readonly tier: TierName;
  readonly seed: number;
  readonly options: RunOptions;
  readonly source: string;
  readonly why: string;
  /** The smallest program found that still shows a difference. */
  readonly minimized: string;
}

export interface FuzzReport {
  readonly seconds: number;
  readonly programs: Readonly<Record<string, number>>;
  readonly differences: readonly Difference[];
}

// #region compare
/** Why `tier` got something other than the interpreter on each case (null: the same). */
export async function judge(tier: TierName, cases: readonly NativeCase[], expected: readonly RunResult[]): Promise<(string | null)[]> {
  const verdicts: (string | null)[] = [];
  while (verdicts.length < cases.length) {
    const from = verdicts.length;
    try {
      const outcomes = await runBatch(tier, cases.slice(from), { label: `fuzz ${tier}`, timeoutMs: 120_000, coverage: false });
      outcomes.forEach((o, i) => verdicts.push(verdict(o, expected[from + i]!)));
    } catch (e) {
      // A crash or a hang: the harness names the case it was running. Blame it, and go on after it.
      const at = e instanceof NativeBatchError ? /while running case (\d+) of/.exec(e.message) : null;
      if (at === null) throw e;
      const failed = from + Number(at[1]) - 1;
      // The cases before it ran, but their outcomes died with the child: run them again.
      if (failed > from) verdicts.push(...(await judge(tier, cases.slice(from, failed), expected.slice(from, failed))));
      verdicts.push(`crashed: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return verdicts;
}

function verdict(o: NativeOutcome, expected: RunResult): string | null {
  return o.thrown ? `${o.thrown.name}: ${o.thrown.message}` : describeDifference(expected, o.result!);
}
// #endregion compare

// #region minimize
/**
 * Delta debugging on the program text: remove pieces (first every comment, then chunks of commands,
 * large to small, keeping brackets balanced) while `stillFails` says the smaller program still shows
 * the difference. `stillFails` gets a batch of candidates and returns the index of one that fails,
 * or null, so that each round costs one child process.
 */
export async function minimize(source: string, stillFails: (candidates: readonly string[]) => Promise<number | null>, maxRounds = 40): Promise<string> {
  let best = source;
  const bare = source.replace(/[^+\-<>.,[\]]/g, "");
  if (bare !== source && (await stillFails([bare])) === 0) best = bare;
  for (let round = 0, chunk = Math.max(1, best.length >> 1); round < maxRounds && chunk >= 1; round++) {
    const candidates: string[] = [];
    for (let at = 0; at < best.length; at += chunk) {
      const cut = best.slice(0, at) + best.slice(at + chunk);
      if (cut.length < best.length && balanced(cut)) candidates.push(cut);
    }
    const found = candidates.length === 0 ? null : await stillFails(candidates);
    if (found !== null) best = candidates[found]!;
    else chunk >>= 1;
  }
  return best;
}

function balanced(code: string): boolean {
  let depth = 0;
  for (const c of code) {
    if (c === "[") depth++;
    else if (c === "]" && --depth < 0) return false;
  }
  return depth === 0;
}
// #endregion minimize

/** Does `tier` still disagree with the interpreter on each candidate? Index of the first that does. */
function failsWith(tier: TierName, options: RunOptions, stepBound: number) {
  return async (candidates: readonly string[]): Promise<number | null> => {
    const runnable: { index: number; expected: RunResult }[] = [];
    candidates.forEach((source, index) => {
      // A smaller program may never end: only the ones the interpreter finishes take part.
      const expected = interpret(parse(source), { ...options, maxSteps: stepBound * 10 + 1000 });
      if (expected.error?.name !== "StepLimitError") runnable.push({ index, expected });
    });
    if (runnable.length === 0) return null;
    const cases = runnable.map(({ index }) => ({ name: `candidate ${index}`, source: candidates[index]!, options }));
    const verdicts = await judge(tier, cases, runnable.map((r) => r.expected));
    const first = verdicts.findIndex((v) => v !== null);
    return first < 0 ? null : runnable[first]!.index;
  };
}

// #region fuzz
export async function fuzz(o: FuzzOptions, log: (line: string) => void = () => {}): Promise<FuzzReport> {
  const started = performance.now();
  const programs: Record<string, number> = Object.fromEntries(o.tiers.map((t) => [t, 0]));
  const differences: Difference[] = [];
  for (let seed = o.seed; (performance.now() - started) / 1000 < o.seconds; seed += o.batch) {
    const batch: RandomCase[] = Array.from({ length: o.batch }, (_, i) => randomCase(seed + i));
    const cases = batch.map((c) => ({ name: `seed ${c.seed}`, source: c.source, options: c.options }));
    // The tiers run in their children while the interpreter runs here.
    const running = o.tiers.map((tier) => runBatch(tier, cases, { label: `fuzz ${tier}`, timeoutMs: 120_000, coverage: false }).catch(() => null));
    const expected = batch.map((c) => interpret(parse(c.source), c.options));
    for (const [k, tier] of o.tiers.entries()) {
      const outcomes = await running[k]!;
      // A batch that crashed is judged again, case by case around the crash.
      const verdicts = outcomes === null ? await judge(tier, cases, expected) : outcomes.map((out, i) => verdict(out, expected[i]!));
      programs[tier]! += cases.length;
      for (const [i, why] of verdicts.entries()) {
        if (why === null) continue;
        const c = batch[i]!;
        log(`  ${tier} differs on seed ${c.seed}: ${why.split("\n")[0]}; minimizing...`);
        const minimized = await minimize(c.source, failsWith(tier, c.options, c.stepBound));
        differences.push({ tier, seed: c.seed, options: c.options, source: c.source, why, minimized });
      }
    }
  }
  return { seconds: (performance.now() - started) / 1000, programs, differences };
}
// #endregion fuzz

// #region report
export function formatReport(r: FuzzReport, o: FuzzOptions): string {
  const total = Object.values(r.programs).reduce((a, b) => a + b, 0);
  const lines = [`seed ${o.seed}, ${r.seconds.toFixed(1)} s:`];
  for (const tier of o.tiers) {
    const n = r.programs[tier] ?? 0;
    const bad = r.differences.filter((d) => d.tier === tier).length;
    lines.push(`  ${tier.padEnd(9)} ${String(n).padStart(7)} programs, ${(n / r.seconds).toFixed(0).padStart(5)}/s, ${bad === 0 ? "no differences" : `${bad} DIFFERENT`}`);
  }
  lines.push(`${total} programs in all, ${(total / r.seconds).toFixed(0)} programs/s; ${r.differences.length === 0 ? "no differences" : `${r.differences.length} difference(s):`}`);
  for (const d of r.differences) {
    const opts = d.options;
    const flags = [`--tier ${d.tier}`, `--tape ${opts.tapeSize ?? 30000}`, `--eof ${opts.eof ?? "unchanged"}`].join(" ");
    lines.push(
      ``,
      `${d.tier}, seed ${d.seed}: ${d.why}`,
      `  program (${d.source.length} chars): ${JSON.stringify(d.source)}`,
      `  minimized (${d.minimized.length} chars): ${JSON.stringify(d.minimized)}`,
      `  input: ${JSON.stringify([...(opts.input ?? [])])}`,
      `  reproduce: printf '${[...(opts.input ?? [])].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("")}' | bun chapters/09-optimizer/main.ts -e '${d.minimized}' ${flags}`,
    );
  }
  return lines.join("\n");
}
// #endregion report

export function parseFuzzArgs(argv: readonly string[], now = Date.now()): FuzzOptions {
  const known = ["seconds", "tiers", "seed", "batch"];
  for (const a of argv) {
    const name = a.startsWith("--") ? a.slice(2).split("=")[0]! : null;
    if (name !== null && !known.includes(name)) throw new FuzzUsageError(`unknown option ${a}: the options are ${known.map((k) => `--${k}`).join(", ")}`);
  }
  const number = (name: string, fallback: number, min: number): number => {
    const v = flag(argv, name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new FuzzUsageError(`--${name} must be a number, ${min} or more, not '${v}'`);
    return n;
  };
  const all = Object.keys(NATIVE_TIERS) as TierName[];
  const tiers = (flag(argv, "tiers")?.split(",") ?? all) as TierName[];
  const bad = tiers.filter((t) => !all.includes(t));
  if (bad.length > 0) throw new FuzzUsageError(`unknown tier(s) ${bad.join(", ")}: the native tiers are ${all.join(", ")}`);
  return { seconds: number("seconds", 10, 0), tiers, seed: Math.floor(number("seed", now % 1_000_000_000, 0)), batch: Math.floor(number("batch", 400, 1)) };
}

if (import.meta.main) {
  await runMain(async () => {
    const o = parseFuzzArgs(process.argv.slice(2));
    console.log(`fuzzing ${o.tiers.join(", ")} against the interpreter for ${o.seconds} s, from seed ${o.seed}, ${o.batch} programs a batch`);
    const report = await fuzz(o, (line) => console.log(line));
    console.log(formatReport(report, o));
    if (report.differences.length > 0) process.exitCode = 1;
  });
}
