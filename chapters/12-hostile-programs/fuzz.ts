// The differential fuzzer: programs, random and mutated, run by every native tier and compared with
// the reference, output, tape, pointer and error. Without a step limit the reference is chapter 6's
// interpreter; with one, it is interpretLir on the LIR the tier compiles, because fuel counts loop
// tests, and the optimizer changes which loops there are. A difference is cut down before it is
// reported. shared/fuzz.ts is the command line (npm run fuzz); the programs come from its caller.
import { interpret } from "../06-interpreter/interpreter.ts";
import { parse } from "../06-interpreter/parser.ts";
import { describeDifference, type RunOptions, type RunResult } from "../06-interpreter/semantics.ts";
import { interpretLir } from "../08-lir/interpret-lir.ts";
import { registeredTiers, TierRegistryError } from "../09-optimizer/tiers.ts";
import "../11-tiering/tiers.ts"; // the registry up to this chapter
import { CrashError, runCases, toWire, type FuzzCase, type TierRef, type Verdictable } from "./batch.ts";
import { isGuardTier } from "./guard.ts";
import { balanced, minimize } from "../09-optimizer/minimize.ts";
import { mutate, Seeded } from "./mutate.ts";
import { twinLir, TWIN_PASSES } from "./tiers.ts";

/** A tier to fuzz, and which LIR its fuel counts the loop tests of (null: it is not fuzzed with fuel). */
export interface FuzzTier extends TierRef {
  readonly fuel: "lir" | "opt" | "fast" | null;
}

// #region fuzz-tiers
const TIERS_MODULE = "chapters/12-hostile-programs/tiers.ts";

/** The native tiers, each able to run with fuel (tiers.ts's twins): which LIR each one's fuel counts. */
export const FUZZ_TIERS: readonly FuzzTier[] = [
  { name: "template", module: TIERS_MODULE, export: "fueledTemplateJit", fuel: "lir" },
  { name: "lir", module: TIERS_MODULE, export: "fueledLirJit", fuel: "lir" },
  { name: "opt", module: TIERS_MODULE, export: "fueledOptJit", fuel: "opt" },
  { name: "tiered", module: TIERS_MODULE, export: "eagerHostileTiered", fuel: "lir" },
  // Chapter 10's tiers run chapter 9's fueled lowering of their own LIR (its passes, then linear loops).
  { name: "fast", module: TIERS_MODULE, export: "fueledFastJit", fuel: "fast" },
  { name: "fast-sse2", module: TIERS_MODULE, export: "fueledFastSse2Jit", fuel: "fast" },
];

/**
 * Every native tier in the tier registry: FUZZ_TIERS, then each tier registered that has no fueled
 * twin here, run as it is registered and fuzzed without fuel.
 */
export function fuzzTiers(): FuzzTier[] {
  const known = new Set(FUZZ_TIERS.map((t) => t.name));
  const unregistered = FUZZ_TIERS.filter((t) => !registeredTiers().some((r) => r.name === t.name));
  if (unregistered.length > 0) throw new TierRegistryError(`fuzzing ${unregistered.map((t) => t.name).join(", ")}, which the tier registry does not have`);
  const later = registeredTiers().flatMap((t) => (t.native === null || known.has(t.name) ? [] : [{ name: t.name, ...t.native, fuel: null }]));
  return [...FUZZ_TIERS, ...later];
}
// #endregion fuzz-tiers

/** A random program that halts within `stepBound` steps, with the options to run it with. */
export interface RandomProgram {
  readonly source: string;
  readonly options: RunOptions;
  readonly stepBound: number;
}

export interface FuzzOptions {
  readonly seconds: number;
  readonly tiers: readonly FuzzTier[];
  readonly seed: number;
  /** Programs per batch (each tier's child runs a batch), of every kind together. */
  readonly batch: number;
}

/** Where the programs come from: a random generator, and real programs to mutate. */
export interface Programs {
  readonly random: (seed: number) => RandomProgram;
  readonly corpus: readonly string[];
}

/** A program on which a tier and its reference disagree (or the tier crashed). */
export interface Difference {
  readonly tier: string;
  readonly kind: CaseKind;
  readonly seed: number;
  readonly options: RunOptions;
  readonly source: string;
  readonly why: string;
  /** The smallest program found that still shows a difference. */
  readonly minimized: string;
}

export interface FuzzReport {
  readonly seconds: number;
  /** Programs run, by tier. */
  readonly programs: Readonly<Record<string, number>>;
  readonly differences: readonly Difference[];
}

/** A random program as it is; the same with a step limit; a mutated real program, always with one. */
export type CaseKind = "random" | "random+fuel" | "mutated+fuel";

interface Generated extends FuzzCase {
  readonly kind: CaseKind;
  readonly seed: number;
  readonly stepBound: number;
}

// #region cases
/**
 * The programs of one seed. A mutated program may never end, so it always runs with fuel; a step
 * limit below what a random program needs makes it stop part-way, at a loop test, which is where
 * fueled code goes wrong if it does.
 */
export function casesOf(seed: number, programs: Programs): Generated[] {
  const rng = new Seeded(seed);
  const r = programs.random(seed);
  const out: Generated[] = [{ name: `random ${seed}`, kind: "random", seed, ...r }];
  out.push({ name: `random+fuel ${seed}`, kind: "random+fuel", seed, source: r.source, options: { ...r.options, maxSteps: rng.below(300) }, stepBound: r.stepBound });
  if (programs.corpus.length > 0) {
    const base = programs.corpus[rng.below(programs.corpus.length)]!;
    const source = mutate(base, rng);
    const options = { ...r.options, maxSteps: 1 + rng.below(5_000) };
    out.push({ name: `mutated+fuel ${seed}`, kind: "mutated+fuel", seed, source, options, stepBound: options.maxSteps });
  }
  return out;
}

/** A program's text reduced to its commands, for mutation. */
export function commandsOf(source: string): string {
  const code = source.replace(/[^+\-<>.,[\]]/g, "");
  return balanced(code) ? code : "";
}
// #endregion cases

// #region reference
/** What `tier` must give on `c`: the interpreter's result, or with fuel interpretLir's on its twin's LIR. */
export function expected(tier: FuzzTier, c: FuzzCase): RunResult | null {
  const program = parse(c.source);
  if (c.options.maxSteps === undefined) return interpret(program, c.options);
  if (tier.fuel === null) return null;
  return interpretLir(twinLir(program, TWIN_PASSES[tier.fuel]), c.options);
}

/**
 * expected(), or why there is no reference: with fuel it runs the tier's own LIR, and a tier whose
 * LIR does not verify has none. That is a finding too, and it needs no child to reproduce.
 */
export function referenceOf(tier: FuzzTier, c: FuzzCase): RunResult | string | null {
  try {
    return expected(tier, c);
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return `the reference failed on the ${tier.fuel} LIR of this program: ${e.name}: ${e.message}`;
  }
}

export function verdict(o: Verdictable, want: RunResult): string | null {
  return o.thrown ? `${o.thrown.name}: ${o.thrown.message}` : describeDifference(want, o.result!);
}
// #endregion reference

// #region judge
/** Why `tier` got something other than `want` on each case (null: the same), crashes included. */
export async function judge(tier: TierRef, cases: readonly FuzzCase[], want: readonly RunResult[]): Promise<(string | null)[]> {
  const verdicts: (string | null)[] = [];
  while (verdicts.length < cases.length) {
    const from = verdicts.length;
    try {
      const outcomes = await runCases(tier, cases.slice(from));
      outcomes.forEach((o, i) => verdicts.push(verdict(o, want[from + i]!)));
    } catch (e) {
      if (!(e instanceof CrashError)) throw e;
      // The cases before the crash ran, but their outcomes died with the child: run them again.
      const failed = from + e.at;
      if (failed > from) verdicts.push(...(await judge(tier, cases.slice(from, failed), want.slice(from, failed))));
      verdicts.push(`crashed: ${e.message}`);
    }
  }
  return verdicts;
}
// #endregion judge

// #region fails-with
/** Does `tier` still disagree on a candidate? The index of the first that does. */
function failsWith(tier: FuzzTier, c: Generated) {
  return async (candidates: readonly string[]): Promise<number | null> => {
    const runnable: { index: number; want: RunResult }[] = [];
    candidates.forEach((source, index) => {
      // Without fuel, a smaller program may never end: only the ones the interpreter finishes take part.
      const fueled = c.options.maxSteps !== undefined;
      const options = fueled ? c.options : { ...c.options, maxSteps: c.stepBound * 10 + 1000 };
      const want = fueled ? referenceOf(tier, { ...c, source }) : interpret(parse(source), options);
      if (want !== null && typeof want !== "string" && (fueled || want.error?.name !== "StepLimitError")) runnable.push({ index, want });
    });
    if (runnable.length === 0) return null;
    const cases = runnable.map(({ index }) => ({ name: `candidate ${index}`, source: candidates[index]!, options: c.options }));
    const verdicts = await judge(tier, cases, runnable.map((r) => r.want));
    const first = verdicts.findIndex((v) => v !== null);
    return first < 0 ? null : runnable[first]!.index;
  };
}
// #endregion fails-with

// #region fuzz
export async function fuzz(o: FuzzOptions, programs: Programs, log: (line: string) => void = () => {}): Promise<FuzzReport> {
  const started = performance.now();
  const counts: Record<string, number> = Object.fromEntries(o.tiers.map((t) => [t.name, 0]));
  const differences: Difference[] = [];
  const perSeed = programs.corpus.length > 0 ? 3 : 2;
  const seeds = Math.max(1, Math.floor(o.batch / perSeed));
  for (let seed = o.seed; (performance.now() - started) / 1000 < o.seconds; seed += seeds) {
    const batch = Array.from({ length: seeds }, (_, i) => casesOf(seed + i, programs)).flat();
    // The tiers run in their children while the references are worked out here.
    const running = o.tiers.map((tier) => {
      const cases = batch.filter((c) => c.options.maxSteps === undefined || tier.fuel !== null);
      return { tier, cases, outcomes: runCases(tier, cases).catch(() => null) };
    });
    for (const { tier, cases: all, outcomes } of running) {
      const refs = all.map((c) => referenceOf(tier, c)!);
      const got = await outcomes;
      counts[tier.name]! += all.length;
      // No reference: reported as it is, made small here, and left out of the comparison.
      for (const [i, ref] of refs.entries()) {
        if (typeof ref !== "string") continue;
        const c = all[i]!;
        log(`  ${tier.name}: ${ref.split("\n")[0]}; minimizing...`);
        const stillFails = (source: string) => typeof referenceOf(tier, { ...c, source }) === "string";
        const minimized = await minimize(c.source, async (candidates) => {
          const k = candidates.findIndex(stillFails);
          return k < 0 ? null : k;
        });
        differences.push({ tier: tier.name, kind: c.kind, seed: c.seed, options: c.options, source: c.source, why: ref, minimized });
      }
      const keep = refs.map((r) => r !== null && typeof r !== "string");
      const cases = all.filter((_, i) => keep[i]);
      const want = refs.filter((r): r is RunResult => typeof r !== "string");
      // A batch that crashed is judged again, case by case around the crash.
      const verdicts = got === null ? await judge(tier, cases, want) : got.filter((_, i) => keep[i]).map((g, i) => verdict(g, want[i]!));
      for (const [i, why] of verdicts.entries()) {
        if (why === null) continue;
        const c = cases[i]!;
        log(`  ${tier.name} differs on ${c.name}: ${why.split("\n")[0]}; minimizing...`);
        const minimized = await minimize(c.source, failsWith(tier, c));
        differences.push({ tier: tier.name, kind: c.kind, seed: c.seed, options: c.options, source: c.source, why, minimized });
      }
    }
  }
  return { seconds: (performance.now() - started) / 1000, programs: counts, differences };
}
// #endregion fuzz

// #region report
export function formatReport(r: FuzzReport, o: Pick<FuzzOptions, "seed"> & { readonly tiers: readonly TierRef[] }): string {
  const total = Object.values(r.programs).reduce((a, b) => a + b, 0);
  const lines = [`seed ${o.seed}, ${r.seconds.toFixed(1)} s:`];
  for (const { name } of o.tiers) {
    const n = r.programs[name] ?? 0;
    const bad = r.differences.filter((d) => d.tier === name).length;
    lines.push(`  ${name.padEnd(9)} ${String(n).padStart(7)} programs, ${(n / r.seconds).toFixed(0).padStart(5)}/s, ${bad === 0 ? "no differences" : `${bad} DIFFERENT`}`);
  }
  lines.push(`${total} programs in all, ${(total / r.seconds).toFixed(0)} programs/s; ${r.differences.length === 0 ? "no differences" : `${r.differences.length} difference(s):`}`);
  for (const d of r.differences) {
    const opts = d.options;
    lines.push(
      ``,
      `${d.tier}, ${d.kind} seed ${d.seed}: ${d.why}`,
      `  program (${d.source.length} chars): ${JSON.stringify(d.source)}`,
      `  minimized (${d.minimized.length} chars): ${JSON.stringify(d.minimized)}`,
      `  input: ${JSON.stringify([...(opts.input ?? [])])}`,
      `  reproduce: ${reproduce(d, o.tiers.find((t) => t.name === d.tier))}`,
    );
  }
  return lines.join("\n");
}

/**
 * A command that runs the minimized program as the fuzzer did: through this chapter's main for the
 * tiers it runs with limits as fuzzed (the tiered JIT's is fuzzed tiering at once, which the main does
 * not), and for any other through the child the fuzzer itself runs, with the case as JSON.
 */
function reproduce(d: Difference, tier: TierRef | undefined): string {
  const opts = d.options;
  if (isGuardTier(d.tier) && d.tier !== "tiered") {
    const flags = [`--tier ${d.tier}`, `--tape ${opts.tapeSize ?? 30000}`, `--eof ${opts.eof ?? "unchanged"}`, ...(opts.maxSteps === undefined ? [] : [`--max-steps ${opts.maxSteps}`])].join(" ");
    return `printf '${[...(opts.input ?? [])].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("")}' | bun chapters/12-hostile-programs/main.ts -e '${d.minimized}' ${flags}`;
  }
  const ref = tier ?? { module: "MODULE", export: "EXPORT" };
  return `echo '${JSON.stringify([toWire({ source: d.minimized, options: opts })])}' | bun chapters/12-hostile-programs/batch-child.ts ${ref.module} ${ref.export}`;
}
// #endregion report
