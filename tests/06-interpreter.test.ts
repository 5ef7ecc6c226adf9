// Chapter 6: Brainfuck, its parser and its reference interpreter, as a specification.
import { describe, expect, test } from "bun:test";
import { resolve } from "node:path";
import { ROOT, runBun, runChild } from "../shared/child.ts";
import { errorLine, parseOrReport, readProgram } from "../chapters/06-interpreter/cli.ts";
import {
  BrainfuckError,
  BrainfuckSyntaxError,
  StepLimitError,
  TapeBoundsError,
} from "../chapters/06-interpreter/errors.ts";
import { fold, interpret, interpretWithStats } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { programSize } from "../chapters/06-interpreter/program-size.ts";
import {
  DEFAULT_TAPE_LIMIT,
  DEFAULT_TAPE_SIZE,
  describeDifference,
  sameResult,
  type RunOptions,
  type RunResult,
} from "../chapters/06-interpreter/semantics.ts";
import { simpleInterpret } from "../chapters/06-interpreter/simple-interpreter.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { exitOf } from "./support/exit.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
/** The commands of a source, comments dropped. */
const commands = (src: string) => parse(src).commands;
/** The position of the i-th command. */
const posOf = (src: string, i: number) => formatPos(parse(src).pos(i));
/** "3:14 [" for the bracket parse() rejects, or null when it parses. */
function syntaxErrorOf(src: string): string | null {
  try {
    parse(src);
    return null;
  } catch (e) {
    if (!(e instanceof BrainfuckSyntaxError)) throw e;
    return `${formatPos(e.pos!)} ${e.bracket}`;
  }
}

describe("parser", () => {
  test.each([
    ["+-<>.,[]", "+-<>.,[]"],
    ["a+b-c", "+-"],
    ["", ""],
    ["Hello World", ""],
    ["Hello, World.", ",."], // a comma and a period in a comment are commands
    ["+ # - \n > é < 🙂 .", "+-><."],
  ])("the commands of %j are %j", (src, expected) => {
    expect(commands(src)).toBe(expected);
  });

  test.each([
    ["+", 0, "1:1"],
    ["ab\n c+", 0, "2:3"],
    ["\n\n\n+", 0, "4:1"],
    ["\t+", 0, "1:2"], // a tab is one column
    ["é+", 0, "1:2"], // one code point, one column
    ["🙂+", 0, "1:2"], // one code point, two UTF-16 units: still one column
    ["🙂🙂 🙂+", 0, "1:5"],
    ["x\r\n+", 0, "2:1"], // "\r\n" is one line break: "\r" is a comment on line 1
    ["++\n+", 2, "2:1"],
    ["[\n  ]", 1, "2:3"],
  ])("in %j, command %d is at %s", (src, i, expected) => {
    expect(posOf(src, i)).toBe(expected);
  });

  test("a position's offset indexes the source string, surrogate pairs included", () => {
    const src = "🙂 +\né-";
    const program = parse(src);
    for (let i = 0; i < program.length; i++) expect(src[program.pos(i).offset]).toBe(program.op(i));
    expect([...program.offsets]).toEqual([3, 6]);
    expect(program.source).toBe(src);
  });

  test("brackets know their partner's index; other commands have -1", () => {
    expect([...parse("[[]+]").match]).toEqual([4, 2, 1, -1, 0]);
    expect([...parse("[][]").match]).toEqual([1, 0, 3, 2]);
  });

  test.each([
    ["]", "1:1 ]"],
    ["+\n  ]", "2:3 ]"],
    ["[]]", "1:3 ]"],
    ["[ [ ]] ]", "1:8 ]"],
    ["[", "1:1 ["],
    ["[][", "1:3 ["],
    ["[[]", "1:1 ["], // the second `[` is the one that got closed
    ["+\n [\n[]", "2:2 ["],
    ["][", "1:1 ]"], // the first error in the source wins
  ])("%j is rejected at %s", (src, expected) => {
    expect(syntaxErrorOf(src)).toBe(expected);
  });

  test("syntax error messages start with the position and say what to do", () => {
    expect(() => parse("\n\n   ]")).toThrow(
      "3:4: unmatched ']': no '[' before it is left open for it to close. Remove it, or add the missing '['.",
    );
    expect(() => parse("+[")).toThrow("1:2: unmatched '[': this loop is never closed. Add the missing ']', or remove this '['.");
    expect(() => parse("[[[")).toThrow("1:1: unmatched '[': this loop is never closed (nor are 2 more after it).");
  });

  test("100,000 nested brackets parse (no recursion), and run", () => {
    const depth = 100_000;
    const src = "+" + "[".repeat(depth) + "-" + "]".repeat(depth) + "+.";
    const program = parse(src);
    expect(program.length).toBe(2 * depth + 4);
    expect(program.match[1]).toBe(2 * depth + 1);
    expect(program.match[depth]).toBe(depth + 2);
    expect(program.depth).toBe(depth);
    expect(parse("+.").depth).toBe(0); // depth: how deep the brackets nest
    expect(parse("[][[]]").depth).toBe(2);
    expect([...interpret(program).output]).toEqual([1]);
    expect(syntaxErrorOf("[".repeat(depth))).toBe("1:1 [");
  });

  test("a Program keeps a command in a few bytes; an object per command takes many times that", () => {
    const s = programSize(60_000);
    expect(s.commands).toBeGreaterThanOrEqual(60_000);
    expect(s.compact).toBeLessThan(16);
    expect(s.objects).toBeGreaterThan(4 * s.compact);
  });

  test("positions asked out of order, and on lines after a surrogate pair, are the same as in order", () => {
    const src = "🙂+\n\n+🙂🙂-\n\t[ ]";
    const program = parse(src);
    const inOrder = Array.from({ length: program.length }, (_, i) => formatPos(program.pos(i)));
    expect(inOrder).toEqual(["1:2", "3:1", "3:4", "4:2", "4:4"]);
    const again = parse(src);
    expect([4, 0, 3, 1, 2, 0].map((i) => formatPos(again.pos(i)))).toEqual(["4:4", "1:2", "4:2", "3:1", "3:4", "1:2"]);
  });
});

describe("fold", () => {
  test("runs of the same command become one op; brackets jump past their partner", () => {
    const folded = fold(parse("+++>>[-<]..,,"));
    expect([...folded.args]).toEqual([3, 2, 6, 1, 1, 3, 1, 1, 1, 1]);
    expect([...folded.origins]).toEqual([0, 3, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(folded.ops.length).toBe(10);
  });

  test("runs fold across comments and lines, but not across another command", () => {
    expect(fold(parse("++ comment\n++")).ops.length).toBe(1);
    expect(fold(parse("+-+")).ops.length).toBe(3);
  });
});

// The same semantics, for the obviously correct interpreter and for the fast one that is the oracle.
describe.each([
  ["interpret", interpret],
  ["simpleInterpret", simpleInterpret],
] as const)("%s", (_name, interpreter) => {
  const run = (src: string, opts?: RunOptions): RunResult => interpreter(parse(src), opts);
  const output = (src: string, opts?: RunOptions) => [...run(src, opts).output];
  /** "TapeBoundsError at 1:3", or "ok". */
  const ending = (src: string, opts?: RunOptions) => {
    const e = run(src, opts).error;
    return e === null ? "ok" : `${e.name} at ${formatPos(e.pos!)}`;
  };

  test.each([
    ["-.", [255]], // 0 - 1 wraps to 255
    ["-+.", [0]], // 255 + 1 wraps to 0
    ["+".repeat(256) + ".", [0]],
    ["+".repeat(300) + ".", [44]],
    ["-".repeat(257) + ".", [255]],
    ["+[+].", [0]], // a loop can end by wrapping
    ["+".repeat(200) + ".", [200]], // output is bytes, not characters
    ["++++++++[>++++++++<-]>+.+.", [65, 66]],
    ["", []],
    [".", [0]],
  ])("cells are bytes that wrap: %j prints %j", (src, expected) => {
    expect(output(src)).toEqual(expected);
  });

  test("the result holds the tape and where the pointer ended", () => {
    const r = run(">>+++<");
    expect(r.pointer).toBe(1);
    expect(r.tape.length).toBe(DEFAULT_TAPE_SIZE);
    expect([...r.tape.subarray(0, 4)]).toEqual([0, 0, 3, 0]);
    expect(r.error).toBeNull();
    expect(run("", { tapeSize: 5 }).tape.length).toBe(5);
  });

  test("a tape grows to the right by default, up to tapeLimit cells; it has tapeSize cells when asked", () => {
    expect(ending(">".repeat(30_000))).toBe("ok");
    expect(ending(">".repeat(99), { tapeLimit: 100 })).toBe("ok");
    expect(ending(">".repeat(100), { tapeLimit: 100 })).toBe("TapeBoundsError at 1:100");
    expect(ending(">".repeat(30_000), { tapeSize: 30_000 })).toBe("TapeBoundsError at 1:30000");
    expect(ending(">>>", { tapeSize: 4 })).toBe("ok");
    expect(ending(">>>>", { tapeSize: 4 })).toBe("TapeBoundsError at 1:4");
    expect(ending(">", { tapeSize: 1 })).toBe("TapeBoundsError at 1:1");
  });

  test.each([
    ["<", {}, "TapeBoundsError at 1:1"],
    [">><<<", {}, "TapeBoundsError at 1:5"],
    [">>\n<<<<", {}, "TapeBoundsError at 2:3"], // the third `<` of the run, not the run's first
    ["+[>+]", { tapeSize: 16 }, "TapeBoundsError at 1:3"],
    [">>>>>>", { tapeSize: 4 }, "TapeBoundsError at 1:4"],
    ["> > >\n>>", { tapeSize: 4 }, "TapeBoundsError at 2:1"],
    ["+[-]<", {}, "TapeBoundsError at 1:5"],
  ] as const)("moving off the tape: %j %o ends with %s", (src, opts, expected) => {
    expect(ending(src, opts)).toBe(expected);
  });

  test("an off-tape move is not made: the pointer stays on the edge, the output so far is kept", () => {
    const right = run("+.>>+>>>+", { tapeSize: 4 });
    expect(right.error).toBeInstanceOf(TapeBoundsError);
    expect(right.pointer).toBe(3);
    expect([...right.tape]).toEqual([1, 0, 1, 0]);
    expect([...right.output]).toEqual([1]);
    const left = run("+++.>-<<+");
    expect(left.pointer).toBe(0);
    expect([...left.tape.subarray(0, 2)]).toEqual([3, 255]);
    expect([...left.output]).toEqual([3]);
  });

  test("an off-tape error says which end, where, and what to do", () => {
    const right = run("\n  >>>", { tapeSize: 2 }).error;
    expect(right).toBeInstanceOf(TapeBoundsError);
    expect(right).toBeInstanceOf(BrainfuckError);
    expect(right).toMatchObject({ end: "right", tapeSize: 2, pos: { line: 2, column: 4, offset: 4 } });
    expect(right!.message).toBe(
      "2:4: '>' moved the pointer off the right end of the tape, to cell 2: the tape has 2 cells (0 to 1). " +
        "If the program needs more, give it a longer tape (--tape N, or the tapeSize option).",
    );
    const left = run("<").error;
    expect(left).toMatchObject({ end: "left", tapeSize: DEFAULT_TAPE_LIMIT });
    expect(left!.message).toStartWith("1:1: '<' moved the pointer off the left end of the tape, to cell -1");
    expect(left!.message).toContain("A longer tape (--tape N) will not help");
  });

  test.each([
    ["unchanged", [65, 65, 0]],
    ["zero", [65, 0, 0]],
    ["max", [65, 255, 255]],
  ] as const)("at end of input, eof %s: ,.,.>,. with input A prints %j", (eof, expected) => {
    expect(output(",.,.>,.", { input: bytes("A"), eof })).toEqual([...expected]);
  });

  test("EOF leaves the cell unchanged by default", () => {
    expect(output("+++,.", {})).toEqual([3]);
  });

  test("input is read in order, byte by byte, and every byte value passes", () => {
    expect(output(",.,.,.", { input: Uint8Array.of(0, 200, 255) })).toEqual([0, 200, 255]);
    expect(output(",,.", { input: bytes("xy") })).toEqual([121]);
  });

  test("a step is one command, and each test of a bracket", () => {
    expect(ending("+++", { maxSteps: 3 })).toBe("ok");
    expect(ending("+[-]", { maxSteps: 4 })).toBe("ok"); // + [ - ]
    expect(ending("+[-]", { maxSteps: 3 })).toBe("StepLimitError at 1:4");
    expect(ending("[]", { maxSteps: 1 })).toBe("ok"); // one test of `[`, which skips the loop
    expect(ending("+", { maxSteps: 0 })).toBe("StepLimitError at 1:1");
    expect(ending("", { maxSteps: 0 })).toBe("ok");
    expect(ending("+[]", { maxSteps: 1000 })).toBe("StepLimitError at 1:3");
  });

  test("the step limit stops inside a folded run, at the exact command", () => {
    const r = run("+.\n+++++", { maxSteps: 5 });
    expect(ending("+.\n+++++", { maxSteps: 5 })).toBe("StepLimitError at 2:4");
    expect(r.tape[0]).toBe(4);
    expect([...r.output]).toEqual([1]);
    expect(r.error).toBeInstanceOf(StepLimitError);
    expect(r.error).toMatchObject({ maxSteps: 5 });
    expect(r.error!.message).toStartWith("2:4: stopped here after 5 steps, the limit: the program may loop forever.");
    expect(ending(">>>>>", { maxSteps: 2 })).toBe("StepLimitError at 1:3");
    expect(ending(">>>>>", { maxSteps: 2, tapeSize: 2 })).toBe("TapeBoundsError at 1:2");
  });

  test("a loop over a zero cell is skipped, commands and all", () => {
    expect(output("[<.,[-]]+.")).toEqual([1]);
  });

  test.each([
    [{ tapeSize: 0 }, "tapeSize must be a whole number of cells from 1 to 1073741824, not 0"],
    [{ tapeSize: 2.5 }, "tapeSize must be a whole number of cells"],
    [{ maxSteps: -1 }, "maxSteps must be a whole number of steps, 0 or more, not -1"],
    [{ eof: "newline" as "zero" }, "eof must be one of unchanged, zero, max, not 'newline'"],
  ])("options are checked: %o", (opts, message) => {
    expect(() => run("+", opts)).toThrow(message);
  });
});

describe("interpretWithStats", () => {
  test("counts steps", () => {
    expect(interpretWithStats(parse("+++[-]"), {}).steps).toBe(3 + 1 + 3 * 2);
    expect(interpretWithStats(parse("<"), {}).steps).toBe(1);
  });
});

describe("comparing results: errors", () => {
  const base = (): RunResult => ({ output: bytes("Hi\n"), tape: Uint8Array.of(1, 2, 3), pointer: 1, error: null });

  // Built inside the test: an error made while the file loads would fail every test at once.
  test("a different error is described by class and message", () => {
    const other = { ...base(), error: new StepLimitError({ offset: 0, line: 1, column: 1 }, 9) };
    expect(describeDifference(base(), other)).toStartWith('error: expected no error, got StepLimitError "1:1: stopped here after 9 steps');
    expect(sameResult(base(), other)).toBe(false);
  });

  test("errors compare by class and message", () => {
    const at = { offset: 0, line: 1, column: 1 };
    const a = { ...base(), error: new TapeBoundsError(at, "left", 8) };
    expect(describeDifference(a, { ...base(), error: new TapeBoundsError({ ...at }, "left", 8) })).toBeNull();
    expect(describeDifference(a, { ...base(), error: new TapeBoundsError(at, "left", 9) })).toContain("error: expected TapeBoundsError");
  });
});

describe("the command line", () => {
  test("errors print as file:line:column: error: ...", () => {
    const e = new TapeBoundsError({ offset: 9, line: 3, column: 14 }, "left", 10);
    expect(errorLine("p.b", e)).toStartWith("p.b:3:14: error: '<' moved the pointer off the left end");
    expect(errorLine("p.b", new BrainfuckError(null, "no position"))).toBe("p.b: error: no position");
  });

  test("a program file: its text, or a usage error that names it; a syntax error, reported as a line", () => {
    expect(readProgram(resolve(ROOT, "tests/programs/hello.b"))).toContain("++++++++");
    expect(() => readProgram("no/such.b")).toThrow(/^cannot read no\/such\.b: .*\nusage: /s);
    const lines: string[] = [];
    expect(parseOrReport("p.b", "+[>\n[-]", (l) => lines.push(l))).toBeNull();
    expect(lines).toEqual(["p.b:1:2: error: unmatched '[': this loop is never closed. Add the missing ']', or remove this '['."]);
    expect(parseOrReport("p.b", "+.", (l) => lines.push(l))?.commands).toBe("+.");
  });
});

describe("main.ts", () => {
  const main = "chapters/06-interpreter/main.ts";
  const program = (name: string) => `tests/programs/${name}.b`;

  test("runs a program: standard input is its input, its output is standard output", async () => {
    const r = await runBun(main, [program("cat")], { stdin: "passed through\nunchanged\n" });
    expect(r.stdout).toBe("passed through\nunchanged\n");
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
  });

  test("a runtime error: the output so far, then file:line:col: error: on stderr, exit 1", async () => {
    const r = await runBun(main, [program("off-left")]);
    expect(r.stdout).toBe("A");
    expect(r.stderr).toStartWith("tests/programs/off-left.b:5:3: error: '<' moved the pointer off the left end");
    expect(r.exitCode).toBe(1);
  });

  test("a syntax error: reported before anything runs", async () => {
    const r = await runBun(main, [program("unmatched-close")]);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("tests/programs/unmatched-close.b:4:1: error: unmatched ']': no '[' before it is left open for it to close. Remove it, or add the missing '['.\n");
    expect(r.exitCode).toBe(1);
  });

  test("--tape, --eof, --max-steps and --stats", async () => {
    const [tape, eof, steps, stats] = await Promise.all([
      runBun(main, [program("off-right-run"), "--tape", "8"]),
      runBun(main, [program("eof"), "--eof=zero"], { stdin: "A" }),
      runBun(main, ["--max-steps", "1000", program("infinite")]),
      runBun(main, [program("hello"), "--stats"]),
    ]);
    expect(tape.stderr).toStartWith("tests/programs/off-right-run.b:5:2: error: '>' moved the pointer off the right end of the tape, to cell 8");
    expect(eof.stdout).toBe("A\0\0");
    expect(steps.stderr).toStartWith("tests/programs/infinite.b:2:3: error: stopped here after 1000 steps");
    expect(steps.exitCode).toBe(1);
    expect(stats.stdout).toBe("Hello, World!\n");
    expect(stats.stderr).toMatch(/^tests\/programs\/hello\.b: 136 commands \(45 after folding\), parsed in [\d.]+ ms; 415 steps in [\d.]+ ms\n$/);
  });

  test("without arguments, a demo: a program, its statistics, and an error", async () => {
    const r = await runBun(main);
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    expect(r.stdout).toContain("Hello, World!\nhello.b: 136 commands");
    expect(r.stdout).toContain("walk.b:2:8: error: '<' moved the pointer off the left end of the tape");
  });

  test("it runs under Node too (tsx): the chapter is pure TypeScript", async () => {
    const tsx = resolve(ROOT, "node_modules/.bin/tsx");
    const r = await runChild([tsx, main, program("numbers")], { timeoutMs: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout).toStartWith("0\n1\n2\n");
    expect(r.stdout).toEndWith("\n254\n255\n");
    expect(r.exitCode).toBe(0);
  });
});
