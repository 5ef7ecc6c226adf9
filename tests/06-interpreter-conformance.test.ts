// Chapter 6: the interpreter against the conformance set (../shared/bf, beside the checkout): the
// expected output, byte for byte, with each program's input and tape. Each program runs in a child
// process, so they run in parallel; the heavy ones (over 9 s for this interpreter) only with
// BF_HEAVY=1, since every later tier runs them too, much faster.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { availableParallelism } from "node:os";
import { runBun } from "../shared/child.ts";
import { benchPrograms } from "./support/bf-programs.ts";

const { programs, skipReason } = benchPrograms();
const heavyToo = process.env.BF_HEAVY === "1";
const selected = programs.filter((c) => heavyToo || !c.heavy);

interface Verdict {
  readonly problem: string | null;
  readonly seconds: number;
  readonly steps: number;
}

const verdicts = new Map<string, Verdict | string>();

/** Run every selected program in a child, at most one per CPU at a time. */
async function runAll(): Promise<void> {
  const queue = [...selected].sort((a, b) => b.interpreterSeconds - a.interpreterSeconds); // longest first
  const worker = async () => {
    for (let c = queue.shift(); c !== undefined; c = queue.shift()) {
      // NYC_BUN=0: no coverage instrumentation in the child, whose hot loop it would slow tenfold.
      const r = await runBun("tests/support/bf-interpret-case.ts", ["bench", c.name], { timeoutMs: 240_000, env: { NYC_BUN: "0" } });
      try {
        verdicts.set(c.name, JSON.parse(r.stdout) as Verdict);
      } catch {
        verdicts.set(c.name, `the child did not report (exit ${r.exitCode}${r.diagnosis ? `: ${r.diagnosis}` : ""}):\n${r.stderr}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), queue.length) }, worker));
}

describe("conformance: ../shared/bf", () => {
  if (skipReason !== null) {
    test.skip(skipReason, () => {});
    return;
  }
  beforeAll(runAll, 600_000);
  afterAll(() => {
    const times = [...verdicts].map(([name, v]) => (typeof v === "string" ? `${name} ?` : `${name} ${v.seconds.toFixed(1)} s`));
    console.log(`interpreter times: ${times.join(", ")}`);
  });

  for (const c of programs) {
    if (c.heavy && !heavyToo) {
      test.skip(`${c.name} (heavy for the interpreter: BF_HEAVY=1 runs it)`, () => {});
      continue;
    }
    test(c.name, () => {
      const v = verdicts.get(c.name);
      if (typeof v === "string" || v === undefined) throw new Error(`${c.name}: ${v ?? "never ran"}`);
      expect(v.problem).toBeNull();
      expect(v.steps).toBeGreaterThan(0);
    });
  }
});
