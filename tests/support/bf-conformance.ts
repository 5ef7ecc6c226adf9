// Parent side: run conformance cases with a pure-TypeScript tier, one child per program, at most one
// per CPU at a time, longest first. Each verdict is the child's report, or why there was none.
import { availableParallelism } from "node:os";
import { runBun } from "../../shared/child.ts";
import type { BfCase } from "./bf-programs.ts";
import type { PureTier } from "./bf-interpret-case.ts";

export interface Verdict {
  readonly problem: string | null;
  readonly seconds: number;
  readonly steps: number;
}

export async function runConformance(cases: readonly BfCase[], tier: PureTier, timeoutMs = 240_000): Promise<Map<string, Verdict | string>> {
  const verdicts = new Map<string, Verdict | string>();
  const queue = [...cases].sort((a, b) => b.interpreterSeconds - a.interpreterSeconds);
  const worker = async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      const r = await runBun("tests/support/bf-interpret-case.ts", ["bench", c.name, tier], { timeoutMs, env: { NYC_BUN: "0" } });
      try {
        verdicts.set(c.name, JSON.parse(r.stdout) as Verdict);
      } catch {
        verdicts.set(c.name, `the child did not report (exit ${r.exitCode}${r.diagnosis ? `: ${r.diagnosis}` : ""}):\n${r.stderr}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), queue.length) }, worker));
  return verdicts;
}

/** A verdict as a test sees it: the problem, or an Error when the child never reported. */
export function problemOf(name: string, v: Verdict | string | undefined): string | null {
  if (typeof v === "string" || v === undefined) throw new Error(`${name}: ${v ?? "never ran"}`);
  return v.problem;
}
