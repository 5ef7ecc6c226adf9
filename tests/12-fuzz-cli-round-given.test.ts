// Chapter 12's fuzzer through the command-line mains, a seeded round. Given: it runs the book's mains by
// their paths, whatever the workspace holds.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { runBun } from "../shared/child.ts";

setDefaultTimeout(120_000);

describe("npm run fuzz -- --cli", () => {
  test("a seeded round: the mains agree with chapter 6's, and two stop on a closed pipe", async () => {
    const r = await runBun("shared/fuzz.ts", ["--cli", "--seconds", "2", "--seed", "11", "--tiers", "ch7,ch9:opt,ch10:fast,ch13"], { timeoutMs: 110_000 });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("fuzzing 4 command-line mains against chapter 6's for 2 s, from seed 11");
    expect(r.stdout).toMatch(/ {2}ch7 +\d+ runs, +\d+ with a closed pipe, no differences/);
    for (const name of ["ch9:opt", "ch10:fast", "ch13"]) expect(r.stdout).toMatch(new RegExp(` {2}${name} +\\d+ runs, +\\d+ with a closed pipe, no differences`));
    expect(r.stdout).toMatch(/\d+ processes in all; no differences/);
  });
});
