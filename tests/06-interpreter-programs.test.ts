// Chapter 6: the project's own Brainfuck programs, and random programs, through both interpreters.
// The helpers tested here (tests/support/bf-*.ts) are the ones every later tier is tested with.
import { describe, expect, test } from "bun:test";
import { BrainfuckSyntaxError, TapeBoundsError } from "../chapters/06-interpreter/errors.ts";
import { interpret, interpretWithStats } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference } from "../chapters/06-interpreter/semantics.ts";
import { simpleInterpret } from "../chapters/06-interpreter/simple-interpreter.ts";
import { checkCase, projectPrograms, runCase } from "./support/bf-programs.ts";
import { randomCases } from "./support/bf-random.ts";

const programs = projectPrograms();

describe.each([
  ["interpret", interpret],
  ["simpleInterpret", simpleInterpret],
] as const)("the project's programs, with %s", (_name, interpreter) => {
  test.each(programs.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    expect(checkCase(c, runCase(c, interpreter))).toBeNull();
  });
});

describe("checkCase", () => {
  const hello = programs.find((c) => c.name === "hello")!;
  const offLeft = programs.find((c) => c.name === "off-left")!;
  const at = { offset: 0, line: 5, column: 3 };

  test("finds a wrong byte, a missing byte, a missing error and a wrong error", () => {
    const out = (s: string) => new TextEncoder().encode(s);
    expect(checkCase(hello, { output: out("Hello, World?\n"), error: null })).toBe(
      'hello: output differs from byte 12 of 14: expected "!\\n", got "?\\n" (14 bytes in all)',
    );
    expect(checkCase(hello, { output: out("Hello, World!"), error: null })).toContain("expected \"\\n\", got (end)");
    expect(checkCase(offLeft, { output: out("A"), error: null })).toBe("off-left: expected a TapeBoundsError at 5:3, got no error");
    expect(checkCase(offLeft, { output: out("A"), error: new TapeBoundsError({ ...at, column: 4 }, "left", 30000) })).toStartWith(
      "off-left: expected a TapeBoundsError at 5:3, got TapeBoundsError: 5:4:",
    );
    expect(checkCase(offLeft, { output: out("A"), error: new TapeBoundsError(at, "left", 30000) })).toBeNull();
    expect(checkCase(hello, { output: out("Hello, World!\n"), error: new TapeBoundsError(at, "left", 1) })).toStartWith(
      "hello: unexpected TapeBoundsError: 5:3:",
    );
  });

  test("runCase turns a syntax error into an outcome with no output", () => {
    const c = programs.find((p) => p.name === "unmatched-open")!;
    const outcome = runCase(c, () => {
      throw new Error("must not run: the program does not parse");
    });
    expect(outcome.error).toBeInstanceOf(BrainfuckSyntaxError);
    expect(outcome.output.length).toBe(0);
    expect(() => runCase(hello, () => {
      throw new RangeError("not a Brainfuck error");
    })).toThrow(RangeError);
  });

});

describe("random programs", () => {
  const cases = randomCases(1000);

  test("the interpreter and the simple interpreter agree on 1,000 random programs, within the step bound", () => {
    for (const c of cases) {
      const program = parse(c.source);
      const simple = simpleInterpret(program, c.options);
      const { result, steps } = interpretWithStats(program, c.options);
      const difference = describeDifference(simple, result);
      if (difference !== null) throw new Error(`seed ${c.seed}: ${difference}\n${c.source}`);
      if (steps > c.stepBound) throw new Error(`seed ${c.seed}: ${steps} steps, over its bound of ${c.stepBound}\n${c.source}`);
    }
  });

  test("they exercise what the tiers must get right: errors, EOF, idioms, comments", () => {
    const results = cases.map((c) => ({ c, r: interpret(parse(c.source), c.options) }));
    const share = (pred: (x: (typeof results)[number]) => boolean) => results.filter(pred).length / results.length;
    expect(share(({ r }) => r.error === null)).toBeGreaterThan(0.5);
    expect(share(({ r }) => r.error?.name === "TapeBoundsError")).toBeGreaterThan(0.05);
    expect(share(({ r }) => r.output.length > 0)).toBeGreaterThan(0.5);
    expect(share(({ c }) => /\[-\]|\[\+\]/.test(c.source))).toBeGreaterThan(0.5);
    expect(share(({ c }) => /\[(>+|<+)\]/.test(c.source))).toBeGreaterThan(0.3);
    expect(share(({ c }) => c.source.includes(","))).toBeGreaterThan(0.3);
    expect(share(({ c }) => c.source.includes("\n"))).toBeGreaterThan(0.2);
    expect(share(({ c }) => /[^\x00-\x7f]/.test(c.source))).toBeGreaterThan(0.2);
    const depths = cases.map((c) => maxDepth(c.source));
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(3);
  });
});

function maxDepth(source: string): number {
  let depth = 0;
  let max = 0;
  for (const ch of source) {
    if (ch === "[") max = Math.max(max, ++depth);
    else if (ch === "]") depth--;
  }
  return max;
}
