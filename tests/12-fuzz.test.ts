// npm run fuzz (chapter 12): a short seeded round agrees everywhere, with and without fuel, and a
// difference is cut down to a few commands and reported with a command that reproduces it.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { FUZZ_TIERS, casesOf, expected, fuzz, referenceOf } from "../chapters/12-hostile-programs/fuzz.ts";
import { runBun } from "../shared/child.ts";
import { balanced } from "../chapters/09-optimizer/minimize.ts";

setDefaultTimeout(120_000);

describe("npm run fuzz", () => {
  test("a seeded round: every tier agrees with its reference, random and mutated programs, with and without fuel", async () => {
    const r = await runBun("shared/fuzz.ts", ["--seconds", "1", "--tiers", "template,lir,opt,tiered", "--batch", "120", "--seed", "7"], { timeoutMs: 110_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("from seed 7, 120 programs a batch (random, random with fuel, and mutations of");
    for (const tier of ["template", "lir", "opt", "tiered"]) expect(r.stdout).toMatch(new RegExp(` {2}${tier} +\\d+ programs, +\\d+/s, no differences`));
    expect(r.stdout).toMatch(/\d+ programs in all, \d+ programs\/s; no differences/);
  });
});

describe("the programs", () => {
  const programs = { random: (seed: number) => ({ source: `+${"+".repeat(seed % 5)}[-]`, options: {}, stepBound: 10 }), corpus: ["+[->+<]"] };

  test("each seed: a random program, the same with fuel, and a mutation with fuel", () => {
    const cases = casesOf(3, programs);
    expect(cases.map((c) => c.kind)).toEqual(["random", "random+fuel", "mutated+fuel"]);
    expect(cases[0]!.options.maxSteps).toBeUndefined();
    expect(cases[1]!.options.maxSteps).toBeGreaterThanOrEqual(0);
    expect(balanced(cases[2]!.source)).toBe(true);
    expect(casesOf(3, programs)).toEqual(cases);
    expect(casesOf(3, { ...programs, corpus: [] }).length).toBe(2);
  });

  test("the reference: the interpreter without fuel; with fuel, interpretLir on the tier's own LIR", () => {
    const c = { name: "c", source: ",[>+++[-]<,]", options: { maxSteps: 1, input: Uint8Array.of(1) } };
    const [lirTier, optTier] = [FUZZ_TIERS[1]!, FUZZ_TIERS[2]!];
    expect(expected(lirTier, c)?.error?.message).toStartWith("1:7: stopped here after 1 steps");
    expect(expected(optTier, c)?.error?.message).toStartWith("1:12: stopped here after 1 steps"); // [-] is a set: one loop fewer
    expect(expected({ ...lirTier, fuel: null }, c)).toBeNull();
    expect(expected(lirTier, { ...c, options: {} })?.error).toBeNull();
  });
});

describe("what the fuzzer found stays fixed", () => {
  test("hoist-guards grows a balanced loop's own known range: the optimized LIR verifies", () => {
    const program = parse("+[<]<[[>>+<<-]>[>[>[][<]<]<]<]");
    const tier = FUZZ_TIERS[2]!;
    const c = { name: "found", source: program.source, options: { maxSteps: 50, tapeSize: 30 } };
    expect(referenceOf(tier, c)).toMatchObject({ error: { name: "TapeBoundsError" } });
  });

  test("a reference that fails is a finding, with its reason", () => {
    expect(referenceOf(FUZZ_TIERS[1]!, { name: "broken", source: "+[", options: { maxSteps: 5 } })).toStartWith(
      "the reference failed on the lir LIR of this program: BrainfuckSyntaxError: 1:2: unmatched '['",
    );
  });

  test("a program deeper than the passes take has a reference in every tier: chapter 8's LIR, at any depth", () => {
    const deep = "+" + "[".repeat(3000) + "-" + "]".repeat(3000);
    for (const tier of FUZZ_TIERS.filter((t) => t.fuel !== null)) {
      expect(referenceOf(tier, { name: "deep", source: deep, options: { maxSteps: 5 } })).toMatchObject({ error: { name: "StepLimitError" } });
    }
  });
});

describe("the fuzzer's own failures", () => {
  test("a tier that cannot even load: every case is a crash, reported and minimized", async () => {
    const broken = { name: "broken", module: "chapters/12-hostile-programs/programs.ts", export: "RUNAWAY", fuel: null };
    const programs = { random: () => ({ source: "+.", options: {}, stepBound: 2 }), corpus: [] };
    const lines: string[] = [];
    const report = await fuzz({ seconds: 0.001, tiers: [broken], seed: 1, batch: 2 }, programs, (l) => lines.push(l));
    expect(report.programs).toEqual({ broken: 1 }); // the fueled copy is left out: this tier has no fuel
    expect(report.differences).toEqual([expect.objectContaining({ tier: "broken", kind: "random", why: "crashed: the broken child exited with 2 on case 1 of 1" })]);
    expect(report.differences[0]!.minimized.length).toBeLessThanOrEqual(1);
    expect(lines[0]).toStartWith("  broken differs on random 1: crashed");
  });

});
