// Chapter 11, the JavaScript tiers: chapter 6's interpreter specialized to a program (the first
// Futamura projection), optimized LIR specialized the same way, and the tiered JIT with JavaScript
// above the interpreter. They need no machine code, so they run here, against the interpreter.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse, type Program } from "../chapters/06-interpreter/parser.ts";
import { describeDifference, type RunOptions, type RunResult } from "../chapters/06-interpreter/semantics.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { compileToJs, SpecializedProgram, specialize } from "../chapters/11-tiering/futamura.ts";
import { OptimizedJsProgram, TieredJsProgram } from "../chapters/11-tiering/js-tiers.ts";
import { lirToJs } from "../chapters/11-tiering/lir-to-js.ts";
import { checkCase, projectPrograms } from "./support/bf-programs.ts";
import { randomCases } from "./support/bf-random.ts";

setDefaultTimeout(60_000); // children, and thousands of programs (the preload's timeout reaches only one file)

// #region futamura-spec
describe("the first Futamura projection: chapter 6's interpreter, specialized", () => {
  test.each([
    // [program, what its one op becomes: the case of execute() with the argument filled in]
    ["+++", "if (steps + 3 > maxSteps) throw stop(0, p, steps);\ntape[p] += 3; steps += 3;"],
    ["--", "if (steps + 2 > maxSteps) throw stop(0, p, steps);\ntape[p] -= 2; steps += 2;"],
    [">>>>", "if (steps + 4 > maxSteps || (p + 4 >= size && !roomFor(p + 4))) throw stop(0, p, steps);\np += 4; steps += 4;"],
    ["<", "if (steps + 1 > maxSteps || p - 1 < 0) throw stop(0, p, steps);\np -= 1; steps += 1;"],
    [".", "if (steps === maxSteps) throw stop(0, p, steps);\noutput.push(tape[p]); steps++;"],
    [",", "if (steps === maxSteps) throw stop(0, p, steps);\ntape[p] = inputPos < input.length ? input[inputPos++] : eofValue(eof, tape[p]); steps++;"],
  ])("%s", (program, residual) => {
    const lines = specialize(parse(program)).split("\n");
    expect(lines.slice(3, -1).join("\n")).toBe(residual); // after the prologue and the op's comment
    expect(lines.at(-1)).toBe("at.p = p; at.steps = steps; at.inputPos = inputPos;");
  });

  test("a loop is a function of its own: `[` tests and skips it, `]` tests and goes round", () => {
    expect(specialize(parse("[-]"))).toBe(
      [
        "let size = tape.length, p = at.p, steps = at.steps, inputPos = at.inputPos;",
        "const roomFor = (needed) => { tape = grow(needed); size = tape.length; return needed < size; };",
        "function loop_1_1_0() {",
        "  do {",
        "    // 1:2 -",
        "    if (steps + 1 > maxSteps) throw stop(1, p, steps);",
        "    tape[p] -= 1; steps += 1;",
        "    // 1:3 ]",
        "    if (steps === maxSteps) throw stop(2, p, steps);",
        "    steps++;",
        "  } while (tape[p] !== 0);",
        "}",
        "// 1:1 [",
        "if (steps === maxSteps) throw stop(0, p, steps);",
        "steps++;",
        "if (tape[p] !== 0) loop_1_1_0();",
        "at.p = p; at.steps = steps; at.inputPos = inputPos;",
      ].join("\n"),
    );
  });

  test("a program in pieces: each piece's residual program in turn, the run carried from one to the next", () => {
    const program = new SpecializedProgram(parse("+.>+.<[->+<]>.,."), 4);
    expect(program.source.split("// the next piece").length).toBe(3);
    expect(program.codeSize).toBe(program.source.length);
    const run = program.run({ input: new Uint8Array([7]) });
    expect([[...run.output], run.pointer]).toEqual([[1, 1, 2, 7], 1]);
  });

  test("the residual program keeps the fuel: with maxSteps it stops where the interpreter stops", () => {
    const program = parse("+[>+<+]");
    for (const maxSteps of [0, 1, 7, 100, 1001]) {
      expect(describeDifference(interpret(program, { maxSteps }), compileToJs(program).run({ maxSteps }))).toBeNull();
    }
  });
});
// #endregion futamura-spec

describe("optimized LIR, specialized to JavaScript", () => {
  test("a loop becomes a function; bounds tests only where the LIR has them; a scan is indexOf", () => {
    const { source, sites } = lirToJs(parseLir("move 2 add [-2] 3 loop [0] { scan 1 out [0] }"));
    expect(source.split("\n")).toEqual([
      "let tape = m.tape, size = tape.length;",
      "const out = m.out;",
      "const grow = (needed) => { const room = growTape(m, needed); tape = m.tape; size = tape.length; return room; };",
      "function loop_1_19_0(p) {",
      "  while (tape[p] !== 0) {",
      "    { let z = tape.indexOf(0, p); if (z < 0) { z = size; if (!grow(z)) { p = size - 1; throw off(1, p); } } p = z; }",
      "    out[m.outLength++] = tape[p];",
      "    if (m.outLength === out.length) io.flush(m);",
      "  }",
      "  return p;",
      "}",
      "let p = m.p;",
      "if (p + 2 >= size && !grow(p + 2)) throw off(0, p);",
      "p += 2;",
      "tape[p - 2] += 3;",
      "p = loop_1_19_0(p);",
      "m.p = p;",
      "return null;",
    ]);
    expect(sites.map((s) => s.map((r) => r.off))).toEqual([[1, 2], [1]]);
  });

  test("code that no verifier accepted is refused", () => {
    expect(() => lirToJs(parseLir("add [1] 1"))).toThrow("add uses cell [1]");
  });

  test("a program in pieces: each piece's source in turn, its function made at each run and dropped after it", () => {
    const program = new OptimizedJsProgram(parse("+.+.[-]+."), 3);
    const outputs = [program.run(), program.run()].map((r) => [...r.output]);
    expect(outputs).toEqual([[1, 2, 1], [1, 2, 1]]);
    expect(program.pieces.map((p) => p.kept)).toEqual([false, false, false]);
    expect(program.source.split("// the next piece").length).toBe(3);
  });

  test("a program of one piece keeps its function, warm, for the next run", () => {
    const program = new OptimizedJsProgram(parse("+.+.[-]+."));
    program.run();
    expect(program.pieces.map((p) => p.kept)).toEqual([true]);
    expect(program.source).not.toContain("// the next piece");
  });

  test("fuel is refused: this code counts no steps", () => {
    expect(() => new OptimizedJsProgram(parse("+")).run({ maxSteps: 10 })).toThrow("maxSteps (10) is not supported by the js-opt tier");
  });
});

// #region js-differential
const TIERS: readonly [string, (source: string) => { run(opts?: RunOptions): RunResult }][] = [
  ["js", (s) => compileToJs(parse(s))],
  ["js, cut every 3 commands", (s) => new SpecializedProgram(parse(s), 3)],
  ["js-opt", (s) => new OptimizedJsProgram(parse(s))],
  ["js-opt, cut every 3 commands", (s) => new OptimizedJsProgram(parse(s), 3)],
  ["tiered-js", (s) => new TieredJsProgram(parse(s), 4)],
];

describe.each(TIERS)("the %s tier against the interpreter", (_name, compile) => {
  test.each(projectPrograms().filter((p) => p.options.maxSteps === undefined && p.expectedError?.name !== "BrainfuckSyntaxError").map((p) => [p.name, p] as const))(
    "%s",
    (_n, p) => expect(checkCase(p, compile(p.source).run(p.options))).toBeNull(),
  );

  test("1,000 seeded random programs: the same output, tape, pointer and error", () => {
    const failures: string[] = [];
    for (const c of randomCases(1000, 111_001)) {
      const why = describeDifference(interpret(parse(c.source), c.options), compile(c.source).run(c.options));
      if (why !== null) failures.push(`seed ${c.seed}: ${why}\n${c.source}`);
    }
    expect(failures.slice(0, 3)).toEqual([]);
  });
});
// #endregion js-differential

test.each([
  ["whole", (p: Program) => compileToJs(p)],
  ["cut every 3 commands", (p: Program) => new SpecializedProgram(p, 3)],
] as const)("the projection (%s) agrees with the interpreter under fuel, on 1,000 random programs cut short", (_name, compile) => {
  const failures: string[] = [];
  for (const c of randomCases(1000, 112_001)) {
    const options = { ...c.options, maxSteps: Math.floor(c.stepBound / 3) };
    const why = describeDifference(interpret(parse(c.source), options), compile(parse(c.source)).run(options));
    if (why !== null) failures.push(`seed ${c.seed}: ${why}\n${c.source}`);
  }
  expect(failures.slice(0, 3)).toEqual([]);
});

test("tiered-js tiers up on most random programs (threshold 4)", () => {
  const cases = randomCases(300, 113_001);
  const tiered = cases.filter((c) => new TieredJsProgram(parse(c.source), 4).runWithStats(c.options).loops.length > 0);
  expect(tiered.length).toBeGreaterThan(cases.length / 2);
});
