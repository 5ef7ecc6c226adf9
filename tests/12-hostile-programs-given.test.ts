// Chapter 12, what the workbook gives: fuel's constants (its statuses and its fields of the context
// block), the list of tiers the fuzzer runs, and a fact about the host.
import { describe, expect, test } from "bun:test";
import { CONTEXT_SIZE } from "../chapters/07-template-jit/context.ts";
import { FUEL_CONTEXT_SIZE, FUEL_CTX, FUEL_SLICE, FUEL_STATUS } from "../chapters/12-hostile-programs/fuel.ts";
import { FUZZ_TIERS } from "../chapters/12-hostile-programs/fuzz.ts";
import { BUN, runBun, runChild } from "../shared/child.ts";
import { fuzzTiers, parseFuzzArgs } from "../shared/fuzz.ts";

describe("fuel's constants", () => {
  test("the statuses fuel adds come after context.ts's, and a slice is about a million tests", () => {
    expect(FUEL_STATUS).toEqual({ OUT_OF_FUEL: 4, TIMEOUT: 5 });
    expect(FUEL_SLICE).toBe(1 << 20);
  });

  test("fuel's fields extend chapter 7's context block, right after its end", () => {
    expect(FUEL_CTX.fuel).toBe(CONTEXT_SIZE);
    expect(FUEL_CONTEXT_SIZE).toBe(CONTEXT_SIZE + 8 * Object.keys(FUEL_CTX).length);
  });
});

describe("the host", () => {
  test("the RWX mapping a Bun process has is JavaScriptCore's JIT pool: with its JIT off, there is none at all", async () => {
    // bun:ffi needs JavaScriptCore's JIT, so these processes run no code of ours: they only look.
    const look = (jit: boolean) =>
      runChild([BUN, "-e", `console.log(require("node:fs").readFileSync("/proc/self/maps", "utf8").split("\\n").filter((l) => / rwx. /.test(l)).length)`], {
        env: { BUN_JSC_useJIT: String(jit), NYC_BUN: "0" },
      });
    const [on, off] = await Promise.all([look(true), look(false)]);
    expect([on.stdout.trim(), off.stdout.trim()]).toEqual(["1", "0"]);
  });
});

describe("npm run fuzz: its command line and its table of tiers", () => {
  test("its options, and the errors for wrong ones", async () => {
    expect(parseFuzzArgs(["--seconds", "3", "--tiers", "lir,opt", "--seed", "5", "--batch", "30"], 0)!).toMatchObject({ seconds: 3, seed: 5, batch: 30 });
    expect(parseFuzzArgs([], 1234)!.tiers.map((t) => t.name)).toEqual(fuzzTiers().map((t) => t.name));
    expect(() => parseFuzzArgs(["--seconds=-1"])).toThrow("--seconds must be a number, 0 or more, not '-1'");
    expect(() => parseFuzzArgs(["--speed"])).toThrow("unknown option --speed");
    expect(parseFuzzArgs(["--help"])).toBeNull();
    expect(() => parseFuzzArgs(["--tiers", "lir,fastest"])).toThrow("unknown tier(s) fastest");
    const bad = await runBun("shared/fuzz.ts", ["--tiers", "nope"]);
    expect([bad.exitCode, bad.stderr]).toEqual([2, expect.stringContaining("FuzzUsageError: unknown tier(s) nope")]);
  });

  test("the tiers: chapter 12's four and chapter 10's two with fuel, and any other one without", () => {
    expect(FUZZ_TIERS.map((t) => [t.name, t.fuel])).toEqual([["template", "lir"], ["lir", "lir"], ["opt", "opt"], ["tiered", "lir"], ["fast", "fast"], ["fast-sse2", "fast"]]);
    for (const later of fuzzTiers().slice(FUZZ_TIERS.length)) expect(later.fuel).toBeNull();
  });
});
