// The suites every native tier runs, in children: seeded random programs against the reference
// interpreter, whose exact RunResult (output, tape, pointer and error, message included) is demanded
// for each; the project's programs and the tier's own cases; the conformance set, when it is here.
import { beforeAll, describe, expect, test } from "bun:test";
import { interpret } from "../../chapters/06-interpreter/interpreter.ts";
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { describeDifference, type RunResult } from "../../chapters/06-interpreter/semantics.ts";
import { runBatch, runBatches, type BatchOptions, type NativeCase, type NativeOutcome, type TierName } from "./bf-native.ts";
import { benchPrograms, bookPrograms, checkCase, compiledPrograms } from "./bf-programs.ts";
import { randomCases } from "./bf-random.ts";

export interface Differential {
  /** Each program whose result differs from the interpreter's: why, and its source. */
  readonly failures: readonly string[];
  readonly outcomes: readonly NativeOutcome[];
}

// #region against-interpreter
/** Run `count` random programs (seeds from `firstSeed`) through `tier` in two children, and compare. */
export async function againstInterpreter(tier: TierName, count: number, firstSeed: number, opts: Partial<BatchOptions> = {}): Promise<Differential> {
  const cases = randomCases(count, firstSeed).map((c) => ({ name: `seed ${c.seed}`, source: c.source, options: c.options }));
  const outcomes = await runBatches(tier, cases, { label: `random programs, ${tier}`, batches: 2, ...opts });
  return { failures: differences(cases, outcomes), outcomes };
}

/** Each case whose outcome is not the interpreter's exact result: its name, why, and its source. */
export function differences(cases: readonly NativeCase[], outcomes: readonly NativeOutcome[]): string[] {
  return outcomes.flatMap((o, i) => {
    const c = cases[i]!;
    const why = o.thrown ? `${o.thrown.name}: ${o.thrown.message}` : describeDifference(interpret(parse(c.source), c.options), o.result!);
    return why === null ? [] : [`${c.name}: ${why}\n${c.source}`];
  });
}
// #endregion against-interpreter

/** The interpreter's result for the same case: the oracle. */
export function expectLikeInterpreter(c: NativeCase, o: NativeOutcome | undefined): void {
  expect(o?.thrown ?? null).toBeNull();
  expect(describeDifference(interpret(parse(c.source), c.options), o!.result as RunResult)).toBeNull();
}

/**
 * The project's programs (tests/programs) and the tier's own `cases`, all in one child: each
 * program gives its expected output and the interpreter's exact result, and so does each case.
 * `more` adds tests that look closer at the outcomes (by name; read them inside a test).
 */
export function programsSuite(tier: TierName, title: string, cases: readonly NativeCase[], more?: (outcome: (name: string) => NativeOutcome) => void): void {
  let outcomes = new Map<string, NativeOutcome>();
  describe(title, () => {
    const programs = compiledPrograms().filter((p) => p.options.maxSteps === undefined);
    const all: NativeCase[] = [...programs.map((p) => ({ name: p.name, source: p.source, options: p.options })), ...cases];
    beforeAll(async () => {
      outcomes = new Map((await runBatch(tier, all, { label: `programs, ${tier}` })).map((o) => [o.name, o]));
    });
    test.each(programs.map((p) => [p.name, p] as const))("%s: the expected output and error", (name, p) => {
      const o = outcomes.get(name)!;
      expect(o.thrown).toBeNull();
      expect(checkCase(p, o.result!)).toBeNull();
      expectLikeInterpreter(all.find((c) => c.name === name)!, o);
    });
    test.each(cases.map((c) => [c.name, c] as const))("%s", (name, c) => expectLikeInterpreter(c, outcomes.get(name)));
    more?.((name) => {
      const o = outcomes.get(name);
      if (o === undefined) throw new Error(`no case named "${name}" ran in the ${tier} batch`);
      return o;
    });
  });
}

/** The three EOF behaviours on `source`, with "A" as the input. */
export function eofCases(source: string): NativeCase[] {
  return (["unchanged", "zero", "max"] as const).map((eof) => ({ name: `EOF ${eof}`, source, options: { eof, input: new TextEncoder().encode("A") } }));
}

/** `programs` in `n` groups of about the same work (by the interpreter's time): a batch per group. */
export function balance<T extends { readonly interpreterSeconds: number }>(programs: readonly T[], n = 2): T[][] {
  const groups: T[][] = Array.from({ length: n }, () => []);
  const load: number[] = new Array<number>(n).fill(0);
  for (const p of [...programs].sort((a, b) => b.interpreterSeconds - a.interpreterSeconds)) {
    const i = load.indexOf(Math.min(...load));
    groups[i]!.push(p);
    load[i]! += p.interpreterSeconds;
  }
  return groups.filter((g) => g.length > 0);
}

/**
 * The book's own programs and the classic ones (where installed) through `tier`: each its expected
 * output, byte for byte.
 */
export function conformanceSuite(tier: TierName, title: string): void {
  describe(title, () => {
    const { programs: classic, skipReason } = benchPrograms();
    if (skipReason !== null) test.skip(skipReason, () => {});
    const programs = [...bookPrograms(), ...classic];
    let outcomes = new Map<string, NativeOutcome>();
    beforeAll(async () => {
      const batches = balance(programs).map((group, i) => {
        const cases = group.map((p) => ({ name: p.name, source: p.source, options: p.options }));
        return runBatch(tier, cases, { label: `conformance ${i + 1}, ${tier}`, timeoutMs: 110_000, coverage: false });
      });
      outcomes = new Map((await Promise.all(batches)).flat().map((o) => [o.name, o]));
    });
    test.each(programs.map((p) => [p.name, p] as const))("%s", (name, p) => {
      const o = outcomes.get(name);
      expect(o).toBeDefined();
      expect(o!.thrown).toBeNull();
      expect(checkCase(p, o!.result!)).toBeNull();
    });
  });
}
