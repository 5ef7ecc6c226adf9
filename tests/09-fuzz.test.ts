// npm run fuzz: the differential fuzzer runs, reports, and makes a failing program small.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference } from "../chapters/06-interpreter/semantics.ts";
import { interpretLir } from "../chapters/08-lir/interpret-lir.ts";
import type { Lir, Op } from "../chapters/08-lir/lir.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { rewrite } from "../chapters/09-optimizer/rewrite.ts";
import { runBun } from "../shared/child.ts";
import { formatReport, minimize, parseFuzzArgs } from "../shared/fuzz.ts";

setDefaultTimeout(120_000);

describe("npm run fuzz", () => {
  test("every tier agrees with the interpreter, at so many programs a second", async () => {
    const r = await runBun("shared/fuzz.ts", ["--seconds", "2", "--tiers", "lir,opt", "--batch", "150", "--seed", "7"], { timeoutMs: 110_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("from seed 7, 150 programs a batch");
    expect(r.stdout).toMatch(/ {2}opt +\d+ programs, +\d+\/s, no differences/);
    expect(r.stdout).toMatch(/\d+ programs in all, \d+ programs\/s; no differences/);
    const bad = await runBun("shared/fuzz.ts", ["--tiers", "lir,fast"]);
    expect([bad.exitCode, bad.stderr]).toEqual([1, expect.stringContaining("unknown tier(s) fast")]);
    expect(() => parseFuzzArgs(["--seconds", "-1"])).toThrow("--seconds must be a number, 0 or more, not '-1'");
    expect(() => parseFuzzArgs(["--speed"])).toThrow("unknown option --speed");
  });

  test("a difference is made small: a pass with a bug, found and cut down to a few commands", async () => {
    // A broken pass: every multiply loop adds one time too many.
    const broken = (lir: Lir): Lir => ({ ops: rewrite(lir.ops, (op: Op) => (op.kind === "muladd" ? [{ ...op, k: op.k + 1 }] : [op])) });
    const differs = (source: string): boolean => {
      const program = parse(source);
      const opts = { input: Uint8Array.of(3), maxSteps: 10_000 }; // a smaller program may never end
      const expected = interpret(program, opts);
      return expected.error === null && describeDifference(expected, interpretLir(broken(optimize(lower(program)).lir), opts)) !== null;
    };
    const program = "comments, too: +++>>,<<[>++<-]>>[->+++<]<<[-]>>>.";
    expect(differs(program)).toBe(true);
    const rounds: number[] = [];
    const small = await minimize(program, async (candidates) => {
      rounds.push(candidates.length);
      const i = candidates.findIndex(differs);
      return i < 0 ? null : i;
    });
    expect(differs(small)).toBe(true);
    expect(small.length).toBeLessThanOrEqual(12);
    expect(small).toMatch(/^[+\-<>.,[\]]+$/);
    const report = formatReport(
      { seconds: 1, programs: { opt: 10 }, differences: [{ tier: "opt", seed: 5, options: { input: Uint8Array.of(3), tapeSize: 16 }, source: program, why: "output differs", minimized: small }] },
      { seconds: 1, tiers: ["opt"], seed: 5, batch: 10 },
    );
    expect(report).toContain("1 DIFFERENT");
    expect(report).toContain(`minimized (${small.length} chars): ${JSON.stringify(small)}`);
    expect(report).toContain(`printf '\\x03' | bun chapters/09-optimizer/main.ts -e '${small}' --tier opt --tape 16 --eof unchanged`);
  });
});
