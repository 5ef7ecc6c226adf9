// The conformance tests' LIR tiers (chapters 8 and 9), which tests/support/bf-interpret-case.ts loads
// only when one is asked for: chapter 6's conformance test needs chapter 6 alone.
import type { Program } from "../../chapters/06-interpreter/parser.ts";
import type { RunOptions } from "../../chapters/06-interpreter/semantics.ts";
import { interpretLirWithStats } from "../../chapters/08-lir/interpret-lir.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { optimize } from "../../chapters/09-optimizer/optimize.ts";
import type { PureRun } from "./bf-interpret-case.ts";

export const LIR_TIERS: Readonly<Record<"lir" | "lir-optimized", PureRun>> = {
  lir: (program: Program, options: RunOptions) => {
    const run = interpretLirWithStats(lower(program), options);
    return { result: run.result, steps: run.executed };
  },
  "lir-optimized": (program: Program, options: RunOptions) => {
    const run = interpretLirWithStats(optimize(lower(program)).lir, options);
    return { result: run.result, steps: run.executed };
  },
};
