// Chapter 12's fuzzer, the parts the workbook gives: the corpus it mutates, and a difference cut
// down (chapter 9's minimize) and reported with a command that reproduces it.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference } from "../chapters/06-interpreter/semantics.ts";
import { interpretLir } from "../chapters/08-lir/interpret-lir.ts";
import type { Lir, Op } from "../chapters/08-lir/lir.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { minimize } from "../chapters/09-optimizer/minimize.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { rewrite } from "../chapters/09-optimizer/rewrite.ts";
import { FUZZ_TIERS, commandsOf, formatReport } from "../chapters/12-hostile-programs/fuzz.ts";
import { corpus } from "../shared/fuzz.ts";

setDefaultTimeout(120_000);

describe("the programs", () => {
  test("the corpus: the commands of the project's programs, balanced", () => {
    const all = corpus();
    expect(all.length).toBeGreaterThan(10);
    for (const code of all) expect(code).toMatch(/^[+\-<>.,[\]]+$/);
    expect(commandsOf("a+[b]c")).toBe("+[]");
    expect(commandsOf("]")).toBe("");
  });
});

describe("a difference is made small", () => {
  test("a pass with a bug, found and cut down to a few commands", async () => {
    // A broken pass: every multiply loop adds one time too many.
    const broken = (lir: Lir): Lir => ({ ...lir, ops: rewrite(lir.ops, (op: Op) => (op.kind === "muladd" ? [{ ...op, k: op.k + 1 }] : [op])) });
    const differs = (source: string): boolean => {
      const program = parse(source);
      const opts = { input: Uint8Array.of(3), maxSteps: 10_000 }; // a smaller program may never end
      const want = interpret(program, opts);
      return want.error === null && describeDifference(want, interpretLir(broken(optimize(lower(program)).lir), opts)) !== null;
    };
    const program = "comments, too: +++>>,<<[>++<-]>>[->+++<]<<[-]>>>.";
    expect(differs(program)).toBe(true);
    const small = await minimize(program, async (candidates) => {
      const i = candidates.findIndex(differs);
      return i < 0 ? null : i;
    });
    expect(differs(small)).toBe(true);
    expect(small.length).toBeLessThanOrEqual(12);
    expect(small).toMatch(/^[+\-<>.,[\]]+$/);
    const report = formatReport(
      {
        seconds: 1,
        programs: { opt: 10 },
        differences: [{ tier: "opt", kind: "mutated+fuel", seed: 5, options: { input: Uint8Array.of(3), tapeSize: 16, maxSteps: 40 }, source: program, why: "output differs", minimized: small }],
      },
      { seed: 5, tiers: FUZZ_TIERS },
    );
    expect(report).toContain("1 DIFFERENT");
    expect(report).toContain("opt, mutated+fuel seed 5: output differs");
    expect(report).toContain(`minimized (${small.length} chars): ${JSON.stringify(small)}`);
    expect(report).toContain(`printf '\\x03' | bun chapters/12-hostile-programs/main.ts -e '${small}' --tier opt --tape 16 --eof unchanged --max-steps 40`);
    // A tier chapter 12's main does not run as it was fuzzed: the fuzzer's own child, with the case.
    const fast = formatReport(
      { seconds: 1, programs: { fast: 1 }, differences: [{ tier: "fast", kind: "random+fuel", seed: 6, options: { input: Uint8Array.of(3), maxSteps: 2 }, source: "+[]", why: "x", minimized: "+[]" }] },
      { seed: 6, tiers: FUZZ_TIERS },
    );
    expect(fast).toContain(`reproduce: echo '[{"source":"+[]","input":"Aw==","maxSteps":2}]' | bun chapters/12-hostile-programs/batch-child.ts chapters/12-hostile-programs/tiers.ts fueledFastJit`);
  });
});
