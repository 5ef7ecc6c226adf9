// Chapter 11, what the workbook gives the reader: the thresholds' checks, the command line, and the
// bench's table.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { TieredJsProgram } from "../chapters/11-tiering/js-tiers.ts";
import { benchCommand, formatTimings, type Timing } from "../chapters/11-tiering/bench.ts";
import { parseArgs, UsageError } from "../chapters/11-tiering/cli.ts";

setDefaultTimeout(60_000);

describe("the counting interpreter: when it tiers up, and what it hands over", () => {
  test("thresholds are whole numbers of iterations, or Infinity", () => {
    for (const bad of [-1, 1.5, NaN]) expect(() => new TieredJsProgram(parse("+"), bad)).toThrow("the threshold must be a whole number of iterations");
  });
});

describe("the command line", () => {
  test.each([
    [["p.b"], { tier: "tiered", threshold: null, stats: false, emit: false, buffer: null, input: null }],
    [["p.b", "--tier", "opt"], { tier: "opt" }],
    [["p.b", "--tier=js", "--emit"], { tier: "js", emit: true }],
    [["p.b", "--threshold", "56", "--stats"], { threshold: 56, stats: true }],
    [["p.b", "--threshold=never"], { threshold: Infinity }],
    [["p.b", "--buffer", "1", "--input", "in.txt", "--tape", "100"], { buffer: 1, input: "in.txt", tapeSize: 100 }],
  ] as const)("%j", (argv, expected) => {
    expect(parseArgs(argv)).toMatchObject({ file: "p.b", code: null, ...expected });
  });

  test("-e CODE: the program itself, as chapter 8's main.ts takes it", () => {
    expect(parseArgs(["-e", "+[-]", "--tier", "js"])).toMatchObject({ file: null, code: "+[-]", tier: "js" });
    expect(parseArgs([])).toMatchObject({ file: null, code: null });
  });

  test.each([
    [["p.b", "--tier", "fast"], "--tier must be one of tiered, interpreter, opt, js, js-opt, tiered-js, not 'fast'"],
    [["p.b", "--threshold", "-3"], "--threshold must be a whole number from 0 to 2^30, not '-3'"],
    [["p.b", "--tier", "opt", "--threshold", "5"], "--threshold is for the tiered tiers, not opt"],
    [["p.b", "--tier", "opt", "--emit"], "--emit prints the JavaScript of the js and js-opt tiers, or the machine code of the loops the tiered JIT compiled; not for opt"],
    [["p.b", "--buffer", "0"], "--buffer must be a whole number from 1 to 2^30, not '0'"],
    [["p.b", "--input"], "--input needs a value"],
    [["p.b", "--fast"], "unknown option --fast"],
    [["p.b", "-e", "+"], "give a file or -e, not both"],
  ] as const)("%j is refused", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe("the bench", () => {
  test("the table: first / total (compile) per column, over the limit, or what failed", () => {
    const rows: Timing[] = [
      { program: "hello", column: "opt", firstMs: 150, totalMs: 152, compileMs: 47, ok: true, note: null },
      { program: "hello", column: "tiered", firstMs: 56, totalMs: 2500, compileMs: 0.5, ok: true, note: null },
      { program: "long", column: "opt", firstMs: null, totalMs: null, compileMs: null, ok: false, note: "over 10 s" },
      { program: "long", column: "tiered", firstMs: 3, totalMs: 4, compileMs: null, ok: false, note: "exit 1" },
    ];
    expect(formatTimings(rows, 10_000)).toBe(
      [
        "| program | opt: first / total (compile) | tiered: first / total (compile) |",
        "|:--------|-----------------------------:|--------------------------------:|",
        "| hello   |      150 ms / 152 ms (47 ms) |                  56 ms / 2.50 s |",
        "| long    |                       > 10 s |                  FAILED: exit 1 |",
      ].join("\n"),
    );
  });
  test("unknown tiers and programs are refused, naming the choices", async () => {
    await expect(benchCommand(["--tiers", "fast"])).rejects.toThrow("unknown tier(s) fast: the tiers are tiered, interpreter, opt, js, js-opt, tiered-js");
    await expect(benchCommand(["nosuch"])).rejects.toThrow("there is no program 'nosuch': choose from hello, numbers, alphabet");
    await expect(benchCommand(["--thresholds", "1,x"])).rejects.toThrow("--thresholds must be whole numbers, 0 or more: '1,x'");
  });
});
