// Chapter 12, what runs in this process: mutations, the parsing of /proc, the command line, the
// tiers' fallback for programs too deep for the LIR.
import { describe, expect, test } from "bun:test";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { LirNestingError } from "../chapters/08-lir/errors.ts";
import { Asm } from "../chapters/05-control-flow/labels.ts";
import { templateCode, templateJit } from "../chapters/07-template-jit/template-jit.ts";
import { lirCode } from "../chapters/08-lir/lir-jit.ts";
import { Fuel } from "../chapters/12-hostile-programs/fuel.ts";
import { limitsOf } from "../chapters/12-hostile-programs/limits.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { runGuarded } from "../chapters/12-hostile-programs/guard.ts";
import { interpretWithTimeout } from "../chapters/12-hostile-programs/watchdog.ts";
import { balanced } from "../chapters/09-optimizer/minimize.ts";
import { Seeded, mutate } from "../chapters/12-hostile-programs/mutate.ts";
import { RUNAWAY, huge, nested } from "../chapters/12-hostile-programs/programs.ts";
import { fueledTemplateJit, withFallback } from "../chapters/12-hostile-programs/tiers.ts";
import { lowerPiece, piecesOf } from "../chapters/10-faster-code/pieces.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import type { NativeTier } from "../chapters/07-template-jit/tier.ts";

describe("fuel is compiled in only when a run asks for limits", () => {
  const fueled = (source: string) => {
    const a = new Asm();
    const fuel = new Fuel(a);
    return { code: templateCode(parse(source), a, fuel), fuel };
  };

  test("the plain code has no fuel; the fueled code spends a unit before each test of a [ or a ]", () => {
    expect(templateCode(parse("+[-]")).listing()).not.toContain("fuel");
    const listing = fueled("+[-]").code.listing();
    expect(listing.match(/sub qword ptr \[r14\+104\], 1/g)?.length).toBe(2); // FUEL_CTX.fuel, right after chapter 7's block
    expect(listing).toContain("jb fuel_0");
    expect(listing).toContain("refuel:");
  });

  test("each fuel site is a loop test: the [ or ] it stands for, and the cell it tests", () => {
    const { fuel } = fueled("+[-]");
    expect(fuel.site(0)).toEqual({ pos: { line: 1, column: 2, offset: 1 }, offset: 0 });
    expect(fuel.site(1)?.pos.column).toBe(4);
    expect(fuel.site(2)).toBeUndefined();
  });

  test("the LIR's fuel sites name the [ and the ] of each loop, and the cell it tests", () => {
    const a = new Asm();
    const fuel = new Fuel(a);
    lirCode(lower(parse("+[>+<-]")), "lir", a, fuel);
    expect([fuel.site(0)?.pos.column, fuel.site(1)?.pos.column]).toEqual([2, 7]);
  });

  test("in a program compiled in parts, the sites go on counting, each at its own line and column", () => {
    const a = new Asm();
    const fuel = new Fuel(a);
    const parts = [...piecesOf(parse("+[-]\n+[>+<-]"), 4)].map((piece, i) => lowerPiece(piece, i));
    lirCode(parts, "lir", a, fuel);
    expect([0, 1, 2, 3].map((n) => formatPos(fuel.site(n)!.pos))).toEqual(["1:2", "1:4", "2:2", "2:7"]);
    expect(fuel.site(4)).toBeUndefined();
  });

  test.each([
    [{}, {}, null],
    [{ maxSteps: 10 }, {}, { maxSteps: 10, timeoutMs: Infinity }],
    [{}, { timeoutMs: 5 }, { maxSteps: Infinity, timeoutMs: 5 }],
    [{ maxSteps: 0 }, { timeoutMs: 1 }, { maxSteps: 0, timeoutMs: 1 }],
  ] as const)("limitsOf(%j, %j)", (opts, io, expected) => {
    expect(limitsOf(opts, io)).toEqual(expected);
  });

  test("a time limit of 0 or less is refused, not taken as no limit; so is one longer than a timer takes", () => {
    expect(() => limitsOf({}, { timeoutMs: 0 })).toThrow("the time limit must be a number of milliseconds above 0 and at most 2147483647 (MAX_TIMEOUT_MS), or none, not 0");
    expect(() => limitsOf({}, { timeoutMs: 2 ** 31 })).toThrow("not 2147483648");
    expect(limitsOf({}, { timeoutMs: 2 ** 31 - 1 })).toEqual({ maxSteps: Infinity, timeoutMs: 2 ** 31 - 1 });
  });

  test("chapter 7's own tier still refuses limits; chapter 12's takes them", () => {
    expect(templateJit.name).toBe(fueledTemplateJit.name);
    expect(() => limitsOf({ maxSteps: -1 }, {})).toThrow("maxSteps must be a whole number");
  });
});

describe("programs too deep for the LIR", () => {
  const refusing: NativeTier = { name: "lir", compile: (p) => lirCode(lower(p), "lir") as never };
  const fallback: NativeTier = { name: "fallback", compile: () => ({ tier: "fallback" }) as never };

  test("lower's maxNesting is an option, and the error names it and what to do", () => {
    const deep = parse(nested(11));
    expect(() => lower(deep, { maxNesting: 10 })).toThrow(LirNestingError);
    expect(() => lower(deep, { maxNesting: 10 })).toThrow(
      "1:12: this loop is nested 11 loops deep; the LIR handles at most 10 (lower's maxNesting option). " +
        "Run the program with the interpreter (chapter 6) or the template JIT (chapter 7), which have no such limit.",
    );
    expect(lower(deep, { maxNesting: 11 }).ops.length).toBe(2);
  });

  test("withFallback hands a refused program to the fallback, and nothing else", () => {
    const tier = withFallback(refusing, fallback);
    expect(tier.compile(parse(nested(1001))).tier).toBe("fallback");
    const broken: NativeTier = { name: "broken", compile: () => { throw new RangeError("not a nesting error"); } };
    expect(() => withFallback(broken, fallback).compile(parse("+"))).toThrow("not a nesting error");
  });

  test("the interpreter runs 100,000 nested loops without recursion", () => {
    const r = interpret(parse(nested(100_000)));
    expect([r.error, r.tape[0]]).toEqual([null, 0]);
  });
});

describe("hostile programs, generated", () => {
  test("nested() and the runaway program", () => {
    expect(nested(3)).toBe("+[[[-]]]");
    expect(RUNAWAY).toBe("+[[-]+]");
  });

  test("huge() is about the size asked for, balanced, and prints one letter a block, @ to z", () => {
    const source = huge(100_000);
    expect(source.length).toBeGreaterThanOrEqual(100_000);
    expect(source.length).toBeLessThan(100_100);
    expect(balanced(source)).toBe(true);
    const r = interpret(parse(huge(2000)));
    expect(new TextDecoder().decode(r.output)).toStartWith("@IRCLU");
    expect(r.output.every((b) => b >= 64 && b <= 122)).toBe(true);
  });
});

describe("mutate", () => {
  const corpus = ["+[->+<]>."];

  test("the same seed, the same mutations", () => {
    const a = Array.from({ length: 20 }, (_, i) => mutate(corpus[0]!, new Seeded(i)));
    const b = Array.from({ length: 20 }, (_, i) => mutate(corpus[0]!, new Seeded(i)));
    expect(a).toEqual(b);
    expect(new Set(a).size).toBeGreaterThan(10);
  });
});

describe("the interpreter under a time limit (a worker thread, no native code)", () => {
  test("a program that ends comes back whole, error and all", async () => {
    const r = await interpretWithTimeout(parse("+[>+]"), { tapeSize: 3 }, 10_000);
    expect([r.error?.name, r.error?.message, r.pointer, [...r.tape]]).toEqual(["TapeBoundsError", interpret(parse("+[>+]"), { tapeSize: 3 }).error?.message, 2, [1, 1, 1]]);
  });

  test("a runaway program: the worker is terminated at the limit, with an error that says what to do", async () => {
    const started = performance.now();
    await expect(interpretWithTimeout(parse(RUNAWAY), {}, 150)).rejects.toThrow(
      "the interpreter ran past the time limit of 150 ms and was stopped; its output is lost with it. If the program only needs longer, raise the limit (--timeout MS); a native tier stops at the limit itself and keeps the output.",
    );
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  test("runGuarded with the interpreter: a step limit, and a time limit it does not reach", async () => {
    const fuel = await runGuarded(parse(RUNAWAY), "interp", { maxSteps: 100 });
    expect([fuel.ranAs, fuel.result.error?.name]).toEqual(["interp", "StepLimitError"]);
    const timed = await runGuarded(parse("++."), "interp", {}, 10_000);
    expect([...timed.result.output]).toEqual([2]);
  });
});
