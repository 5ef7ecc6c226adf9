// Chapter 9: the optimizer. Each pass has a structural specification in LIR text, and each pass,
// alone and in the pipeline, must give exactly the reference interpreter's result.
import { beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBun } from "../shared/child.ts";
import { interpret, interpretWithStats } from "../chapters/06-interpreter/interpreter.ts";
import { parse, type Program } from "../chapters/06-interpreter/parser.ts";
import { describeDifference } from "../chapters/06-interpreter/semantics.ts";
import { LineIndex } from "../chapters/06-interpreter/source.ts";
import { interpretLir, interpretLirWithStats } from "../chapters/08-lir/interpret-lir.ts";
import { countOps, type Lir } from "../chapters/08-lir/lir.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { print } from "../chapters/08-lir/print.ts";
import { loadPrograms, millions, passTable, runTable, timeRun } from "../chapters/09-optimizer/bench.ts";
import { passFigures, ratio } from "../chapters/09-optimizer/figures.ts";
import { programsIn } from "../shared/programs.ts";
import { DEFAULT_PIPELINE, formatStats, optimize, PASSES, PassBrokeLirError, UnknownPassError } from "../chapters/09-optimizer/optimize.ts";
import { inverse } from "../chapters/09-optimizer/passes/mul-loops.ts";
import { BUN_COLLECTOR } from "../chapters/09-optimizer/collect-bun.ts";
import { Collector, installCollector } from "../chapters/09-optimizer/collect.ts";
import { Knowledge } from "../chapters/09-optimizer/knowledge.ts";
import { benchPrograms } from "./support/bf-programs.ts";
import { randomCases, Rng } from "./support/bf-random.ts";
import { problemOf, runConformance, type Verdict } from "./support/bf-conformance.ts";

/** LIR text after `passes`, in print()'s layout. */
// Some inputs below are written to show one pass's rewrite, not to verify; from Brainfuck, the tests
// ask the pass manager to verify after every pass, so that a pass that breaks the rule is named.
const after = (passes: readonly string[], text: string) => print(optimize(parseLir(text), { passes }).lir);
/** Brainfuck after lowering and `passes` (the whole pipeline by default). */
const optimized = (bf: string, passes: readonly string[] = DEFAULT_PIPELINE) => print(optimize(lower(parse(bf)), { passes, verifyEach: true }).lir);
/** The same LIR, laid out by print(): specs may be written on one line. */
const layout = (text: string) => print(parseLir(text));

// For each pass: [input LIR, what the pass alone makes of it].
const SPECS: Record<string, readonly (readonly [string, string])[]> = {
  "fold-runs": [
    ["add [0] 1 add [0] 2", "add [0] 3"],
    ["add [0] 1 add [0] -1", ""],
    ["check 1 add [0] 1 add [1] 1 add [0] 1", "check 1 add [0] 2 add [1] 1"], // nothing between reads [0]
    ["check 1 add [0] 1 in [1] out [1] add [0] 1", "check 1 add [0] 2 in [1] out [1]"],
    ["add [0] 1 out [0] add [0] 1", "add [0] 1 out [0] add [0] 1"], // out reads it
    ["add [0] 1 set [0] 5 add [0] 1", "add [0] 1 set [0] 5 add [0] 1"],
    ["check 1 add [0] 1 muladd [1] += [0] * 2 add [0] 1", "check 1 add [0] 1 muladd [1] += [0] * 2 add [0] 1"],
    ["add [0] 1 check 1 add [0] 1", "add [0] 1 check 1 add [0] 1"], // a check can fail: the tape is seen then
    ["move 1 move 2 move -1", "move 3 move -1"],
    ["add [0] 1 move 1 add [-1] 1", "add [0] 1 move 1 add [-1] 1"],
    ["loop [0] { add [0] 1 add [0] 1 } add [0] 1", "loop [0] { add [0] 2 } add [0] 1"],
    ["guard 0..0 { add [0] 1 add [0] 1 } else { add [0] 1 add [0] -1 }", "guard 0..0 { add [0] 2 } else { }"],
    ["add [0] 1 scan 1 add [0] 1", "add [0] 1 scan 1 add [0] 1"],
  ],
  "clear-loops": [
    ["loop [0] { add [0] -1 }", "set [0] 0"],
    ["loop [0] { add [0] 3 }", "set [0] 0"], // any odd step reaches 0
    ["loop [0] { add [0] 2 }", "loop [0] { add [0] 2 }"], // an even one may never: keep the hang
    ["check 1 loop [1] { add [1] 1 }", "check 1 set [1] 0"],
    ["check 1 loop [0] { add [1] -1 }", "check 1 loop [0] { add [1] -1 }"],
    ["loop [0] { add [0] -1 out [0] }", "loop [0] { add [0] -1 out [0] }"],
    ["loop [0] { loop [0] { add [0] -1 } }", "loop [0] { set [0] 0 }"],
  ],
  "mul-loops": [
    ["check 1 loop [0] { add [0] -1 add [1] 1 }", "check 1 muladd [1] += [0] * 1 set [0] 0"],
    ["check 1 2 loop [0] { add [1] 3 add [0] -1 add [2] -2 }", "check 1 2 muladd [1] += [0] * 3 muladd [2] += [0] * -2 set [0] 0"],
    ["check 1 loop [0] { add [0] 1 add [1] 1 }", "check 1 muladd [1] += [0] * -1 set [0] 0"], // counts up: 256 - v turns
    ["check 1 loop [0] { add [0] 3 add [1] 1 }", "check 1 muladd [1] += [0] * 85 set [0] 0"], // 3 × 85 = 255 = -1
    ["check 1 loop [0] { add [0] -1 add [1] 1 add [1] -1 }", "check 1 set [0] 0"],
    ["check 1 loop [0] { add [0] -2 add [1] 1 }", "check 1 loop [0] { add [0] -2 add [1] 1 }"],
    ["check 1 loop [0] { add [0] -1 out [1] }", "check 1 loop [0] { add [0] -1 out [1] }"],
    ["check 1 loop [0] { add [0] -1 move 1 move -1 }", "check 1 loop [0] { add [0] -1 move 1 move -1 }"],
    // [1] is checked inside the loop: branch-free only where it is on the tape, else the loop as is.
    ["loop [0] { add [0] -1 check 1 add [1] 1 }", "guard 1..1 { muladd [1] += [0] * 1 set [0] 0 } else { loop [0] { add [0] -1 check 1 add [1] 1 } }"],
    ["check 1 loop [1] { add [1] -1 check 2 3 add [3] 2 check -1 add [-1] 1 }", "check 1 guard -1..3 { muladd [3] += [1] * 2 muladd [-1] += [1] * 1 set [1] 0 } else { loop [1] { add [1] -1 check 2 3 add [3] 2 check -1 add [-1] 1 } }"],
    // Sets happen only if the loop runs: the closed form keeps a loop that runs at most once.
    ["check 1 in [0] loop [0] { set [1] 0 add [0] -1 }", "check 1 in [0] loop [0] { set [1] 0 set [0] 0 }"],
    ["check 1 2 in [0] loop [0] { add [2] 1 set [1] 5 add [1] 2 add [0] -1 add [1] 1 }", "check 1 2 in [0] loop [0] { muladd [2] += [0] * 1 set [1] 8 set [0] 0 }"],
    ["check 1 in [0] loop [0] { add [1] 3 set [1] 1 add [0] 1 }", "check 1 in [0] loop [0] { set [1] 1 set [0] 0 }"], // the add before the set is lost
    ["in [0] loop [0] { set [0] 3 add [0] -1 }", "in [0] loop [0] { set [0] 3 add [0] -1 }"], // a set of the counter: no closed form
    ["in [0] loop [0] { add [0] -1 check 1 set [1] 7 }", "in [0] guard 1..1 { loop [0] { set [1] 7 set [0] 0 } } else { loop [0] { add [0] -1 check 1 set [1] 7 } }"],
  ],
  "scan-loops": [
    ["loop [0] { move 1 }", "scan 1"],
    ["loop [0] { move -3 }", "scan -3"],
    ["check -1 loop [0] known -1..0 { move 1 }", "check -1 scan 1"],
    ["loop [0] { move 1 out [0] }", "loop [0] { move 1 out [0] }"],
    ["check 1 loop [0] { loop [0] { move 1 } move -1 }", "check 1 loop [0] { scan 1 move -1 }"],
  ],
  "dead-code": [
    ["loop [0] { out [0] }", ""], // every cell is 0 at the start
    ["scan 1 in [0]", "in [0]"],
    ["in [0] loop [0] { in [0] } loop [0] { out [0] }", "in [0] loop [0] { in [0] }"], // a loop ends on a 0
    ["in [0] scan 1 loop [0] { in [0] }", "in [0] scan 1"],
    ["in [0] add [0] -1 loop [0] { in [0] }", "in [0] add [0] -1 loop [0] { in [0] }"],
    ["check 1 in [1] loop [1] { add [1] -1 } loop [0] { out [0] }", "check 1 in [1] loop [1] { add [1] -1 }"],
    ["check 1 in [1] loop [1] { add [0] 1 add [1] -1 } loop [0] { out [0] }", "check 1 in [1] loop [1] { add [0] 1 add [1] -1 } loop [0] { out [0] }"],
    ["move 1 loop [0] { out [0] }", "move 1"], // moving keeps what is known about cells
    ["check 1 in [0] loop [0] { in [0] } move 1 loop [-1] { }", "check 1 in [0] loop [0] { in [0] } move 1"],
    ["in [0] loop [0] { move 1 in [0] } loop [0] { } loop [1] { }", "in [0] loop [0] { move 1 in [0] } loop [1] { }"],
    ["check 1 in [1] guard 0..0 { set [1] 0 } else { loop [1] { in [1] } } loop [1] { }", "check 1 in [1] guard 0..0 { set [1] 0 } else { loop [1] { in [1] } }"],
    ["check 1 in [1] guard 0..0 { set [1] 0 } else { set [1] 1 } loop [1] { }", "check 1 in [1] guard 0..0 { set [1] 0 } else { set [1] 1 } loop [1] { }"],
    ["check 1 in [1] guard 0..0 { set [1] 0 } else { move 1 move -1 } loop [1] { }", "check 1 in [1] guard 0..0 { set [1] 0 } else { move 1 move -1 } loop [1] { }"],
    ["guard 0..0 { move 1 } else { } loop [0] { }", "guard 0..0 { move 1 } else { } loop [0] { }"],
  ],
  "known-values": [
    ["add [0] 3", "set [0] 3"],
    ["in [0] loop [0] { set [0] 0 add [0] 3 in [0] }", "in [0] loop [0] { set [0] 3 in [0] }"], // [-]+++ is one set
    ["set [0] 0 out [0]", "out [0]"],
    ["in [0] check 1 set [1] 2 muladd [0] += [1] * 3", "in [0] check 1 set [1] 2 add [0] 6"],
    ["in [0] check 1 in [1] set [1] 2 muladd [0] += [1] * 3", "in [0] check 1 in [1] set [1] 2 add [0] 6"], // an in is never dead: it reads
    ["check 1 in [1] muladd [1] += [0] * 3", "check 1 in [1]"], // from a cell known to be 0
    ["check 1 set [1] 2 muladd [1] += [0] * 3 in [0] muladd [1] += [0] * 3", "check 1 set [1] 2 in [0] muladd [1] += [0] * 3"],
    ["check 1 set [1] 128 muladd [0] += [1] * 2", "check 1 set [1] 128"], // 256 = 0
    ["set [0] 1 check 1 loop [0] { add [1] 1 set [0] 0 }", "set [0] 1 check 1 set [1] 1 set [0] 0"], // runs once: no loop
    ["in [0] loop [0] { add [0] -1 }", "in [0] loop [0] { add [0] -1 }"],
    ["set [0] 1 loop [0] { move 1 set [0] 0 }", "set [0] 1 loop [0] { move 1 set [0] 0 }"],
    ["in [0] check 1 in [1] set [0] 1 out [1] set [0] 2", "in [0] check 1 in [1] out [1] set [0] 2"], // a dead store
    ["in [0] set [0] 1 check 1 set [0] 2", "in [0] set [0] 1 check 1 set [0] 2"], // not across a check
    ["check 1 in [0] set [1] 1 in [0] set [1] 1", "check 1 in [0] set [1] 1 in [0]"],
    ["in [0] guard 0..0 { add [1] 1 } else { set [0] 0 }", "in [0] guard 0..0 { set [1] 1 } else { set [0] 0 }"],
    ["in [0] loop [0] { out [1] } add [1] 1", "in [0] loop [0] { out [1] } set [1] 1"], // the loop writes only [0]
    ["in [0] loop [0] { move 1 } add [1] 1", "in [0] loop [0] { move 1 } add [1] 1"],
    ["in [0] loop [0] { in [0] } loop [0] { in [0] }", "in [0] loop [0] { in [0] } loop [0] { in [0] }"],
  ],
  "hoist-guards": [
    // A walk to the left: the guard's cell to the right answers the same at every turn.
    [
      "check 1 2 loop [0] known 0..2 { guard 3..3 { muladd [3] += [1] * 1 set [1] 0 } else { loop [1] { add [1] -1 check 3 add [3] 1 } } move -1 }",
      "check 1 2 guard 3..3 { loop [0] known 0..3 { muladd [3] += [1] * 1 set [1] 0 move -1 } } else { loop [0] known 0..2 { guard 3..3 { muladd [3] += [1] * 1 set [1] 0 } else { loop [1] { add [1] -1 check 3 add [3] 1 } } move -1 } }",
    ],
    // A walk to the right, towards the guard's cell: the answer may change, so the guard stays.
    ["loop [0] { guard 1..1 { set [1] 0 } else { check 1 set [1] 0 } move 1 }", "loop [0] { guard 1..1 { set [1] 0 } else { check 1 set [1] 0 } move 1 }"],
    // Walking right, a guard on cells behind the pointer that the loop knows... and one it does not.
    ["check -1 loop [0] known -1..0 { guard -2..-1 { set [-2] 0 } else { check -2 set [-2] 0 } move 1 }", "check -1 guard -2..-1 { loop [0] known -2..0 { set [-2] 0 move 1 } } else { loop [0] known -1..0 { guard -2..-1 { set [-2] 0 } else { check -2 set [-2] 0 } move 1 } }"],
    // A balanced loop never moves: its guard always answers the same.
    ["check 1 in [1] loop [1] { guard 2..2 { set [2] 0 } else { check 2 set [2] 0 } add [1] -1 }", "check 1 in [1] guard 2..2 { loop [1] { set [2] 0 add [1] -1 } } else { loop [1] { guard 2..2 { set [2] 0 } else { check 2 set [2] 0 } add [1] -1 } }"],
    ["loop [0] { guard 0..1 { set [1] 0 } else { loop [0] { check 1 } } scan 1 }", "loop [0] { guard 0..1 { set [1] 0 } else { loop [0] { check 1 } } scan 1 }"], // a scan: no fixed stride
  ],
};

for (const [pass, cases] of Object.entries(SPECS)) {
  describe(pass, () => {
    test.each(cases)("%s  ==>  %s", (input, output) => {
      expect(after([pass], input)).toBe(layout(output));
    });
  });
}

// LIR that begins midway (a part of a program, not its start): nothing is known of any cell there.
const midway = (passes: readonly string[], text: string) => print(optimize({ ...parseLir(text), begins: "midway" }, { passes }).lir);

describe("LIR that begins midway", () => {
  test.each([
    ["dead-code", "loop [0] { out [0] }", "loop [0] { out [0] }"], // the cell may hold anything
    ["dead-code", "set [0] 0 loop [0] { out [0] }", "set [0] 0"], // what the ops themselves make known still counts
    ["known-values", "add [0] 3 out [0]", "add [0] 3 out [0]"],
    ["known-values", "set [0] 0 add [0] 3 out [0]", "set [0] 3 out [0]"],
    ["known-values", "check 1 in [1] muladd [1] += [0] * 3", "check 1 in [1] muladd [1] += [0] * 3"],
  ])("%s: %s  ==>  %s", (pass, input, output) => {
    expect(midway([pass], input)).toBe(layout(output));
  });

  test("the passes keep where the LIR begins, and at the start every cell is still 0", () => {
    expect(optimize({ ...parseLir("in [0]"), begins: "midway" }).lir.begins).toBe("midway");
    expect(after(["dead-code"], "loop [0] { out [0] }")).toBe("");
    expect(Knowledge.where({ ...parseLir(""), begins: "start" }).get(5)).toBe(0);
    expect(Knowledge.where({ ...parseLir(""), begins: "midway" }).get(5)).toBe(null);
  });
});

describe("knowledge", () => {
  test("cells set walking far left and far right are each known where they were set, and the rest still hold 0", () => {
    const known = Knowledge.atStart();
    const pos = 0;
    const value = (off: number) => ((off % 251) + 251) % 251 + 1; // 1..251: never the 0 the rest hold
    for (let off = -1; off >= -3000; off--) known.apply({ kind: "set", off, value: value(off), pos });
    for (let off = 1; off <= 3000; off++) known.apply({ kind: "set", off, value: value(off), pos });
    for (const off of [-3000, -2999, -1537, -1, 1, 2, 1500, 3000]) expect(known.get(off)).toBe(value(off));
    for (const off of [-3001, -5000, 0, 3001, 9000]) expect(known.get(off)).toBe(0);
  });
});

describe("positions and memory", () => {
  test("moves joined by fold-runs keep every step's position, as one number only when they are consecutive", () => {
    const joined = (text: string, source: string) => print(optimize(parseLir(text, { source }), { passes: ["fold-runs"] }).lir, { positions: true });
    expect(joined("move 1 @1:1 move 2 @1:2 @1:3", ">>>")).toBe("move 3 @1:1 @1:2 @1:3\n");
    expect(joined("move 1 @1:1 move 1 @1:3", "> >")).toBe("move 2 @1:1 @1:3\n");
  });

  test("given a function, the pass manager lowers by calling it, once", () => {
    let calls = 0;
    const made = optimize(() => (calls++, lower(parse(",[->+<]>."))));
    expect(calls).toBe(1);
    expect(print(made.lir)).toBe(print(optimize(lower(parse(",[->+<]>."))).lir));
  });
});

describe("fold-offsets", () => {
  test.each([
    [">+>+<<-", "check 1 add [1] 1 check 2 add [2] 1 add [0] -1"], // no move left
    [">>>", "move 3"], // the move checks the cells on its way itself
    ["><", "check 1"], // no move, but the step off the tape is still checked
    [">><.", "check 1 2 out [1] move 1"],
    ["<>>", "check -1 1 move 1"],
    ["+>>><", "add [0] 1 check 1 2 3 move 2"],
    ["[->+<]", "loop [0] { add [0] -1 check 1 add [1] 1 }"],
    [">[-]<", "check 1 loop [1] { add [1] -1 }"], // a balanced loop keeps the deferred move
    [">[-]>", "check 1 loop [1] { add [1] -1 } move 2"],
    [">[>]<", "move 1 loop [0] known -1..0 { move 1 } move -1"], // an unbalanced one needs p to be right
    [">[>]<[<]>", "move 1 loop [0] known -1..0 { move 1 } move -1 loop [0] known 0..1 { move -1 } move 1"],
    [">>[-<+>]", "check 1 2 loop [2] { add [2] -1 add [1] 1 } move 2"],
    [">[<+>>]", "move 1 loop [0] known -1..0 { add [-1] 1 move 1 }"], // [-1] is known: the last turn was there
  ])("%j  ==>  %s", (bf, output) => {
    expect(optimized(bf, ["fold-offsets"])).toBe(layout(output));
  });

  test("a loop's known range: what holds at its start, and what its body proves for the next turn", () => {
    // The body walks right by 2, and has proved the two cells behind it when it turns: its add to
    // [-1] needs no check, and its move checks the two new cells on its way.
    expect(optimized(">>+[<+>>>]", ["fold-offsets"])).toBe(layout("check 1 2 add [2] 1 move 2 loop [0] known -2..0 { add [-1] 1 move 2 }"));
  });

  test("a guard whose branches move the pointer: p is made right before it, and in each branch", () => {
    expect(after(["fold-offsets"], "move 1 guard 0..1 { move 1 } else { add [0] 1 } add [-1] 1")).toBe(
      layout("move 1 guard 0..1 { move 1 } else { add [0] 1 } add [-1] 1"),
    );
    expect(after(["fold-offsets"], "move 1 guard 0..1 { move 1 move -1 } else { add [0] 1 } move -1")).toBe(
      layout("check 1 guard 1..2 { } else { add [1] 1 }"),
    );
  });

  test("its output verifies, and so does every later pass's", () => {
    for (const c of randomCases(300)) {
      expect(() => optimize(lower(parse(c.source)), { verifyEach: true })).not.toThrow();
    }
  });

  test("asked to verify after each pass, the pass manager names the pass that left LIR that does not", () => {
    const unchecked = parseLir("out [3]"); // no pass makes this: it stands in for one that broke the rule
    expect(() => optimize(unchecked, { passes: ["fold-runs"] })).not.toThrow();
    expect(() => optimize(unchecked, { passes: ["fold-runs"], verifyEach: true })).toThrow(PassBrokeLirError);
    expect(() => optimize(unchecked, { passes: ["fold-runs"], verifyEach: true })).toThrow(/^the pass 'fold-runs' left LIR that does not verify: .*out uses cell \[3\]/);
  });

  test("it refuses LIR that does not verify, rather than fold it wrong", () => {
    expect(() => optimize({ ops: [{ kind: "check", reach: [{ off: 2, pos: 0 }] }], lines: new LineIndex("") }, { passes: ["fold-offsets"] })).toThrow(
      "fold-offsets: a step to 2 skips cells (known 0..0): the input LIR does not verify",
    );
  });
});

describe("the whole pipeline", () => {
  test("optimize collects between passes, unless its collect option is false", () => {
    let collections = 0;
    installCollector(new Collector(() => 0, () => collections++, 0)); // always grown enough
    try {
      const lir = parseLir("add [0] 1\nloop [0] {\n  add [0] -1\n}");
      optimize(lir, { stats: false });
      expect(collections).toBe(DEFAULT_PIPELINE.length);
      optimize(lir, { stats: false, collect: false });
      expect(collections).toBe(DEFAULT_PIPELINE.length);
    } finally {
      installCollector(BUN_COLLECTOR); // Bun's, as the native tier installs it
    }
  });

  test.each([
    ["[-]", ""], // dead: cell 0 starts at 0
    [",[-]", "in [0] set [0] 0"],
    [",[>]", "in [0] scan 1"],
    [",>+<[->+<]", "in [0] check 1 set [1] 1 muladd [1] += [0] * 1 set [0] 0"],
    [">+<+++++[>++<-]>.", "check 1 set [1] 11 set [0] 0 out [1] move 1"],
    [",[->+<]>.", "in [0] guard 1..1 { muladd [1] += [0] * 1 set [0] 0 } else { loop [0] { add [0] -1 check 1 add [1] 1 } } check 1 out [1] move 1"],
  ])("%j  ==>  %s", (bf, output) => {
    expect(optimized(bf)).toBe(layout(output));
  });

  test("stats: op and loop counts after each pass", () => {
    const { stats } = optimize(lower(parse(",[->+<]>[-]")));
    expect(stats.map((s) => [s.pass, s.ops, s.loops])).toEqual([
      ["input", 9, 2],
      ["fold-offsets", 9, 2],
      ["fold-runs", 9, 2],
      ["clear-loops", 8, 1],
      ["mul-loops", 11, 1], // a guard, a muladd and a set, and the loop kept for the guard's else
      ["scan-loops", 11, 1],
      ["dead-code", 11, 1],
      ["known-values", 11, 1],
      ["hoist-guards", 11, 1],
    ]);
    expect(formatStats(stats.slice(0, 4))).toBe(
      ["pass            ops  loops", "input             9      2", "fold-offsets      9      2  (0 ops, 0 loops)", "fold-runs         9      2  (0 ops, 0 loops)", "clear-loops       8      1  (-1 ops, -1 loops)"].join("\n"),
    );
  });

  test("passes are named; an unknown name says which exist", () => {
    expect(PASSES.map((p) => p.name).sort()).toEqual([...DEFAULT_PIPELINE].sort());
    expect(() => optimize({ ops: [], lines: new LineIndex("") }, { passes: ["fold-offsets", "loop-unrolling"] })).toThrow(UnknownPassError);
    expect(() => optimize({ ops: [], lines: new LineIndex("") }, { passes: ["loop-unrolling"] })).toThrow(
      "there is no pass 'loop-unrolling': the passes are fold-runs, fold-offsets, clear-loops, mul-loops, scan-loops, dead-code, known-values",
    );
  });

  test("inverse: step × inverse(step) = 1 (mod 256), for every odd step", () => {
    for (let step = -255; step < 256; step += 2) expect(((step * inverse(step)) % 256 + 256) % 256).toBe(1);
    expect(() => inverse(2)).toThrow(RangeError);
  });

});

describe("every pass gives exactly the reference interpreter's result", () => {
  const cases = randomCases(2000).map((c) => ({ ...c, program: parse(c.source) }));
  const expected = cases.map((c) => interpret(c.program, c.options));
  const lowered = cases.map((c) => lower(c.program));

  /** Run `passes` on every random program and compare with the interpreter. */
  function differential(passes: readonly string[]): void {
    cases.forEach((c, i) => {
      const lir = optimize(lowered[i]!, { passes }).lir;
      const diff = describeDifference(expected[i]!, interpretLir(lir, c.options));
      if (diff !== null) throw new Error(`passes ${passes.join(",")}, seed ${c.seed}: ${JSON.stringify(c.source)}\n${diff}\n${print(lir)}`);
    });
  }

  test.each(PASSES.map((p) => p.name))("%s alone, on 2,000 random programs", (name) => {
    differential([name]);
  }, 60_000);

  test.each(DEFAULT_PIPELINE.map((name, i) => [name, DEFAULT_PIPELINE.slice(0, i + 1)] as const))("the pipeline up to %s, on 2,000 random programs", (_name, passes) => {
    differential(passes);
  }, 60_000);

  test("any order of passes, with repeats: 100 random pipelines", () => {
    const rng = new Rng(2026);
    for (let i = 0; i < 100; i++) {
      const passes = Array.from({ length: rng.int(1, 10) }, () => rng.pick(PASSES).name);
      cases.slice(i * 20, i * 20 + 20).forEach((c, j) => {
        const diff = describeDifference(expected[i * 20 + j]!, interpretLir(optimize(lowered[i * 20 + j]!, { passes }).lir, c.options));
        if (diff !== null) throw new Error(`passes ${passes.join(",")}, seed ${c.seed}: ${JSON.stringify(c.source)}\n${diff}`);
      });
    }
  });

  test("optimized code never needs more steps than the interpreter took", () => {
    cases.slice(0, 500).forEach((c, i) => {
      const { result, steps } = interpretWithStats(c.program, c.options);
      expect(describeDifference(result, interpretLir(optimize(lowered[i]!).lir, { ...c.options, maxSteps: steps }))).toBeNull();
    });
  });

  // Not for every program: a guarded multiply loop on a 0 runs three instructions where the loop ran one.
  test("the pipeline cuts the work done: LIR instructions run, over 500 programs", () => {
    let before = 0;
    let after = 0;
    cases.slice(0, 500).forEach((c, i) => {
      before += interpretLirWithStats(lowered[i]!, c.options).executed;
      after += interpretLirWithStats(optimize(lowered[i]!).lir, c.options).executed;
    });
    expect(after / before).toBeLessThan(0.25); // 0.12 when written
  });

  test("a program nested 1,000 loops deep", () => {
    const src = "+>>>" + "[>+<".repeat(1000) + "-" + "]".repeat(1000) + ",[-]";
    const program: Program = parse(src);
    const lir: Lir = optimize(lower(program)).lir;
    expect(describeDifference(interpret(program), interpretLir(lir))).toBeNull();
    for (const p of PASSES) expect(countOps(optimize(lower(program), { passes: [p.name] }).lir.ops)).toBeGreaterThan(0);
  });
});

describe("the conformance programs, optimized", () => {
  const bench = benchPrograms();
  if (bench.skipReason !== null) test.skip(bench.skipReason, () => {});
  // Seconds each (mandelbrot about ten), so each runs in a child of its own, in parallel.
  let verdicts = new Map<string, Verdict | string>();
  beforeAll(async () => {
    verdicts = await runConformance(bench.programs, "lir-optimized");
  }, 600_000);
  test.each(bench.programs.map((c) => [c.name] as const))("%s", (name) => {
    expect(problemOf(name, verdicts.get(name))).toBeNull();
  });
});

describe("bench.ts", () => {
  // A benchmark set of two tiny programs, in a directory of its own.
  const dir = mkdtempSync(join(tmpdir(), "lir-bench-"));
  writeFileSync(join(dir, "tiny.b"), "++++++++[>++++++++<-]>+.[-]");
  writeFileSync(join(dir, "tiny.out"), "A");
  writeFileSync(join(dir, "echo.b"), ",[.,]");
  writeFileSync(join(dir, "echo.in"), "hi");
  writeFileSync(join(dir, "echo.out"), "hi");

  test("a table of the ops left after each pass", () => {
    const programs = loadPrograms(programsIn(dir, ["tiny", "echo"]).programs);
    const lines = passTable(programs).split("\n");
    expect(lines[0]).toMatch(/^ops after\s+tiny\s+echo$/);
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(["ops", "input", ...DEFAULT_PIPELINE]);
    expect(lines[1]).toMatch(/^input\s+11\s+4$/);
    expect(lines.at(-1)).toMatch(/^hoist-guards\s+\d+ \([+-]\d+\)\s+\d+ \([+-]\d+\)$/);
  });

  test("a table of runs before and after, which refuses a wrong answer", () => {
    const [tiny] = loadPrograms(programsIn(dir, ["tiny"]).programs);
    expect(runTable([tiny!], 2)).toMatch(/^program .*\ntiny\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+[\d.]+x\s+[\d.]+x$/);
    expect(() => timeRun({ ...tiny!, expected: new Uint8Array([66]) }, tiny!.lowered, 1)).toThrow("tiny: wrong output from the LIR interpreter");
    expect(programsIn(join(dir, "missing"), ["tiny"])).toMatchObject({ programs: [], missing: ["tiny"] });
  });

  test("as a script", async () => {
    const r = await runBun("chapters/09-optimizer/bench.ts", ["--dir", dir, "--times", "--runs", "1", "tiny"]);
    expect(r.stdout).toContain("The LIR interpreter, before and after optimizing (best of 1):");
    const none = await runBun("chapters/09-optimizer/bench.ts", ["--dir", join(dir, "missing")]);
    expect(none.stdout).toStartWith("(there is no folder ");
  });
});

describe("figures.ts", () => {
  const dir = mkdtempSync(join(tmpdir(), "lir-figures-"));
  writeFileSync(join(dir, "tiny.b"), "++++++++[>++++++++<-]>+.[-]");
  writeFileSync(join(dir, "tiny.out"), "A");

  test("the figures the prose quotes: instructions before and after the passes, and the ratios", () => {
    const [tiny] = loadPrograms(programsIn(dir, ["tiny"]).programs);
    const before = interpretLirWithStats(tiny!.lowered, tiny!.options).executed;
    const after = interpretLirWithStats(optimize(tiny!.lowered).lir, tiny!.options).executed;
    const figures = passFigures([tiny!]);
    expect(Object.keys(figures)).toEqual(["tinyBefore", "tinyAfter", "tinyFewer"]);
    expect(figures.tinyBefore).toBe(`${millions(before)} million`);
    expect(figures.tinyAfter).toBe(`${millions(after)} million`);
    expect(millions(2_500_000)).toBe("2.50");
    expect(figures.tinyFewer).toBe(ratio(before, after));
    expect(Number.parseFloat(figures.tinyFewer!)).toBeGreaterThan(1);
    expect(() => passFigures([{ ...tiny!, expected: new Uint8Array([66]) }])).toThrow("tiny: wrong output from the LIR interpreter");
    expect(ratio(3, 2)).toBe("1.5×");
  });

  test("as a script: one JSON object; a program that is not there is an error, not a note", async () => {
    const r = await runBun("chapters/09-optimizer/figures.ts", ["pascal"]);
    expect(Object.keys(JSON.parse(r.stdout))).toEqual(["pascalBefore", "pascalAfter", "pascalFewer"]);
    const bad = await runBun("chapters/09-optimizer/figures.ts", ["nosuch"]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain("there is no program 'nosuch'");
  });
});

describe("main.ts", () => {
  test("--emit=opt-lir prints the optimized LIR, --stats what each pass did", async () => {
    const r = await runBun("chapters/09-optimizer/main.ts", ["-e", ",[->+<]>.", "--emit=opt-lir", "--stats"]);
    expect(r.stdout).toBe(optimized(",[->+<]>."));
    expect(r.stderr).toBe(formatStats(optimize(lower(parse(",[->+<]>."))).stats) + "\n");
  });

  test("--passes picks the passes; --emit=lir prints the LIR before them", async () => {
    const some = await runBun("chapters/09-optimizer/main.ts", ["-e", ">[-]<", "--emit=opt-lir", "--passes", "fold-offsets"]);
    expect(some.stdout).toBe(optimized(">[-]<", ["fold-offsets"]));
    const none = await runBun("chapters/09-optimizer/main.ts", ["-e", ">[-]<", "--emit=opt-lir", "--passes="]);
    expect(none.stdout).toBe(optimized(">[-]<", []));
    const before = await runBun("chapters/09-optimizer/main.ts", ["-e", ">[-]<", "--emit=lir", "--positions"]);
    expect(before.stdout).toBe(print(lower(parse(">[-]<")), { positions: true }));
    const bad = await runBun("chapters/09-optimizer/main.ts", ["-e", "+", "--passes", "nope"]);
    expect([bad.exitCode, bad.stderr]).toEqual([1, expect.stringContaining("there is no pass 'nope'")]);
    const missing = await runBun("chapters/09-optimizer/main.ts", ["-e", "+", "--passes"]);
    expect(missing.stderr).toContain("--passes needs a list");
  });

  test("runs a program, and reports its errors like a compiler", async () => {
    const ok = await runBun("chapters/09-optimizer/main.ts", ["tests/programs/cat.b", "--stats"], { stdin: "purr" });
    expect([ok.exitCode, ok.stdout]).toEqual([0, "purr"]);
    expect(ok.stderr).toMatch(/tests\/programs\/cat\.b: ran in [\d.]+ ms/);
    const off = await runBun("chapters/09-optimizer/main.ts", ["-e", "+[>+]", "--tape", "5"]);
    const diagnostics = off.stderr.split("\n").filter((l) => !l.startsWith("jit-trace ")); // the opt tier maps code
    expect([off.exitCode, diagnostics[0]!.split(": error: ")[0]]).toEqual([1, "-e:1:3"]);
    const missing = await runBun("chapters/09-optimizer/main.ts", ["no-such.b"]);
    expect(missing.stderr).toContain("cannot read no-such.b");
  });

  test("with no program, a demo", async () => {
    const r = await runBun("chapters/09-optimizer/main.ts");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("known-values");
    expect(r.stdout).toEndWith("A\n");
  });
});
