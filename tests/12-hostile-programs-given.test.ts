// Chapter 12, what the workbook gives: fuel's constants (its statuses and its fields of the context
// block), the list of tiers the fuzzer runs, a fact about the host, /proc's status, the command line,
// results as plain data, and main.ts's interpreter under a step limit.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { CONTEXT_SIZE } from "../chapters/07-template-jit/context.ts";
import { FUEL_CONTEXT_SIZE, FUEL_CTX, FUEL_SLICE, FUEL_STATUS } from "../chapters/12-hostile-programs/fuel.ts";
import { FUZZ_TIERS } from "../chapters/12-hostile-programs/fuzz.ts";
import { BUN, runBun, runChild } from "../shared/child.ts";
import { fuzzTiers, parseFuzzArgs } from "../shared/fuzz.ts";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { CrashError, optionsOf, packResult, runCases } from "../chapters/12-hostile-programs/batch.ts";
import { parseGuardArgs } from "../chapters/12-hostile-programs/cli.ts";
import { isGuardTier } from "../chapters/12-hostile-programs/guard.ts";
import { parseRss } from "../chapters/12-hostile-programs/proc.ts";
import { balanced } from "../chapters/09-optimizer/minimize.ts";
import { MUTATIONS, Seeded } from "../chapters/12-hostile-programs/mutate.ts";
import { fromWire, toWire } from "../chapters/12-hostile-programs/wire.ts";

setDefaultTimeout(90_000);

const MAIN = "chapters/12-hostile-programs/main.ts";
/** main.ts loads chapters 6 to 12: under coverage, instrumented, that takes seconds. */
const SLOW = { timeoutMs: 60_000 };
const stderr = (r: { readonly stderr: string }) => r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("jit-trace ")).join("\n");
const expectError = (r: { readonly exitCode: number | null; readonly stderr: string }, start: string) => {
  expect(r.exitCode).toBe(1);
  expect(stderr(r)).toStartWith(start);
};

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

describe("the fuzzer's own failures", () => {
  test("a result crosses to the parent and back: the tape's non-zero middle, the error's name and message", () => {
    const r = interpret(parse("++>>+++<[>+]"), { tapeSize: 9 });
    const packed = packResult(r);
    expect([packed.tapeFrom, packed.tapeSize]).toEqual([0, 9]);
    expect(optionsOf({ source: "", input: "AQI=", tapeSize: 5, maxSteps: 3 })).toEqual({ input: Uint8Array.of(1, 2), tapeSize: 5, maxSteps: 3 });
  });

  test("runCases: a child that dies names the case it was on", async () => {
    const broken = { name: "broken", module: "chapters/12-hostile-programs/programs.ts", export: "nested" };
    const cases = [{ name: "a", source: "+", options: {} }];
    await expect(runCases(broken, cases)).rejects.toThrow(new CrashError(0, "the broken child exited with 2 on case 1 of 1"));
  });
});

describe("/proc/self, parsed", () => {
  test("status: VmRSS in KiB, or an error that says what is missing", () => {
    expect(parseRss("Name:\tbun\nVmRSS:\t   61234 kB\nVmSwap:\t0 kB\n")).toBe(61234);
    expect(() => parseRss("Name:\tbun\n")).toThrow("no VmRSS line in /proc/self/status: is this Linux?");
  });
});

describe("the command line", () => {
  test.each([
    [["p.b"], { file: "p.b", tier: "opt", timeoutMs: undefined, maxSteps: undefined }],
    [["p.b", "--tier", "interp", "--timeout", "50"], { tier: "interp", timeoutMs: 50 }],
    [["-e", "+[]", "--tier=template", "--timeout=1", "--max-steps", "9"], { file: "-e", code: "+[]", tier: "template", timeoutMs: 1, maxSteps: 9 }],
  ] as const)("%j", (argv, expected) => {
    expect(parseGuardArgs(argv)).toMatchObject(expected);
  });

  test.each([
    [["p.b", "--tier", "fastest"], "--tier must be one of interp, template, lir, opt, tiered, not 'fastest'"],
    [["p.b", "--timeout", "0"], "--timeout must be a whole number of milliseconds from 1 to 2147483647, not '0'"],
    // The interpreter's timer takes a signed 32-bit delay: one more millisecond would fire at once.
    [["p.b", "--timeout", "2147483648"], "--timeout must be a whole number of milliseconds from 1 to 2147483647, not '2147483648'"],
    [["p.b", "--timeout"], "--timeout needs a value"],
    [["p.b", "--max-steps", "x"], "--max-steps must be a whole number"],
  ] as const)("%j: %s", (argv, message) => {
    expect(() => parseGuardArgs(argv)).toThrow(message);
  });

  test("isGuardTier", () => {
    expect([isGuardTier("interp"), isGuardTier("tiered"), isGuardTier("js")]).toEqual([true, true, false]);
  });
});

describe("results cross threads as plain data", () => {
  test("an error keeps its name, position and message", () => {
    const r = interpret(parse("+[>+]"), { tapeSize: 4 });
    const back = fromWire(toWire(r));
    expect([back.error?.name, back.error?.message, back.pointer, [...back.tape]]).toEqual([r.error?.name, r.error?.message, 3, [...r.tape]]);
    expect(fromWire(toWire(interpret(parse("+")))).error).toBeNull();
  });
});

describe("main.ts: a runaway program, stopped in every tier", () => {
  test.each(["interp"])("--max-steps, %s", async (tier) => {
    const r = await runBun(MAIN, ["-e", "+[[-]+]", "--tier", tier, "--max-steps", "1000"], SLOW);
    expect(r.exitCode).toBe(1);
    expect(stderr(r)).toMatch(/^-e:1:\d: error: stopped here after 1000 steps, the limit: the program may loop forever\. If it only needs longer, raise the limit \(--max-steps N, or the maxSteps option\)\.$/);
  });
  test("a syntax error is reported before anything runs", async () => {
    const r = await runBun(MAIN, ["-e", "+]", "--tier", "lir"], SLOW);
    expectError(r, "-e:1:2: error: unmatched ']'");
  });
});

// The mutations are given; only mutate, which picks and applies them, is the reader's.
describe("mutations keep a program balanced", () => {
  const corpus = ["+[->+<]>.", "[[-]>[-]<]", ",[.,]", "++>+++[<+>-]<[>+<-]", "+[-][+][>]", ""];

  test.each(MUTATIONS.map((m) => [m.name, m] as const))("%s", (_name, m) => {
    const rng = new Seeded(42);
    let changed = 0;
    for (let i = 0; i < 300; i++) {
      const base = corpus[i % corpus.length]!;
      const out = m.apply(base, rng);
      expect(balanced(out)).toBe(true);
      if (out !== base) changed++;
    }
    expect(changed).toBeGreaterThan(30);
  });
});
