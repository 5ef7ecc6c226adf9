// Chapter 8: the LIR, as a specification. Its text form, lowering, the verifier, and the LIR
// interpreter, which must give exactly the reference interpreter's result.
import { describe, expect, test } from "bun:test";
import { runBun } from "../shared/child.ts";
import { StepLimitError, TapeBoundsError } from "../chapters/06-interpreter/errors.ts";
import { interpret, interpretWithStats } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference, type RunOptions } from "../chapters/06-interpreter/semantics.ts";
import { formatPos, LineIndex } from "../chapters/06-interpreter/source.ts";
import { readsInput } from "../chapters/08-lir/cli.ts";
import { LirNestingError, LirSyntaxError, LirVerifyError, MAX_NESTING } from "../chapters/08-lir/errors.ts";
import { flatten, interpretLir, interpretLirWithStats } from "../chapters/08-lir/interpret-lir.ts";
import { countLoops, countOps, isBalanced, posOf, reachesOf, stepAt, wrapSigned, wrapUnsigned, type Op } from "../chapters/08-lir/lir.ts";
import { PackedSites } from "../chapters/08-lir/packed-sites.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { print } from "../chapters/08-lir/print.ts";
import { established, verify } from "../chapters/08-lir/verify.ts";
import { benchPrograms, checkCase, compiledPrograms, runCase } from "./support/bf-programs.ts";
import { randomCases } from "./support/bf-random.ts";
import { errorOf, opsListed } from "./support/error-of.ts";

/** Brainfuck -> LIR text. */
const lowered = (bf: string) => print(lower(parse(bf)));
/** LIR text as print() writes it: one op a line, two spaces per level. */
const lines = (...ls: string[]) => ls.map((l) => l + "\n").join("");

const runText = (text: string, opts?: RunOptions) => interpretLir(parseLir(text), opts);

describe("lowering", () => {
  test.each([
    ["+++", "add [0] 3"],
    ["---", "add [0] -3"],
    ["+".repeat(255), "add [0] -1"], // 255 and -1 are the same amount mod 256
    ["+".repeat(256), ""], // a whole turn: nothing
    ["+-", "add [0] 1\nadd [0] -1"], // only runs of one command fold here; chapter 9 does the rest
    [">>>", "move 3"],
    ["<<", "move -2"],
    [".,", "out [0]\nin [0]"],
    ["a comment + with - words", "add [0] 1\nadd [0] -1"],
    ["[-]", "loop [0] {\n  add [0] -1\n}"],
    ["[->+<]", "loop [0] {\n  add [0] -1\n  move 1\n  add [0] 1\n  move -1\n}"],
    ["[[]]", "loop [0] {\n  loop [0] {\n  }\n}"],
  ])("%j lowers to %j", (bf, text) => {
    expect(lowered(bf)).toBe(text === "" ? "" : text + "\n");
  });

  test("every op remembers the commands it came from", () => {
    const src = "++\n>>[-]\n.";
    expect(print(lower(parse(src)), { positions: true })).toBe(
      lines("add [0] 2 @1:1", "move 2 @2:1 @2:2", "loop [0] @2:3 {", "  add [0] -1 @2:4", "} @2:5", "out [0] @3:1"),
    );
  });

  test("a move's steps: the first offset when the run has nothing inside it, else one offset per step", () => {
    expect(lower(parse(">>>")).ops[0]).toEqual({ kind: "move", delta: 3, steps: 0 });
    expect(lower(parse("+ <<x<")).ops[1]).toEqual({ kind: "move", delta: -3, steps: [2, 3, 5] });
    expect([0, 1, 2].map((i) => stepAt([2, 3, 5], i))).toEqual([2, 3, 5]);
    expect([0, 1, 2].map((i) => stepAt(7, i))).toEqual([7, 8, 9]);
  });

  test(`nesting deeper than ${MAX_NESTING} loops is refused, at the loop that goes too deep`, () => {
    const ok = "[".repeat(MAX_NESTING) + "]".repeat(MAX_NESTING);
    expect(countLoops(lower(parse(ok)).ops)).toBe(MAX_NESTING);
    const deep = "\n" + "[".repeat(MAX_NESTING + 1) + "]".repeat(MAX_NESTING + 1);
    expect(() => lower(parse(deep))).toThrow(LirNestingError);
    expect(errorOf(() => lower(parse(deep)))).toStartWith(`2:${MAX_NESTING + 1}: this loop is nested ${MAX_NESTING + 1} loops deep`);
  });
});

describe("the text form", () => {
  const samples: [string, string][] = [
    ["every op", lines(
      "add [0] -1",
      "set [-2] 255",
      "move 3",
      "check 1 2 -1",
      "in [1]",
      "out [-1]",
      "loop [1] {",
      "  loop [0] known -2..1 {",
      "    move -1",
      "  }",
      "}",
    )],
  ];

  test.each(samples)("%s prints back to the same text", (_name, text) => {
    expect(print(parseLir(text))).toBe(text);
  });

  test("maxLines stops the text after that many lines, inside a loop too", () => {
    const lir = parseLir("add [0] 1 loop [0] { add [0] -1 move 1 } out [0]");
    expect(print(lir, { maxLines: 3 })).toBe(lines("add [0] 1", "loop [0] {", "  add [0] -1"));
    expect(print(lir, { maxLines: 99 })).toBe(print(lir));
  });

  test("a loop can be written on one line; # starts a comment", () => {
    expect(print(parseLir("loop [0] { add [0] -1 } # clear\nout [0]"))).toBe(lines("loop [0] {", "  add [0] -1", "}", "out [0]"));
  });

  test("amounts are kept modulo 256: adds as -128..127, sets as 0..255", () => {
    expect(print(parseLir("add [0] 255 add [0] 128 add [0] -129"))).toBe(lines("add [0] -1", "add [0] -128", "add [0] 127"));
    expect([wrapSigned(-1), wrapSigned(383), wrapUnsigned(-1), wrapUnsigned(256)]).toEqual([-1, 127, 255, 0]);
  });

  test("positions round-trip exactly, given the Brainfuck source they point into", () => {
    const progs = [...compiledPrograms().map((c) => c.source), ...randomCases(200).map((c) => c.source)];
    for (const source of progs) {
      const lir = lower(parse(source));
      const text = print(lir, { positions: true });
      expect(parseLir(text, { source })).toEqual(lir);
      expect(print(parseLir(print(lir)))).toBe(print(lir)); // without positions, the text is a fixed point
    }
  });

  test("an op without positions is placed in the LIR text itself, so its errors point there", () => {
    const lir = parseLir("add [0] 1\n  move -1");
    expect(posOf(lir.ops[1]!)).toBe(12);
    expect(lir.lines.pos(12)).toEqual({ offset: 12, line: 2, column: 3 });
    expect(runText("add [0] 1\n  move -1").error?.message).toStartWith("2:3: '<' moved the pointer off the left end");
  });

  test.each([
    ["jump 3", "1:1: unknown op 'jump': the ops are add, set, move, check, loop, in, out…"],
    ["add [0 1", "1:8: expected ']', found '1'"],
    ["add [0]", "1:8: expected an amount to add, found the end of the text"],
    ["add [0] 256", "1:9: an amount to add must be from -255 to 255, not 256"],
    ["set [0] -1", "1:9: a cell value must be from 0 to 255, not -1"],
    ["move 0", "1:6: a distance to move cannot be 0"],
    ["check", "1:6: 'check' needs at least one cell offset, e.g. 'check 1 2'"],
    ["loop [0] {\n  add [0] 1", "1:10: this '{' is never closed: add the missing '}'"],
    ["loop [0] known 2..1 { }", "1:17: the range 2..1 is empty: write the low end first"],
    ["out [0] $", "1:9: unexpected character '$'"],
    ["out [0] 🙂", "1:9: unexpected character '🙂'"],
    ["out [0] @1:1", "1:9: @1:1 is a position in a Brainfuck source: pass the source too, as parseLir(text, { source })"],
  ])("%j is a LirSyntaxError: %s", (text, message) => {
    expect(() => parseLir(text)).toThrow(LirSyntaxError);
    expect(errorOf(() => parseLir(text))).toMatch(opsListed(message));
  });

  test("positions are checked against the source they claim to point into", () => {
    expect(errorOf(() => parseLir("move 2 @1:1", { source: "><" }))).toBe("1:1: 'move' here needs 2 positions, one per command it stands for, not 1");
    expect(errorOf(() => parseLir("out [0] @2:1", { source: "." }))).toBe("1:9: @2:1 is not a character of the source, which has 1 line(s)");
    expect(errorOf(() => parseLir("out [0] @1:3", { source: "ab" }))).toBe("1:9: @1:3 is not a character of the source, which has 1 line(s)");
    // Columns count code points: the emoji is one column and two UTF-16 units.
    const lir = parseLir("out [0] @2:3", { source: "x\n🙂a." });
    expect(lir.ops[0]).toEqual({ kind: "out", off: 0, pos: 5 });
    expect(lir.lines.pos(5)).toEqual({ offset: 5, line: 2, column: 3 });
    expect(parseLir("move 2 @1:1 @1:2", { source: "><" }).ops[0]).toMatchObject({ kind: "move", delta: 2, steps: 0 }); // consecutive: the first says all
    expect(parseLir("move 2 @1:1 @1:3", { source: "> >" }).ops[0]).toMatchObject({ kind: "move", delta: 2, steps: [0, 2] });
    // One Lir's offsets all point into one text: with a source, every op says where in it.
    expect(errorOf(() => parseLir("out [0] @1:1 out [0]", { source: ".." }))).toBe("1:14: 'out' here needs 1 position: with a Brainfuck source, every op points into it");
  });

  test("columns in LIR text count code points too", () => {
    expect(errorOf(() => parseLir("# 🙂é\nout [0] jump"))).toMatch(opsListed("2:9: unknown op 'jump': the ops are add, set, move, check, loop, in, out…"));
    expect(errorOf(() => parseLir("# 🙂 x\n$"))).toBe("2:1: unexpected character '$'");
    const lir = parseLir("#🙂\n  out [0]");
    expect(lir.lines.pos(posOf(lir.ops[0]!))).toMatchObject({ line: 2, column: 3 });
  });

  test(`the text form refuses nesting deeper than ${MAX_NESTING} too`, () => {
    const ok = "loop [0] {".repeat(MAX_NESTING) + "}".repeat(MAX_NESTING);
    expect(countLoops(parseLir(ok).ops)).toBe(MAX_NESTING);
    expect(() => parseLir("loop [0] {" + ok + "}")).toThrow(LirNestingError);
  });
});

describe("the verifier: no op touches a cell nothing proved is on the tape", () => {
  test.each([
    ["add [0] 1"],
    ["check 1 2\nadd [2] 1\ncheck -1\nout [-1]"],
    ["move 3\nadd [-3] 1\nadd [-1] 1"], // a move proves every cell it crossed
    ["check 1\nloop [1] { add [0] 1 }"],
    ["loop [0] { check 1\nadd [1] 1\nmove 1 }"],
    ["check 1 2\nloop [0] known 0..1 { add [1] 1\nmove -1 }"], // the body proves 0..1 for the next turn
  ])("accepts %j", (text) => {
    expect(() => verify(parseLir(text))).not.toThrow();
  });

  test.each([
    ["add [1] 1", "1:1: add uses cell [1], but only 0..0 are known to be on the tape here: a 'check' or 'move' must reach it first"],
    ["check 2", "1:1: 'check 2' skips cells: only 0..0 are known to be on the tape, and the pointer moves one cell at a time, so the next check must be -1 or 1"],
    ["loop [1] { }", "1:1: loop uses cell [1], but only 0..0 are known to be on the tape here: a 'check' or 'move' must reach it first"],
    ["check 1\nloop [0] { add [1] 1 }", ""], // balanced: 0..1 holds at every turn
    ["check 1\nloop [0] { add [1] 1\nmove 1 }", "2:12: add uses cell [1], but only 0..0 are known to be on the tape here: a 'check' or 'move' must reach it first"],
    // After a loop that moves, only what holds both if it ran and if it did not: not the body's -1.
    ["check 1\nloop [1] { move 1\ncheck 1 }\nadd [-1] 1", "4:1: add uses cell [-1], but only 0..1 are known to be on the tape here: a 'check' or 'move' must reach it first"],
    ["check 1\nloop [1] { move 1 }", "2:19: the loop claims cells 0..1 are known at the start of each iteration, but its body leaves only -1..0 known for the next one"],
    ["loop [0] known 0..1 { move 1 }", "1:1: the loop claims cells 0..1 are known on the tape, but only 0..0 are known where it starts"],
    ["check 1\nloop [0] known 1..1 { move 1 }", "2:1: the loop's known range 1..1 leaves out 0: the pointer's own cell is always on the tape, so include it"],
    ["check 1\nloop [-1] known 0..1 { }", "2:1: loop uses cell [-1], but only 0..1 are known to be on the tape here: a 'check' or 'move' must reach it first"],
    ["check -1 1\nloop [-1] known 0..1 { move 1 }", "2:1: the loop tests [-1], outside the cells it claims are known at each iteration, 0..1"],
  ])("%j", (text, message) => {
    if (message === "") return expect(() => verify(parseLir(text))).not.toThrow();
    expect(() => verify(parseLir(text))).toThrow(LirVerifyError);
    expect(errorOf(() => verify(parseLir(text)))).toBe(message);
  });

  test("interpretLir refuses LIR that does not verify, before it runs any of it", () => {
    expect(() => runText("out [0]\nadd [9] 1")).toThrow(LirVerifyError);
  });

  test("what a loop body proves by itself, from the pointer where it ends", () => {
    expect(established(parseLir("move 2").ops)).toEqual({ lo: -2, hi: 0 });
    expect(established(parseLir("check 1 2 3\nmove -1").ops)).toEqual({ lo: 0, hi: 4 });
    expect(established(parseLir("check 1 3").ops)).toEqual({ lo: 0, hi: 1 }); // not strict: 3 is ignored
    expect(established(parseLir("check 1\nloop [1] { move 1 }").ops)).toEqual({ lo: 0, hi: 0 });
    expect(established(parseLir("loop [0] known -5..5 { }").ops)).toEqual({ lo: 0, hi: 0 }); // trusts no claim
  });
});

describe("helpers", () => {
  test("balanced: the pointer ends where it started, whatever the tape holds", () => {
    expect(isBalanced(parseLir("move 1 move -1 loop [0] { }").ops)).toBe(true);
    expect(isBalanced(parseLir("move 1").ops)).toBe(false);
    expect(isBalanced(parseLir("loop [0] { move 1 }").ops)).toBe(false);
    expect(isBalanced(parseLir("loop [0] { move 1 move -2 move 1 }").ops)).toBe(true);
  });

  test("balanced, asked in any order, of nests deep and shallow and of bodies rebuilt around old ones", () => {
    // What isBalanced must say, worked out the plain way.
    const reference = (ops: readonly Op[]): boolean => {
      let net = 0;
      for (const op of ops) {
        if (op.kind === "move") net += op.delta;
        else if (op.kind === "loop" && !reference(op.body)) return false;
      }
      return net === 0;
    };
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const lists: Op[][] = [];
    const nest = (depth: number): Op[] => {
      const ops: Op[] = [];
      for (let i = random(3) + 1; i > 0; i--) {
        const r = random(6);
        if (r < 2 && depth > 0) ops.push({ kind: "loop", off: 0, body: nest(depth - 1), pos: 0, end: 0 });
        else if (r < 4) ops.push({ kind: "move", delta: random(3) - 1, steps: 0 });
        else if (r < 5 && lists.length > 0) ops.push({ kind: "loop", off: 0, body: lists[random(lists.length)]!, pos: 0, end: 0 }); // an old body, in a new list
        else ops.push({ kind: "add", off: 0, k: 1, pos: 0 });
      }
      lists.push(ops);
      return ops;
    };
    for (let round = 0; round < 60; round++) nest(random(45));
    for (let k = 0; k < 3000; k++) {
      const ops = lists[random(lists.length)]!;
      expect(isBalanced(ops)).toBe(reference(ops));
    }
    // A new list around an old body whose answer was worked out deep down: a chain of 20 bodies,
    // asked as a whole, then one of its bodies in a list of its own.
    const chain: Op[][] = [[{ kind: "move", delta: 1, steps: 0 }, { kind: "move", delta: -1, steps: 1 }]];
    for (let i = 0; i < 19; i++) chain.unshift([{ kind: "loop", off: 0, body: chain[0]!, pos: 0, end: 0 }]);
    expect(isBalanced(chain[0]!)).toBe(true);
    expect(isBalanced([{ kind: "loop", off: 0, body: chain[3]!, pos: 0, end: 0 }])).toBe(true);
  });

  test("balanced at any depth: a move in the innermost loop unbalances every loop around it", () => {
    const nest = (depth: number, inner: string) => parseLir(`${"loop [0] { ".repeat(depth)}${inner}${" }".repeat(depth)}`).ops;
    for (const depth of [1, 2, 15, 16, 17, 40, 1000]) {
      expect(isBalanced(nest(depth, "add [0] 1"))).toBe(true);
      expect(isBalanced(nest(depth, "move 1"))).toBe(false);
      expect(isBalanced(nest(depth, "move 1 move -1"))).toBe(true);
    }
  });

  test("counting ops and loops, inside loops too", () => {
    const lir = parseLir("add [0] 1 loop [0] { loop [0] { } out [0] } loop [0] { }");
    expect(countOps(lir.ops)).toBe(5);
    expect(countLoops(lir.ops)).toBe(3);
  });

  test("flatten: a loop jumps past its end, and its end back to its body", () => {
    const flat = flatten(parseLir("loop [0] { add [0] -1 } out [0]"));
    // LOOP ADD END OUT HALT
    expect([...flat.code]).toEqual([4, 0, 5, 7, 9]);
    expect([flat.b[0], flat.b[2], flat.end]).toEqual([3, 1, 4]);
    expect(flatten({ ops: [], lines: new LineIndex("") }).end).toBe(0);
  });
});

describe("the LIR interpreter gives exactly the reference interpreter's result", () => {
  const same = (bf: string, opts?: RunOptions) => {
    const program = parse(bf);
    return describeDifference(interpret(program, opts), interpretLir(lower(program), opts));
  };

  test.each(compiledPrograms().map((c) => [c.name, c] as const))("the project's program %s", (_name, c) => {
    expect(checkCase(c, runCase(c, (program, opts) => interpretLir(lower(program), opts)))).toBeNull();
  });

  test.each([
    [">>>>>", 3, "1:3", 2], // a run of five stops at the move that leaves the tape
    ["+>+>\n>>", 3, "2:1", 2],
    ["<", 3, "1:1", 0],
    ["><<<", 30, "1:3", 0],
    ["+[>+]", 4, "1:3", 3],
  ])("%j on a tape of %d runs off at %s, leaving the pointer on cell %d", (bf, tapeSize, at, pointer) => {
    const r = interpretLir(lower(parse(bf)), { tapeSize });
    expect(r.error).toBeInstanceOf(TapeBoundsError);
    expect(formatPos(r.error!.pos!)).toBe(at);
    expect(r.pointer).toBe(pointer);
    expect(same(bf, { tapeSize })).toBeNull();
  });

  test("a check fails at its first reach off the tape, with everything before it done", () => {
    const r = runText("add [0] 7\ncheck 1 2 -1\nadd [2] 1", { tapeSize: 2 });
    expect(r.error?.message).toStartWith("2:1: '>' moved the pointer off the right end of the tape, to cell 2");
    expect([...r.tape, r.pointer]).toEqual([7, 0, 1]);
    const left = runText("check 1 -1", { tapeSize: 5 });
    expect(left.pointer).toBe(0);
    expect(left.error?.message).toStartWith("1:1: '<' moved the pointer off the left end");
  });

  test("input: bytes in order, then the EOF behaviour", () => {
    for (const eof of ["unchanged", "zero", "max"] as const) {
      expect(same("+++,.,.,.", { input: new Uint8Array([65]), eof })).toBeNull();
    }
  });

  test("fuel: a step is a loop test, so a program that loops forever stops at one", () => {
    const atStart = interpretLir(lower(parse("+[]")), { maxSteps: 0 });
    expect(atStart.error).toBeInstanceOf(StepLimitError);
    expect(atStart.error?.message).toStartWith("1:2: stopped here after 0 steps");
    const atEnd = interpretLir(lower(parse("+[\n]")), { maxSteps: 10 });
    expect(atEnd.error?.message).toStartWith("2:1: stopped here after 10 steps");
    expect(runText("check 1\nset [1] 1\nloop [1] { }", { maxSteps: 5 }).pointer).toBe(1);
  });

  test("a loop test is the only unbounded work, so the LIR never needs more steps than the interpreter", () => {
    for (const c of randomCases(300, 5000)) {
      const program = parse(c.source);
      const { result, steps } = interpretWithStats(program, c.options);
      const r = interpretLir(lower(program), { ...c.options, maxSteps: steps });
      expect(describeDifference(result, r)).toBeNull();
    }
  });

  test("on 2,000 random programs (seeded)", () => {
    for (const c of randomCases(2000)) {
      const program = parse(c.source);
      const diff = describeDifference(interpret(program, c.options), interpretLir(lower(program), c.options));
      if (diff !== null) throw new Error(`seed ${c.seed}: ${JSON.stringify(c.source)}\n${diff}`);
    }
  }, 60_000);

  test("counts what it runs", () => {
    expect(interpretLirWithStats(lower(parse("++[-]")), {}).executed).toBe(1 + 1 + 2 * 2);
  });

  // The rest of the conformance set takes seconds each unoptimized; chapter 9 runs all of it.
  const bench = benchPrograms();
  const quick = bench.programs.filter((c) => ["counter", "Beer", "Golden", "LostKng"].includes(c.name));
  test.skipIf(bench.skipReason !== null)(`the conformance programs that are quick unoptimized ${bench.skipReason ?? ""}`, () => {
    for (const c of quick) expect(checkCase(c, runCase(c, (program, opts) => interpretLir(lower(program), opts)))).toBeNull();
  }, 60_000);
});

describe("main.ts", () => {
  test("--emit=lir prints the LIR; without it, the program runs", async () => {
    const emitted = await runBun("chapters/08-lir/main.ts", ["-e", "+[->+<]", "--emit=lir"]);
    expect(emitted.stdout).toBe(lowered("+[->+<]"));
    const ran = await runBun("chapters/08-lir/main.ts", ["tests/programs/cat.b", "--stats"], { stdin: "meow" });
    expect([ran.exitCode, ran.stdout]).toEqual([0, "meow"]);
    expect(ran.stderr).toMatch(/^tests\/programs\/cat\.b: \d+ LIR ops, made in [\d.]+ ms, ran in [\d.]+ ms$/m);
  });

  test("errors are printed the way compilers print them, with exit code 1", async () => {
    const offTape = await runBun("chapters/08-lir/main.ts", ["-e", "+\n<"]);
    expect([offTape.exitCode, offTape.stderr.split("\n")[0]]).toEqual([1, "-e:2:1: error: '<' moved the pointer off the left end of the tape, to cell -1: the pointer starts on cell 0, the leftmost of the 67108864 cells. A longer tape (--tape N) will not help: look for a '<' too many, or a program written for a tape that extends to the left."]);
    const syntax = await runBun("chapters/08-lir/main.ts", ["-e", "]"]);
    expect(syntax.stderr).toStartWith("-e:1:1: error: unmatched ']'");
    const usage = await runBun("chapters/08-lir/main.ts", ["--emit=x86"]);
    expect([usage.exitCode, usage.stderr]).toEqual([2, expect.stringContaining("--emit must be lir or asm or hex, not 'x86'")]);
  });

  test("a .lir file is LIR text: printed back, run, or refused where it does not verify", async () => {
    const file = "chapters/08-lir/examples/walk.lir";
    const emitted = await runBun("chapters/08-lir/main.ts", [file, "--emit", "lir"]);
    expect(emitted.stdout).toBe(print(parseLir(await Bun.file(file).text())));
    const ran = await runBun("chapters/08-lir/main.ts", [file, "--tape", "3"]);
    expect([ran.exitCode, ran.stdout, ran.stderr.split(": error: ")[0]]).toEqual([1, "A", `${file}:6:1`]);
    const bad = await runBun("chapters/08-lir/main.ts", ["chapters/08-lir/examples/unchecked.lir", "--emit=lir"]);
    expect([bad.exitCode, bad.stdout, bad.stderr.split(": error: ")[0]]).toEqual([1, "", "chapters/08-lir/examples/unchecked.lir:3:1"]);
  });

  test("with no program, a demo", async () => {
    const r = await runBun("chapters/08-lir/main.ts");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(lowered("++++++++[>++++++++<-]>+."));
    expect(r.stdout).toContain("\nA\n");
  });

});

describe("the command line: what main.ts reads", () => {
  test.each([
    [",", true],
    ["+[->+<]", false],
    ["+[>[,]<-]", true],
    [".", false],
  ])("readsInput(%p) is %p: only then does main.ts wait for standard input", (source, expected) => {
    expect(readsInput(lower(parse(source)).ops)).toBe(expected);
  });

});

describe("the sites, packed", () => {
  test("each site gives back its op's reaches as steps, in order, with their lines and columns, however many there are", () => {
    const reach = (n: number, k: number) => Array.from({ length: n }, (_, i) => ({ off: k - i, pos: 1000 * k + i }));
    const ops: Op[] = [
      { kind: "check", reach: reach(3, 0) },
      { kind: "move", delta: -2, steps: [7, 9] }, // steps apart: a comment between the commands
      { kind: "check", reach: reach(1, 2) },
      { kind: "move", delta: 1_000_000, steps: 40 }, // steps side by side: kept as two numbers
      { kind: "check", reach: reach(600, 4) }, // past the first array's room, more than once
      { kind: "add", off: 0, k: 1, pos: 3 },
      { kind: "check", reach: reach(1500, 6) },
    ];
    const sites = new PackedSites();
    ops.forEach((op, k) => expect(sites.add(op)).toBe(k));
    // A text of lines 10 characters long (9 and a newline): position p is line p/10 + 1, column p%10 + 1.
    const lines = new LineIndex("123456789\n".repeat(200_000));
    const table = sites.done(lines);
    const at = (pos: number) => ({ line: Math.floor(pos / 10) + 1, column: (pos % 10) + 1 });
    ops.forEach((op, k) => expect(table(k)).toEqual(reachesOf(op).map((r) => ({ offset: r.off, pos: { offset: r.pos, ...at(r.pos) } }))));
    for (const never of [-1, ops.length, 0.5]) expect(table(never)).toEqual([]);
  });
});
