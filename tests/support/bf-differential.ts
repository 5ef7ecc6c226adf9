// The differential test every native tier runs: seeded random programs through the tier, in
// children, and through the reference interpreter, here; the interpreter's exact RunResult (output,
// tape, pointer and error, message included) is demanded for each.
import { interpret } from "../../chapters/06-interpreter/interpreter.ts";
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { describeDifference } from "../../chapters/06-interpreter/semantics.ts";
import { runBatches, type BatchOptions, type NativeOutcome, type TierName } from "./bf-native.ts";
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
  const failures: string[] = [];
  outcomes.forEach((o, i) => {
    const c = cases[i]!;
    const why = o.thrown ? `${o.thrown.name}: ${o.thrown.message}` : describeDifference(interpret(parse(c.source), c.options), o.result!);
    if (why !== null) failures.push(`${c.name}: ${why}\n${c.source}`);
  });
  return { failures, outcomes };
}
// #endregion against-interpreter
