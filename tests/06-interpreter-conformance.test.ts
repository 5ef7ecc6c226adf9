// Chapter 6: the interpreter against the book's own programs and the classic ones (where installed):
// the expected output, byte for byte, with each program's input and tape. Each program runs in a child
// process, so they run in parallel; the heavy ones (over 9 s for this interpreter) only with
// BF_HEAVY=1, since every later tier runs them too, much faster.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { benchPrograms, bookPrograms } from "./support/bf-programs.ts";
import { runConformance, type Verdict } from "./support/bf-conformance.ts";

const { programs: classic, skipReason } = benchPrograms();
const programs = [...bookPrograms(), ...classic];
const heavyToo = process.env.BF_HEAVY === "1";
const selected = programs.filter((c) => heavyToo || !c.heavy);

let verdicts = new Map<string, Verdict | string>();

describe("conformance: the book's programs and the classic ones", () => {
  if (skipReason !== null) test.skip(skipReason, () => {});
  beforeAll(async () => {
    verdicts = await runConformance(selected, "interpreter");
  }, 600_000);
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
