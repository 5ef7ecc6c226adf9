// Chapter 11: tiering. The pieces are specified here, in this process (what a loop compiled alone is
// told, which passes it may run, what its code ends with, when the counting interpreter tiers up and
// what it hands over), with JavaScript as the upper tier; the x86-64 upper tier runs in children.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference, type RunResult } from "../chapters/06-interpreter/semantics.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { gnuListing } from "../chapters/07-template-jit/listing.ts";
import { stepAt, type LoopOp } from "../chapters/08-lir/lir.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { print } from "../chapters/08-lir/print.ts";
import { verify } from "../chapters/08-lir/verify.ts";
import { DEFAULT_PIPELINE, optimize } from "../chapters/09-optimizer/optimize.ts";
import { CountingInterpreter, NotLoweredError, Profile } from "../chapters/11-tiering/counting-interpreter.ts";
import { freshMachine, MemoryIo, TieredJsProgram } from "../chapters/11-tiering/js-tiers.ts";
import { JsLoopCompiler } from "../chapters/11-tiering/lir-to-js.ts";
import { loopToX86 } from "../chapters/11-tiering/loop-codegen.ts";
import { LOOP_PASSES, loopUnit, optimizeLoop, provedAtLoopHeads } from "../chapters/11-tiering/loop-entry.ts";
import { firstStepOff, OffTapeMismatchError } from "../chapters/11-tiering/off-tape.ts";
import type { TieringReport } from "../chapters/11-tiering/report.ts";
import { formatTiering } from "../chapters/11-tiering/stats.ts";
import { runNative } from "../shared/child.ts";
import { checkCase, projectPrograms } from "./support/bf-programs.ts";
import { runBatch, type NativeCase, type NativeOutcome } from "./support/bf-native.ts";

setDefaultTimeout(60_000); // children, and thousands of programs (the preload's timeout reaches only one file)

/** Stand-in addresses: code generation is pure, nothing here calls them. */
const IMPORTS = { write: 0x7fff_0000_1000, read: 0x7fff_0000_2000, memchr: 0x7fff_0000_3000, memrchr: 0x7fff_0000_4000 };
const bytes = (s: string) => new TextEncoder().encode(s);
const firstLoop = (ops: readonly unknown[]) => ops.find((op): op is LoopOp => (op as LoopOp).kind === "loop")!;

// #region proved-spec
describe("what a loop compiled alone is told about its head", () => {
  test.each([
    // [LIR, the cells proved at each loop's test, outermost first]
    ["loop [0] { add [0] -1 }", "0..0"],
    ["move 2 loop [0] { add [0] -1 }", "-2..0"], //                 a balanced loop keeps what the moves proved
    ["move 2 loop [0] { move 1 }", "0..0"], //                      an unbalanced one only its own cell
    ["move 1 move -2 loop [0] { loop [0] { add [0] 1 } }", "0..2 0..2"],
    ["check 1 2 loop [0] { add [1] 1 }", "0..2"],
    ["guard 0..3 { loop [0] { add [3] -1 } } else { }", "0..3"], // inside a guard, the guarded cells too
    ["check 1 loop [1] known 0..1 { move 1 check 1 }", "0..1"], //  a loop's own `known` invariant
  ])("%s: %s", (text, expected) => {
    const lir = parseLir(text);
    verify(lir);
    expect([...provedAtLoopHeads(lir).values()].map((r) => `${r.lo}..${r.hi}`).join(" ")).toBe(expected);
  });

  test("alone, a loop that uses cells proved before it does not verify; with the check in front, it does", () => {
    const lir = parseLir("move 2 loop [0] { add [-2] 1 add [0] -1 }");
    const loop = firstLoop(lir.ops);
    expect(() => verify({ ...lir, ops: [loop] })).toThrow("add uses cell [-2], but only 0..0 are known to be on the tape here");
    const unit = loopUnit(loop, provedAtLoopHeads(lir).get(loop)!, lir.lines);
    expect(print(unit)).toBe("check -1 -2\nloop [0] {\n  add [-2] 1\n  add [0] -1\n}\n");
    expect(() => verify(unit)).not.toThrow();
    expect(loopUnit(loop, { lo: 0, hi: 0 }, lir.lines).ops).toEqual([loop]); // nothing to hand over: no check
  });
});
// #endregion proved-spec

// #region passes-spec
/** The unit of the first loop of a Brainfuck program: the loop, and the check of what its head proves. */
function unitOf(source: string) {
  const lir = lower(parse(source));
  const loop = firstLoop(lir.ops);
  return loopUnit(loop, provedAtLoopHeads(lir).get(loop)!, lir.lines);
}

describe("the passes a loop unit may run", () => {
  test("from a program's start, the whole pipeline deletes the loop: on a fresh tape its cell is 0", () => {
    expect(print(optimize({ ...unitOf(">>[-<+>]"), begins: "start" }).lir)).toBe("check -1 -2\n");
  });

  test("a unit begins midway, so the loop passes (dead-code and known-values among them) keep the loop's effect", () => {
    expect(unitOf(">>[-<+>]").begins).toBe("midway");
    expect(LOOP_PASSES).toEqual(DEFAULT_PIPELINE.filter((p) => p !== "hoist-guards"));
    expect(print(optimizeLoop(unitOf(">>[-<+>]")))).toBe("check -1 -2\nmuladd [-1] += [0] * 1\nset [0] 0\n");
  });

  test("known values still count from what the loop itself sets", () => {
    expect(print(optimizeLoop(unitOf(">>[[-]+++.-]")))).toContain("set [0] 3");
  });
});
// #endregion passes-spec

describe("a loop's machine code", () => {
  /** The listing of +[->+<]'s loop, one instruction (or label) a line, without the bytes. */
  const lines = () => gnuListing(loopToX86(optimizeLoop(unitOf("+[->+<]")), IMPORTS).asm).split("\n").map((l) => l.trim().split(/\s+#/)[0]!);

  test("loads the state from the context block, as a whole program does", () => {
    expect(lines().slice(1, 13)).toEqual([
      "push rbx", "push r12", "push r13", "push r14", "push r15",
      "mov r14, rdi",
      "mov r12, qword ptr [r14]",
      "mov r13, qword ptr [r14+8]",
      "add r13, r12",
      "mov rbx, qword ptr [r14+16]",
      "add rbx, r12",
      "mov r15, qword ptr [r14+40]",
    ]);
  });

  test("ends the loop with status 0 and a jump to the exit: no flush, the interpreter goes on filling the buffer", () => {
    const code = lines();
    const end = code.indexOf("xor eax, eax");
    expect(code.slice(end, end + 4)).toEqual(["xor eax, eax", "{disp32} jmp leave", "call flush", "leave:"]);
  });
});

// #region interpreter-spec
/** The switches of a tiered run with JavaScript as the upper tier: "osr 1:9 after 3 at p0 (0 pending)". */
function switches(source: string, threshold: number): string[] {
  const events: string[] = [];
  new TieredJsProgram(parse(source), threshold, (e) => {
    events.push(`${e.kind} ${formatPos(e.at)} after ${e.iterations} at p${e.p} (${e.pending} pending)`);
  }).run();
  return events;
}

describe("the counting interpreter: when it tiers up, and what it hands over", () => {
  test.each([
    ["++++++++[>+<-]", 3, ["osr 1:9 after 3 at p0 (0 pending)", "exit 1:9 after 3 at p0 (0 pending)"]],
    ["++++++++[>+<-]", 0, ["entry 1:9 after 0 at p0 (0 pending)", "exit 1:9 after 0 at p0 (0 pending)"]], // 0: at once
    ["++++++++[>+<-]", 7, ["osr 1:9 after 7 at p0 (0 pending)", "exit 1:9 after 7 at p0 (0 pending)"]],
    ["++++++++[>+<-]", 8, []], //           8 rounds are 7 back edges: never hot
    ["++++++++[>+<-]", Infinity, []],
    // The inner loop gets hot first; then the outer one, which takes the inner one with it.
    ["++[>+++[>+<-]<-]", 1, ["osr 1:8 after 1 at p1 (0 pending)", "exit 1:8 after 1 at p1 (0 pending)", "osr 1:3 after 1 at p0 (0 pending)", "exit 1:3 after 1 at p0 (0 pending)"]],
    // Compiled on its first visit, entered straight away on its second: the code is kept.
    ["++[>+++[>+<-]<-]", 2, ["osr 1:8 after 2 at p1 (0 pending)", "exit 1:8 after 2 at p1 (0 pending)", "entry 1:8 after 2 at p1 (0 pending)", "exit 1:8 after 2 at p1 (0 pending)"]],
    // The output buffer crosses with its pending bytes: two before the switch, four after.
    [">+++.[>++.<-]>.", 1, ["osr 1:6 after 1 at p1 (2 pending)", "exit 1:6 after 1 at p1 (4 pending)"]],
  ] as const)("%s with threshold %p", (source, threshold, expected) => {
    expect(switches(source, threshold)).toEqual([...expected]);
  });

  test("an error inside a compiled loop stops the program there, with the interpreter's state", () => {
    const source = "++++++++[>++++++<-]>[.+>+<[->+<]>]"; // prints and walks right until it falls off
    const run = new TieredJsProgram(parse(source), 4).runWithStats({ tapeSize: 40 });
    expect(run.loops.map((l) => formatPos(l.at))).toContain("1:21");
    expect(run.result.error?.message).toStartWith("1:24: '>' moved the pointer off the right end of the tape, to cell 40");
    expect(describeDifference(interpret(parse(source), { tapeSize: 40 }), run.result)).toBeNull();
  });

  test("the time of a run is split between the tiers, and the loops it compiled are listed", () => {
    // The inner loop runs 7 back edges a visit: its count adds up over visits, and it is hot at the second.
    const run = new TieredJsProgram(parse("++++++++[>++++++++[>+<-]<-]>>."), 10).runWithStats();
    const { interpreterMs, compileMs, codeMs, totalMs, compiles } = run.times;
    expect(interpreterMs + compileMs + codeMs).toBeCloseTo(totalMs, 6);
    expect(compiles).toBe(run.loops.length);
    const report = formatTiering(run.loops, run.times, { threshold: 10, target: "JavaScript" });
    expect(report).toMatch(/^threshold 10: 1 loop compiled to JavaScript\n  loop  after +at +compile +code +entries +time inside\n  1:19 +10 .* 7 +\d/);
    expect(report).toMatch(/\ntime: .* = interpreter .* \+ compiling .* \(1 loop\) \+ compiled loops .* \(7 entries\)$/);
  });

  test("it runs lowered LIR; optimized LIR is refused, with the reason", () => {
    const profile = new Profile(optimize(lower(parse("+[-]"))).lir);
    const interpreter = new CountingInterpreter(profile, new MemoryIo(new Uint8Array(0), "zero"), { threshold: 10, compiler: new JsLoopCompiler() });
    expect(() => interpreter.run(freshMachine(8))).toThrow(NotLoweredError);
  });

  test("firstStepOff names the first step that leaves, and a report that leaves nowhere is a bug", () => {
    const lir = lower(parse(">>>"));
    const steps = lir.ops[0]!;
    const reaches = [1, 2, 3].map((off, i) => ({ off, pos: steps.kind === "move" ? stepAt(steps.steps, i) : 0 }));
    expect(firstStepOff(reaches, 6, 8, lir.lines)).toMatchObject({ pointer: 7, error: { name: "TapeBoundsError", message: expect.stringMatching(/^1:2: /) } }); // cell 8
    expect(() => firstStepOff(reaches, 0, 8, lir.lines)).toThrow(OffTapeMismatchError);
  });
});
// #endregion interpreter-spec

// #region native-spec
/** The project's programs that parse: a syntax error is the parser's business, not the tier's. */
const runnable = () => projectPrograms().filter((p) => p.expectedError?.name !== "BrainfuckSyntaxError");

describe("the tiered JIT, x86-64 (in one child): the project's programs and the edges of a switch", () => {
  const eager = (name: string, source: string, options: NativeCase["options"] = {}, bufferSize?: number): NativeCase =>
    ({ name, source, options, ...(bufferSize === undefined ? {} : { bufferSize }) });
  const cases: NativeCase[] = [
    ...runnable().map((p) => eager(p.name, p.source, p.options)),
    eager("off the tape inside a compiled loop", "++++++++[>++++++<-]>[.+>+<[->+<]>]", { tapeSize: 40 }),
    eager("off the left inside a compiled loop", ">>>>>>>>+[<+]", { tapeSize: 16 }),
    eager("bytes from both tiers through a 16-byte buffer", "++++++++[>++++++++<-]>+[.+>+++++[-<.>]<]", {}, 16),
    // The inner loop prints 8 bytes a visit, and is compiled in its first: it exits twice more with bytes pending.
    eager("bytes pending at every exit of a compiled loop", "+++[>++++++++[>.<-]<-]"),
    eager("input read by both tiers", ",[.,]", { input: bytes("the quick brown fox"), eof: "zero" }),
    eager("input, then EOF in a compiled loop", "+[,.]", { input: bytes("abcdefgh"), eof: "zero" }),
  ];
  const noBuffer = eager("no output buffer", "+.", {}, 0);
  let outcomes: Map<string, NativeOutcome>;
  beforeAll(async () => {
    outcomes = new Map((await runBatch("tiered", [...cases, noBuffer], { label: "chapter 11 programs" })).map((o) => [o.name, o]));
  });
  const likeInterpreter = (name: string) => {
    const o = outcomes.get(name)!;
    const c = cases.find((x) => x.name === name)!;
    expect(o.thrown).toBeNull();
    expect(describeDifference(interpret(parse(c.source), c.options), o.result as RunResult)).toBeNull();
    return o;
  };

  test.each(runnable().filter((p) => p.options.maxSteps === undefined).map((p) => [p.name, p] as const))(
    "%s: the expected output and error",
    (name, p) => {
      expect(checkCase(p, outcomes.get(name)!.result!)).toBeNull();
    },
  );

  test("fuel is refused: this tier's compiled loops count no steps (chapter 12's tiered tier does)", () => {
    expect(outcomes.get("infinite")?.thrown?.name).toBe("UnsupportedOptionError");
  });

  test("an output buffer of 0 bytes is refused, as by chapter 7's runtime", () => {
    expect(outcomes.get(noBuffer.name)?.thrown).toEqual({ name: "RangeError", message: "the output buffer size must be a whole number of bytes from 1 to 2^30, not 0" });
  });

  test.each(cases.slice(runnable().length).map((c) => [c.name]))("%s: the interpreter's exact result, with loops compiled", (name) => {
    expect(likeInterpreter(name).codeSize).toBeGreaterThan(0);
  });

  test("a compiled loop does not flush at its exit: one write for the whole run", () => {
    const o = outcomes.get("bytes pending at every exit of a compiled loop")!;
    expect([o.writes, o.result?.output.length]).toEqual([1, 24]);
  });
});

describe("the tiered JIT, x86-64 (in a child): switches, the cache, the code", () => {
  let report: TieringReport;
  beforeAll(async () => {
    const r = await runNative<TieringReport>("chapters/11-tiering/report.ts", "tieringReport", [">+++.[>++.<-]>.", { threshold: 1 }]);
    if (!r.ok) throw new Error(`the report failed: ${r.error?.message ?? r.diagnosis ?? r.stderr}`);
    report = r.value!;
  });

  test("the same switches, with the same state, as with JavaScript above it", () => {
    expect(report.switches.map((e) => `${e.kind} ${e.loop} after ${e.iterations} at p${e.p} (${e.pending} pending)`)).toEqual(switches(">+++.[>++.<-]>.", 1));
    expect([report.output, report.error, report.pointer]).toEqual(["\x03\x02\x04\x06\x06", null, 2]);
  });

  test("a second run reuses the compiled loop: no compile, straight in at its test", () => {
    expect(report.compiled).toEqual([{ loop: "1:6", after: 1, entries: 1 }]);
    expect(report.again).toEqual({ compiles: 0, entries: 1, sameOutput: true });
  });

  test("the code of each loop, listed under the loop's position; after free, nothing runs", () => {
    expect(report.codeSize).toBeGreaterThan(50);
    expect(report.listing).toStartWith("# the loop at 1:6\n.intel_syntax noprefix\n");
    expect(report.afterFree).toBe("TieredStateError: this tiered program was freed, and its compiled loops unmapped: compile the program again to run it");
  });
});
// #endregion native-spec
