// Chapter 9's ops (muladd, scan, guard), plugged into chapter 8's op set: each stage of chapter 8
// (text form, verifier, interpreter, x86 backend) knows them through their definitions in ops.ts.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { StepLimitError, TapeBoundsError } from "../chapters/06-interpreter/errors.ts";
import type { RunOptions } from "../chapters/06-interpreter/semantics.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { lirToX86, ownListing } from "../chapters/08-lir/codegen-x86.ts";
import { LirNestingError, LirSyntaxError, LirVerifyError, MAX_NESTING } from "../chapters/08-lir/errors.ts";
import { flatten, interpretLir } from "../chapters/08-lir/interpret-lir.ts";
import { countLoops, countOps, isBalanced } from "../chapters/08-lir/lir.ts";
import { defineOp, definedKinds, findDefinition } from "../chapters/08-lir/op-set.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { print } from "../chapters/08-lir/print.ts";
import { established, verify } from "../chapters/08-lir/verify.ts";
import { afterScan } from "../chapters/09-optimizer/ops.ts";
import { runNative } from "../shared/child.ts";
import type { LirCase, LirOutcome } from "./support/lir-native-probes.ts";
import { errorOf } from "./support/error-of.ts";

setDefaultTimeout(120_000);

const lines = (...ls: string[]) => ls.map((l) => l + "\n").join("");
const runText = (text: string, opts?: RunOptions) => interpretLir(parseLir(text), opts);

describe("the op set: chapter 9's ops are defined once, through chapter 8's seam", () => {
  test("each has a definition, and a kind cannot be defined twice", () => {
    expect(print(parseLir("muladd [1] += [0] * 2 scan 1"))).toBe("muladd [1] += [0] * 2\nscan 1\n");
    expect(errorOf(() => parseLir("jump 3"))).toBe("1:1: unknown op 'jump': the ops are add, set, move, check, loop, in, out, muladd, scan, guard");
    expect(errorOf(() => parseLir("3"))).toBe("1:1: expected an op (add, set, move, check, loop, in, out, muladd, scan, guard), found '3'");
    for (const kind of ["muladd", "scan", "guard"]) expect(String(findDefinition(kind)?.kind)).toBe(kind);
    for (const kind of ["add", "loop", "jump"]) expect(findDefinition(kind)).toBeUndefined();
    expect(definedKinds()).toEqual(["muladd", "scan", "guard"]);
    const scan = findDefinition("scan")!;
    expect(() => defineOp(scan)).not.toThrow(); // the same definition again: nothing changes
    expect(() => defineOp(Object.assign({}, scan))).toThrow("the op kind 'scan' is defined twice");
  });

});

describe("the text form", () => {
  test("every op prints back to the same text", () => {
    const text = lines(
      "add [0] -1",
      "muladd [1] += [0] * -3",
      "scan -2",
      "loop [1] {",
      "  scan 1",
      "}",
      "guard -1..4 {",
      "  set [0] 0",
      "} else {",
      "  move 1",
      "}",
    );
    expect(print(parseLir(text))).toBe(text);
  });

  test("a factor is kept modulo 256, as an add's amount", () => {
    expect(print(parseLir("muladd [1] += [0] * 200"))).toBe(lines("muladd [1] += [0] * -56"));
  });

  test.each([
    ["muladd [1] += [1] * 2", "1:1: muladd reads and writes the same cell [1]: use 'add' or 'set' instead"],
    ["muladd [1] * [0] * 2", "1:12: expected '+=', found '*'"],
    ["scan 0", "1:6: a stride to scan by cannot be 0"],
    ["guard 1..2 { } move 1", "1:16: expected 'else', found 'move'"],
    ["guard 2..1 { } else { }", "1:8: the range 2..1 is empty: write the low end first"],
    ["guard 0..1 { } else {", "1:21: this '{' is never closed: add the missing '}'"],
  ])("%j is a LirSyntaxError: %s", (text, message) => {
    expect(() => parseLir(text)).toThrow(LirSyntaxError);
    expect(errorOf(() => parseLir(text))).toBe(message);
  });

  test("a scan has a position for its [ and one for each step", () => {
    expect(parseLir("scan 1 @1:1 @1:2", { source: "[>]" }).ops[0]).toMatchObject({ kind: "scan", stride: 1, pos: 0, steps: 1 });
    expect(print(parseLir("scan 1 @1:1 @1:2", { source: "[>]" }), { positions: true })).toBe("scan 1 @1:1 @1:2\n");
  });

  test(`a guard's branches count towards the nesting limit of ${MAX_NESTING}`, () => {
    const ok = "loop [0] {".repeat(MAX_NESTING) + "}".repeat(MAX_NESTING);
    expect(() => parseLir("guard 0..0 {" + ok + "} else { }")).toThrow(LirNestingError);
    expect(() => parseLir("guard 0..0 { } else {" + ok + "}")).toThrow(LirNestingError);
  });
});

describe("the verifier", () => {
  test.each([
    ["guard 3..5 { add [5] 1\nadd [2] 1 } else { }"], // a guard proves its cells, and those between
    ["check -1 -2\nscan 2\nadd [-2] 1"], // if the scan moved, it crossed -2..0; if not, they were known before
    ["check 1\nmuladd [1] += [0] * 2"],
  ])("accepts %j", (text) => {
    expect(() => verify(parseLir(text))).not.toThrow();
  });

  test.each([
    ["check 1\nmuladd [1] += [-1] * 2", "2:1: muladd uses cell [-1], but only 0..1 are known to be on the tape here: a 'check' or 'move' must reach it first"],
    ["muladd [2] += [0] * 2", "1:1: muladd uses cell [2], but only 0..0 are known to be on the tape here: a 'check' or 'move' must reach it first"],
    ["guard 1..1 { } else { add [1] 1 }", "1:23: add uses cell [1], but only 0..0 are known to be on the tape here: a 'check' or 'move' must reach it first"],
    ["check 1\nscan 1\nadd [1] 1", "3:1: add uses cell [1], but only 0..0 are known to be on the tape here: a 'check' or 'move' must reach it first"],
  ])("%j", (text, message) => {
    expect(() => verify(parseLir(text))).toThrow(LirVerifyError);
    expect(errorOf(() => verify(parseLir(text)))).toBe(message);
  });

  test("what a scan leaves known, and what a loop body with them proves by itself", () => {
    expect(afterScan({ lo: -2, hi: 3 }, 1)).toEqual({ lo: -2, hi: 0 });
    expect(afterScan({ lo: -2, hi: 3 }, -2)).toEqual({ lo: 0, hi: 3 });
    expect(established(parseLir("check -1\nscan 1").ops)).toEqual({ lo: -1, hi: 0 });
    expect(established(parseLir("check 1\nscan 1").ops)).toEqual({ lo: 0, hi: 0 });
    expect(established(parseLir("guard 0..2 { move 2 } else { move 1 }").ops)).toEqual({ lo: -1, hi: 0 });
  });
});

describe("helpers", () => {
  test("balanced: a scan never is; a guard is when both its branches are", () => {
    expect(isBalanced(parseLir("move 1 move -1 loop [0] { } guard 0..0 { } else { }").ops)).toBe(true);
    expect(isBalanced(parseLir("scan 1").ops)).toBe(false);
    expect(isBalanced(parseLir("loop [0] { scan 1 }").ops)).toBe(false);
    expect(isBalanced(parseLir("guard 0..0 { } else { move 1 move -2 }").ops)).toBe(false);
  });

  test("counting ops and loops, inside guards too", () => {
    const lir = parseLir("add [0] 1 loop [0] { loop [0] { } } guard 0..0 { loop [0] { } } else { out [0] }");
    expect(countOps(lir.ops)).toBe(6);
    expect(countLoops(lir.ops)).toBe(3);
  });

  test("flatten: a guard jumps to its else branch, which is out of line, and jumps back", () => {
    const flat = flatten(parseLir("loop [0] { add [0] -1 } guard 1..2 { out [0] } else { in [0] } out [0]"));
    // LOOP ADD END RUN(guard) OUT OUT HALT, then the else branch out of line: IN JUMP.
    expect([...flat.code]).toEqual([4, 0, 5, 10, 7, 7, 9, 6, 8]);
    expect([flat.b[0], flat.b[2], flat.c[3], flat.a[8], flat.end]).toEqual([3, 1, 7, 5, 6]);
    expect(flat.run[3]).toBeFunction();
  });
});

describe("the LIR interpreter runs them with chapter 6's semantics", () => {
  test("a scan finds the first zero on its way, skipping the cells in between", () => {
    const r = runText("check 1 2 3 4\nset [0] 1\nset [2] 1\nset [4] 1\nscan 2\nout [0]", { tapeSize: 10 });
    expect(r.pointer).toBe(6);
    expect(runText("check 1 2\nset [1] 1\nset [2] 1\nmove 2\nscan -1", { tapeSize: 10 }).pointer).toBe(0);
  });

  test("muladd wraps, and a guard runs the branch its cells choose", () => {
    expect(runText("set [0] 255 check 1 set [1] 3 muladd [1] += [0] * -128").tape[1]).toBe((3 + 255 * -128) & 255);
    expect(runText("set [0] 4 guard 0..3 { set [0] 9 } else { set [0] 1 }", { tapeSize: 8 }).tape[0]).toBe(9);
    expect(runText("set [0] 4 guard 0..3 { set [0] 9 } else { set [0] 1 }", { tapeSize: 3 }).tape[0]).toBe(1);
  });

  test("each cell a scan stops on is a loop test: a step", () => {
    const inScan = runText("check 1 2 3 4\nset [0] 1\nset [1] 1\nset [2] 1\nset [3] 1\nscan 1", { maxSteps: 3, tapeSize: 10 });
    expect(inScan.error).toBeInstanceOf(StepLimitError);
    expect(inScan.error?.message).toStartWith("6:1: stopped here after 3 steps");
    expect(inScan.pointer).toBe(3);
    const slowScan = runText("set [0] 1\ncheck 1 2\nset [2] 1\nscan 2", { maxSteps: 2, tapeSize: 10 });
    expect([slowScan.error?.name, slowScan.pointer]).toEqual(["StepLimitError", 4]);
    const scanOffTape = runText("set [0] 1\ncheck 1\nset [1] 1\nscan 1", { maxSteps: 100, tapeSize: 2 });
    expect(scanOffTape.error).toBeInstanceOf(TapeBoundsError);
  });
});

/** Stand-in addresses: code generation is pure, nothing here calls them. */
const IMPORTS = { write: 0x7fff_0000_1000, read: 0x7fff_0000_2000 };
const instructions = (listing: string): string[] =>
  listing
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").replace("{disp32} ", "").trim())
    .filter((l) => l !== "");
/** What chapter 8's backend makes of `lir`'s ops, then their out-of-line code. */
const lowered = (lir: string): string[] => instructions(ownListing(lirToX86(parseLir(lir), IMPORTS)));

describe("chapter 8's backend lowers them through their definitions", () => {
  test.each([
    ["check 1 muladd [1] += [0] * 1", ["lea rax, [rbx+1]", "cmp rax, r13", "jae off_tape_0", "movzx ecx, byte ptr [rbx]", "add byte ptr [rbx+1], cl"]],
    ["check -1 muladd [-1] += [0] * -1", ["lea rax, [rbx-1]", "cmp rax, r12", "jb off_tape_0", "movzx ecx, byte ptr [rbx]", "sub byte ptr [rbx-1], cl"]],
    ["check 1 muladd [1] += [0] * 5", ["lea rax, [rbx+1]", "cmp rax, r13", "jae off_tape_0", "movzx ecx, byte ptr [rbx]", "imul eax, ecx, 5", "add byte ptr [rbx+1], al"]],
  ] as const)("%s", (lir, expected) => {
    expect(lowered(lir).slice(0, expected.length)).toEqual([...expected]);
  });

  test("scan: a loop of checked steps, until the cell is 0", () => {
    expect(lowered("scan -3")).toEqual([
      "cmp byte ptr [rbx], 0",
      "je scan_done",
      "scan:",
      "sub rbx, 3",
      "cmp rbx, r12",
      "jb off_tape_0",
      "cmp byte ptr [rbx], 0",
      "jne scan",
      "scan_done:",
      "off_tape_0:", // out of line: the failed step is undone, so the host sees where it started
      "add rbx, 3",
      "mov eax, 0",
      "jmp off_tape",
    ]);
  });

  test("guard: the test inline, the slow branch out of line, jumping back", () => {
    expect(lowered("guard 0..2 { set [2] 1 } else { check 1 2 set [2] 1 }")).toEqual([
      "lea rax, [rbx+2]",
      "cmp rax, r13",
      "jae guard_else",
      "mov byte ptr [rbx+2], 1",
      "guard_end:",
      "guard_else:",
      "lea rax, [rbx+2]",
      "cmp rax, r13",
      "jae off_tape_0",
      "mov byte ptr [rbx+2], 1",
      "jmp guard_end",
      "off_tape_0:",
      "mov eax, 0",
      "jmp off_tape",
    ]);
  });

  test("labels stay unique", () => {
    const names = lowered("loop [0] { scan 2 } loop [0] { scan 2 }").filter((l) => l.endsWith(":"));
    expect(names).toEqual([...new Set(names)]);
    expect(names).toContain("scan_2:");
  });
});

describe("each of them, run natively by chapter 8's backend against interpretLir (in one child)", () => {
  const CASES: readonly LirCase[] = [
    { name: "muladd, every factor kind", lir: "set [0] 7 check 1 2 3 muladd [1] += [0] * 1 muladd [2] += [0] * -1 muladd [3] += [0] * 37 out [1] out [2] out [3]" },
    { name: "muladd wraps", lir: "set [0] 255 check 1 set [1] 3 muladd [1] += [0] * -128 out [1]" },
    { name: "scan right to a zero", lir: "add [0] 1 check 1 2 3 4 set [1] 1 set [2] 1 scan 1 out [0] move -1 out [0]", tapeSize: 10 },
    { name: "scan right off the tape", lir: "add [0] 1 check 1 2 3 set [1] 1 set [2] 1 set [3] 1 scan 1", tapeSize: 4 },
    { name: "scan left off the tape", lir: "add [0] 1 check 1 2 set [1] 1 set [2] 1 move 2 scan -1 add [0] 1", tapeSize: 8 },
    { name: "scan by 3 off the tape", lir: "add [0] 1 check 1 2 3 4 5 6 set [3] 1 set [6] 1 scan 3", tapeSize: 8 },
    { name: "scan by -2 to a zero", lir: "move 6 set [0] 1 check -1 -2 set [-2] 1 scan -2 out [0]", tapeSize: 8 },
    { name: "guard taken", lir: "set [0] 4 guard 0..3 { set [3] 9 } else { check 1 2 3 set [3] 1 } check 1 2 3 out [3]", tapeSize: 8 },
    { name: "guard not taken: the slow branch fails where it should", lir: "set [0] 4 guard -1..3 { set [3] 9 } else { check 1 2 3 set [3] 1 } out [0]", tapeSize: 3 },
  ];
  let outcomes: Map<string, LirOutcome>;
  beforeAll(async () => {
    const r = await runNative<LirOutcome[]>("tests/support/ops-native-probes.ts", "runLirCases", [CASES]);
    if (!r.ok) throw new Error(`the LIR cases failed in the child: ${r.error?.message ?? r.diagnosis ?? r.stderr}`);
    outcomes = new Map(r.value!.map((o) => [o.name, o]));
  });

  test.each(CASES.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const o = outcomes.get(name)!;
    expect(o.thrown).toBeNull();
    const expected = interpretLir(parseLir(c.lir), { input: Uint8Array.from(c.input ?? []), ...(c.tapeSize ? { tapeSize: c.tapeSize } : {}) });
    const tape = new Uint8Array(o.tape!.size);
    tape.set(Buffer.from(o.tape!.bytes, "base64"), o.tape!.from);
    expect(Buffer.from(o.output, "base64")).toEqual(Buffer.from(expected.output));
    expect([o.pointer, o.error?.name ?? null, o.error?.pos ? formatPos(o.error.pos) : null]).toEqual([
      expected.pointer,
      expected.error?.name ?? null,
      expected.error?.pos ? formatPos(expected.error.pos) : null,
    ]);
    expect([...tape]).toEqual([...expected.tape]);
  });

  test("some of them do fail, off either end", () => {
    const errors = [...outcomes.values()].map((o) => o.error?.name).filter((n) => n !== undefined);
    expect(errors.length).toBeGreaterThanOrEqual(4);
  });
});
