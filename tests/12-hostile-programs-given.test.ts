// Chapter 12, what the workbook gives: the fuel hooks in chapters 7 and 8 (the counter, the statuses,
// the fueled twin of a program's code, the limits a run asks for), which chapter 12's tiers build on,
// and a fact about the host. Generated code is only generated here, never run.
import { describe, expect, test } from "bun:test";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { CTX } from "../chapters/07-template-jit/context.ts";
import { FUEL_SLICE, FUEL_STATUS } from "../chapters/07-template-jit/fuel.ts";
import { limitsOf } from "../chapters/07-template-jit/runtime.ts";
import { fueledTemplateJit, templateCode, templateJit } from "../chapters/07-template-jit/template-jit.ts";
import { lirCode } from "../chapters/08-lir/lir-jit.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { FUZZ_TIERS } from "../chapters/12-hostile-programs/fuzz.ts";
import { BUN, runBun, runChild } from "../shared/child.ts";
import { fuzzTiers, parseFuzzArgs } from "../shared/fuzz.ts";

describe("fuel is compiled in only when a run asks for limits", () => {
  const listing = (fuel: boolean) => templateCode(parse("+[-]"), fuel).listing();

  test("the plain code has no fuel; the fueled code spends a unit before each test of a [ or a ]", () => {
    expect(listing(false)).not.toContain("fuel");
    const fueled = listing(true);
    expect(fueled.match(/sub qword ptr \[r14\+104\], 1/g)?.length).toBe(2); // CTX.fuel
    expect(fueled).toContain("jb fuel_0");
    expect(fueled).toContain("refuel:");
    expect(CTX.fuel).toBe(104);
  });

  test("the plain code knows how to make its fueled twin; the twin has fuel sites", () => {
    const plain = templateCode(parse("+[-]"));
    expect(plain.fuelSites).toBeUndefined();
    const twin = plain.fueled!();
    expect(twin.fuelSites?.(0)).toEqual({ pos: { line: 1, column: 2, offset: 1 }, offset: 0 });
    expect(twin.fuelSites?.(1)?.pos.column).toBe(4);
    expect(twin.fuelSites?.(2)).toBeUndefined();
  });

  test("the LIR's fuel sites name the [ and the ] of each loop, and the cell it tests", () => {
    const code = lirCode(lower(parse("+[>+<-]")), "lir", true);
    expect([code.fuelSites?.(0)?.pos.column, code.fuelSites?.(1)?.pos.column]).toEqual([2, 7]);
    expect(lirCode(lower(parse("+")), "lir").fueled).toBeInstanceOf(Function);
  });

  test("the statuses fuel adds come after context.ts's, and a slice is about a million tests", () => {
    expect(FUEL_STATUS).toEqual({ OUT_OF_FUEL: 4, TIMEOUT: 5 });
    expect(FUEL_SLICE).toBe(1 << 20);
  });

  test.each([
    [{}, {}, null],
    [{ maxSteps: 10 }, {}, { maxSteps: 10, timeoutMs: Infinity }],
    [{}, { timeoutMs: 5 }, { maxSteps: Infinity, timeoutMs: 5 }],
    [{ maxSteps: 0 }, { timeoutMs: 1 }, { maxSteps: 0, timeoutMs: 1 }],
  ] as const)("limitsOf(%j, %j)", (opts, io, expected) => {
    expect(limitsOf(opts, io)).toEqual(expected);
  });

  test("a time limit of 0 or less is refused, not taken as no limit", () => {
    expect(() => limitsOf({}, { timeoutMs: 0 })).toThrow("the time limit must be a number of milliseconds above 0, not 0");
  });

  test("chapter 7's own tier still refuses limits; chapter 12's takes them", () => {
    expect(templateJit.name).toBe(fueledTemplateJit.name);
    expect(() => limitsOf({ maxSteps: -1 }, {})).toThrow("maxSteps must be a whole number");
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
    expect(() => parseFuzzArgs(["--speed"])).toThrow("Unknown option '--speed'");
    expect(parseFuzzArgs(["--help"])).toBeNull();
    expect(() => parseFuzzArgs(["--tiers", "lir,fastest"])).toThrow("unknown tier(s) fastest");
    const bad = await runBun("shared/fuzz.ts", ["--tiers", "nope"]);
    expect([bad.exitCode, bad.stderr]).toEqual([1, expect.stringContaining("FuzzUsageError: unknown tier(s) nope")]);
  });

  test("the tiers: chapter 12's four and chapter 10's two with fuel, and any other one without", () => {
    expect(FUZZ_TIERS.map((t) => [t.name, t.fuel])).toEqual([["template", "lir"], ["lir", "lir"], ["opt", "opt"], ["tiered", "lir"], ["fast", "fast"], ["fast-sse2", "fast"]]);
    for (const later of fuzzTiers().slice(FUZZ_TIERS.length)) expect(later.fuel).toBeNull();
  });
});
