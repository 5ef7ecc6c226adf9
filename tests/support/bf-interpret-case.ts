// Child side of the conformance tests: run one named case with one of the pure-TypeScript tiers and
// print {"name", "problem", "seconds", "steps"} as JSON. One child per program lets them run in
// parallel, and uninstrumented (coverage would slow their hot loops tenfold).
//   bun tests/support/bf-interpret-case.ts bench factor-small [interpreter|lir|lir-optimized]
//   bun tests/support/bf-interpret-case.ts project hello
import { interpretWithStats } from "../../chapters/06-interpreter/interpreter.ts";
import type { Program } from "../../chapters/06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../../chapters/06-interpreter/semantics.ts";
import { interpretLirWithStats } from "../../chapters/08-lir/interpret-lir.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { optimize } from "../../chapters/09-optimizer/optimize.ts";
import { benchPrograms, bookPrograms, checkCase, projectPrograms, runCase } from "./bf-programs.ts";

export const TIERS = {
  interpreter: (program: Program, options: RunOptions) => {
    const run = interpretWithStats(program, options);
    return { result: run.result, steps: run.steps };
  },
  lir: (program: Program, options: RunOptions) => {
    const run = interpretLirWithStats(lower(program), options);
    return { result: run.result, steps: run.executed };
  },
  "lir-optimized": (program: Program, options: RunOptions) => {
    const run = interpretLirWithStats(optimize(lower(program)).lir, options);
    return { result: run.result, steps: run.executed };
  },
} satisfies Record<string, (p: Program, o: RunOptions) => { result: RunResult; steps: number }>;

export type PureTier = keyof typeof TIERS;

if (import.meta.main) {
  const [set, name, tier = "interpreter"] = process.argv.slice(2);
  const c = (set === "project" ? projectPrograms() : [...bookPrograms(), ...benchPrograms().programs]).find((p) => p.name === name);
  const run = TIERS[tier as PureTier];
  if (!c || !run) {
    console.error(`no case '${name}' in the ${set} set, or no tier '${tier}': see tests/support/bf-programs.ts`);
    process.exit(2);
  }
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
