// Child side of the conformance tests: run one named case with one of the pure-TypeScript tiers and
// print {"name", "problem", "seconds", "steps"} as JSON. One child per program lets them run in
// parallel, and uninstrumented (coverage would slow their hot loops tenfold).
//   bun tests/support/bf-interpret-case.ts bench factor-small [interpreter|lir|lir-optimized]
//   bun tests/support/bf-interpret-case.ts project hello
import { interpretWithStats } from "../../chapters/06-interpreter/interpreter.ts";
import type { Program } from "../../chapters/06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../../chapters/06-interpreter/semantics.ts";
import { benchPrograms, bookPrograms, checkCase, projectPrograms, runCase } from "./bf-programs.ts";

/** One pure-TypeScript tier: run a program, counting its steps. */
export type PureRun = (program: Program, options: RunOptions) => { result: RunResult; steps: number };

export const PURE_TIERS = ["interpreter", "lir", "lir-optimized"] as const;
export type PureTier = (typeof PURE_TIERS)[number];

// The LIR tiers' module, by a computed path: a copy of the book without chapters 8 and 9 leaves it
// out, and the interpreter still runs here.
const LIR_TIERS_MODULE = "./bf-interpret-lir.ts";

/** The tier of that name, its chapters' modules loaded only now. */
export async function pureTier(tier: PureTier): Promise<PureRun> {
  if (tier === "interpreter") {
    return (program, options) => {
      const run = interpretWithStats(program, options);
      return { result: run.result, steps: run.steps };
    };
  }
  const { LIR_TIERS } = (await import(LIR_TIERS_MODULE)) as { LIR_TIERS: Readonly<Record<Exclude<PureTier, "interpreter">, PureRun>> };
  return LIR_TIERS[tier];
}

if (import.meta.main) {
  const [set, name, tier = "interpreter"] = process.argv.slice(2);
  const c = (set === "project" ? projectPrograms() : [...bookPrograms(), ...benchPrograms().programs]).find((p) => p.name === name);
  if (!c || !(PURE_TIERS as readonly string[]).includes(tier)) {
    console.error(`no case '${name}' in the ${set} set, or no tier '${tier}': see tests/support/bf-programs.ts`);
    process.exit(2);
  }
  const run = await pureTier(tier as PureTier);
  let steps = 0;
  const started = performance.now();
  const outcome = runCase(c, (program, options) => {
    const r = run(program, options);
    steps = r.steps;
    return r.result;
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ name, problem: checkCase(c, outcome), seconds, steps }));
}
