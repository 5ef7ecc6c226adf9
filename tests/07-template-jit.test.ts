// Chapter 7: the template JIT and the native runtime, as a specification. Templates and code
// generation are checked here, in this process, against GNU as; everything that executes generated
// code runs in child processes: batches of programs through tests/support/bf-native.ts, and the
// runtime's edge cases through tests/support/bf-native-probes.ts.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { hasGnuAs } from "../chapters/02-first-bytes/gnu-as.ts";
import { Asm, type Label } from "../chapters/05-control-flow/labels.ts";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference, type RunResult } from "../chapters/06-interpreter/semantics.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { STATUS } from "../chapters/07-template-jit/context.ts";
import { generate, runLength, stepsOf } from "../chapters/07-template-jit/generate.ts";
import { gnuListing } from "../chapters/07-template-jit/listing.ts";
import { FRAME, emitFlushRoutine, emitInputRoutine, newExits } from "../chapters/07-template-jit/routines.ts";
import { offTape } from "../chapters/07-template-jit/runtime.ts";
import { emitAdd, emitClose, emitInput, emitMove, emitOffTapeStub, emitOpen, emitOutput } from "../chapters/07-template-jit/templates.ts";
import { runNative } from "../shared/child.ts";
import { checkCase, compiledPrograms } from "./support/bf-programs.ts";
import { runBatch, type NativeCase, type NativeOutcome } from "./support/bf-native.ts";
import { gnuBytes } from "./support/bf-native-gnu.ts";
import { againstInterpreter } from "./support/native-suites.ts";

setDefaultTimeout(60_000); // children load instrumented sources under `npm run coverage`

const GNU_AS = hasGnuAs();
/** Stand-in addresses: code generation is pure, nothing here calls them. */
const IMPORTS = { write: 0x7fff_0000_1000, read: 0x7fff_0000_2000 };
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
const bytes = (s: string) => new TextEncoder().encode(s);

/** The template `emit` makes alone, with the labels it jumps to bound right after it. */
function template(emit: (a: Asm, after: () => Label) => void): Asm {
  const a = new Asm();
  const later: Label[] = [];
  emit(a, () => {
    const l = a.newLabel(`after${later.length}`);
    later.push(l);
    return l;
  });
  for (const l of later) a.bind(l);
  return a;
}

// #region template-spec
describe("each command is a fixed template", () => {
  test.each([
    ["+", (a: Asm) => emitAdd(a, "+", 1), "41 80 04 1c 01"], //       add byte [r12+rbx], 1
    ["+++", (a: Asm) => emitAdd(a, "+", 3), "41 80 04 1c 03"],
    ["---", (a: Asm) => emitAdd(a, "-", 3), "41 80 2c 1c 03"], //     sub byte [r12+rbx], 3
    ["+ x 257", (a: Asm) => emitAdd(a, "+", 257), "41 80 04 1c 01"], // cells wrap: 257 is 1
    ["+ x 256", (a: Asm) => emitAdd(a, "+", 256), ""], //              and 256 is nothing
  ])("%s", (_name, emit, expected) => {
    expect(hex(template(emit).finish())).toBe(expected);
  });

  test.each([
    // add rbx, n; cmp rbx, r13; jae off_tape (rel32, to the stub right after)
    [">", ">", 1, "48 83 c3 01 4c 39 eb 0f 83 00 00 00 00"],
    [">>>", ">", 3, "48 83 c3 03 4c 39 eb 0f 83 00 00 00 00"],
    ["<", "<", 1, "48 83 eb 01 4c 39 eb 0f 83 00 00 00 00"],
    ["> x 1000", ">", 1000, "48 81 c3 e8 03 00 00 4c 39 eb 0f 83 00 00 00 00"],
  ] as const)("%s", (_name, op, count, expected) => {
    expect(hex(template((a, after) => emitMove(a, op, count, after())).finish())).toBe(expected);
  });

  test("the stub of a failed check undoes the move and leaves with the site in eax", () => {
    const a = template((a, after) => emitOffTapeStub(a, a.newLabel("stub"), ">", 3, 12, after()));
    expect(hex(a.finish())).toBe("48 83 eb 03 b8 0c 00 00 00 e9 00 00 00 00"); // sub rbx, 3; mov eax, 12; jmp off_tape
  });

  test(".: store, advance, and call flush only when the buffer is full", () => {
    const a = template((a, after) => emitOutput(a, after(), after()));
    // mov al, [r12+rbx]; mov [r15], al; inc r15; cmp r15, [r14+32]; jb next; call flush; test eax, eax; jnz leave
    expect(hex(a.finish())).toBe("41 8a 04 1c 41 88 07 49 ff c7 4d 3b 7e 20 72 0d e8 08 00 00 00 85 c0 0f 85 00 00 00 00");
  });

  test(",: a call to the input routine, and leave if it failed", () => {
    const a = template((a, after) => emitInput(a, after(), after()));
    expect(hex(a.finish())).toBe("e8 08 00 00 00 85 c0 0f 85 00 00 00 00");
  });

  test("[ tests the cell and jumps past the loop; ] tests it and jumps back", () => {
    const open = template((a, after) => emitOpen(a, a.newLabel("body"), after()));
    expect(hex(open.finish())).toBe("41 80 3c 1c 00 0f 84 00 00 00 00"); // cmp byte [r12+rbx], 0; je end (rel32)
    const close = new Asm();
    const body = close.newLabel("body");
    close.bind(body);
    emitClose(close, body, close.newLabel("end"));
    expect(hex(close.finish())).toBe("41 80 3c 1c 00 75 f9"); // cmp byte [r12+rbx], 0; jne body (rel8, back)
  });

  test.skipIf(!GNU_AS)("GNU as assembles each template's listing to the same bytes", () => {
    const templates = [
      template((a) => emitAdd(a, "-", 200)),
      template((a, after) => emitMove(a, "<", 70000, after())),
      template((a, after) => emitOutput(a, after(), after())),
      template((a, after) => emitInput(a, after(), after())),
      template((a, after) => emitOpen(a, a.newLabel("body"), after())),
      template((a, after) => emitOffTapeStub(a, a.newLabel("stub"), "<", 5, 99, after())),
    ];
    for (const a of templates) expect(hex(gnuBytes(gnuListing(a)))).toBe(hex(a.finish()));
  });
});
// #endregion template-spec

describe("a whole program", () => {
  const hello = parse(">+++++++++[<++++++++>-]<.>,[.,]");

  test.skipIf(!GNU_AS)("its listing is GNU as source that assembles back to the same bytes", () => {
    const { asm } = generate(hello, IMPORTS);
    expect(hex(gnuBytes(gnuListing(asm)))).toBe(hex(asm.finish()));
  });

  test("the frame saves the five registers of the register plan, and keeps rsp 16-aligned", () => {
    expect(FRAME.saved.map((r) => r.name)).toEqual(["rbx", "r12", "r13", "r14", "r15"]);
    expect(FRAME.padding).toBe(0); // 5 pushes + the return address: 48 bytes
    const listing = gnuListing(generate(hello, IMPORTS).asm);
    expect(listing.split("\n").slice(1, 6).map((l) => l.trim().split(/\s+#/)[0])).toEqual([
      "push rbx",
      "push r12",
      "push r13",
      "push r14",
      "push r15",
    ]);
  });

  test("runs of + - < > fold into one template; . , [ ] never fold", () => {
    const listing = gnuListing(generate(parse("+++>>--<<<..,,[[]]"), IMPORTS).asm);
    const count = (text: string) => listing.split("\n").filter((l) => l.includes(text)).length;
    expect(count("add byte ptr [r12+rbx], 3")).toBe(1);
    expect(count("add rbx, 2")).toBe(1);
    expect(count("sub byte ptr [r12+rbx], 2")).toBe(1);
    expect(count("sub rbx, 3")).toBe(1);
    expect(count("add rbx, 3")).toBe(1); // the stub of the failed check undoes the move
    expect(count("call input")).toBe(2);
    expect(count("mov byte ptr [r15], al")).toBe(2);
    expect(count("{disp32} je end_")).toBe(2);
    expect(count("jne loop_")).toBe(2);
  });

  test("the routines and exits appear once, whatever the size of the program", () => {
    const small = generate(parse("."), IMPORTS).asm.finish().length;
    const big = generate(parse(".".repeat(100)), IMPORTS).asm.finish().length;
    const dot = hex(template((a, after) => emitOutput(a, after(), after())).finish()).split(" ").length;
    expect(big - small).toBe(99 * dot);
  });

  test("the flush routine loops until write has taken every byte, and calls write through its address", () => {
    const a = new Asm();
    const x = newExits(a);
    emitFlushRoutine(a, x, IMPORTS);
    emitInputRoutine(a, x, IMPORTS);
    a.bind(x.leave).bind(x.offTape);
    const listing = gnuListing(a);
    expect(listing).toContain("movabs rax, 0x7fff00001000");
    expect(listing).toContain("movabs rax, 0x7fff00002000");
    expect(listing).toContain(`jle flush_failed`);
    expect(listing).toContain(`jmp flush_again`);
  });

  test("hooks: code at each loop test, before its compare, and code after everything else; none by default", () => {
    const program = parse("+[-\n]");
    const plain = gnuListing(generate(program, IMPORTS).asm);
    const a = new Asm();
    const tests: string[] = [];
    let tails = 0;
    const hooks = {
      loopTest: (pos: { line: number; column: number }, offset: number) => void (tests.push(`${pos.line}:${pos.column}@${offset}`), a.nop()),
      emitTail: () => void (tails++, a.int3()),
    };
    const listing = gnuListing(generate(program, IMPORTS, a, hooks).asm);
    expect([tests, tails]).toEqual([["1:2@0", "2:1@0"], 1]);
    const lines = listing.split("\n").map((l) => l.trim().split(/\s+#/)[0]);
    const nops = lines.flatMap((l, i) => (l === "nop" ? [lines[i + 1]] : []));
    expect(nops).toEqual(["cmp byte ptr [r12+rbx], 0", "cmp byte ptr [r12+rbx], 0"]);
    expect(lines.filter((l) => l !== "").at(-1)).toBe("int3");
    expect(plain).not.toMatch(/\bnop\b|int3/);
  });
});

describe("bounds-check sites", () => {
  const code = parse("+>>> <<\n<");

  test("a run's length, and the steps of a run of moves", () => {
    expect([0, 1, 2, 4, 5, 6].map((i) => runLength(code, i))).toEqual([1, 3, 2, 3, 2, 1]);
    expect(stepsOf(code, 4).map((s) => [s.offset, formatPos(s.pos)])).toEqual([
      [-1, "1:6"],
      [-2, "1:7"],
      [-3, "2:1"],
    ]);
    expect(stepsOf(code, 0)).toEqual([]); // a + is no site
  });

  test("offTape finds the exact command that left the tape, and puts the pointer on the edge", () => {
    const right = offTape(stepsOf(code, 1), 6, 8); // from cell 6, the second > reaches cell 8
    expect([right.error.message.slice(0, 4), right.error.end, right.pointer]).toEqual(["1:3:", "right", 7]);
    const left = offTape(stepsOf(code, 4), 1, 8); // from cell 1, the second < reaches cell -1
    expect([formatPos(left.error.pos), left.error.end, left.pointer]).toEqual(["1:7", "left", 0]);
    expect(() => offTape(stepsOf(code, 1), 0, 8)).toThrow("the check and its site table disagree");
  });

});

/** The interpreter's result for the same case: the oracle. */
function expectLikeInterpreter(c: NativeCase, outcome: NativeOutcome | undefined): void {
  expect(outcome?.thrown ?? null).toBeNull();
  const expected = interpret(parse(c.source), c.options);
  expect(describeDifference(expected, outcome!.result as RunResult)).toBeNull();
}

describe("running programs (in one child)", () => {
  const EOF_PROGRAM = "+++,.>,.";
  const cases: NativeCase[] = [
    ...compiledPrograms().map((p) => ({ name: p.name, source: p.source, options: p.options })),
    ...(["unchanged", "zero", "max"] as const).map((eof) => ({ name: `,. at EOF ${eof}`, source: EOF_PROGRAM, options: { eof, input: bytes("A") } })),
    { name: "off the right, part-way through a run", source: "+.>>>>>>>>>>>.", options: { tapeSize: 8 } },
    { name: "off the left, output before it", source: ">+.<+.<+.", options: { tapeSize: 4 } },
    { name: "a tape of one cell", source: "+++.>", options: { tapeSize: 1 } },
    { name: "100 bytes through a 16-byte buffer", source: "+".repeat(65) + ".".repeat(100), bufferSize: 16 },
    { name: "no output, no write", source: "+++[-]" },
    { name: "a prompt is flushed before each read", source: ",.,.,.", options: { input: bytes("ab") } },
    { name: "cells wrap", source: "-.+.", options: {} },
    { name: "awib's tape", source: ">".repeat(65535) + "+.", options: { tapeSize: 65536 } },
  ];
  let outcomes: Map<string, NativeOutcome>;
  beforeAll(async () => {
    outcomes = new Map((await runBatch("template", cases, { label: "chapter 7 programs" })).map((o) => [o.name, o]));
  });
  const outcome = (name: string) => outcomes.get(name);
  const caseNamed = (name: string) => cases.find((c) => c.name === name)!;

  test.each(compiledPrograms().filter((p) => p.options.maxSteps === undefined).map((p) => [p.name, p] as const))(
    "%s: the expected output and error",
    (name, p) => {
      const o = outcome(name)!;
      expect(o.thrown).toBeNull();
      expect(checkCase(p, o.result!)).toBeNull();
      expectLikeInterpreter(caseNamed(name), o);
    },
  );

  test("maxSteps is refused with an error that says which tier limits steps, not ignored", () => {
    expect(outcome("infinite")?.thrown).toEqual({
      name: "UnsupportedOptionError",
      message:
        "maxSteps (1000) is not supported by the native tiers: their code counts no steps. " +
        "Run the program with the interpreter of chapter 6 to limit its steps.",
    });
  });

  test.each([",. at EOF unchanged", ",. at EOF zero", ",. at EOF max"])("%s", (name) => {
    expectLikeInterpreter(caseNamed(name), outcome(name));
  });

  test("EOF: unchanged keeps the cell, zero stores 0, max stores 255", () => {
    expect(["unchanged", "zero", "max"].map((e) => hex(outcome(`,. at EOF ${e}`)!.result!.output))).toEqual(["41 00", "41 00", "41 ff"]);
  });

  test.each([
    ["off the right, part-way through a run", "TapeBoundsError", "1:10", 7, "01"],
    ["off the left, output before it", "TapeBoundsError", "1:7", 0, "01 01"],
    ["a tape of one cell", "TapeBoundsError", "1:5", 0, "03"],
  ])("%s: %s at %s, pointer on cell %i, the output before it", (name, error, at, pointer, output) => {
    const r = outcome(name)!.result!;
    expect([r.error?.name, r.error && formatPos(r.error.pos!), r.pointer, hex(r.output)]).toEqual([error, at, pointer, output]);
    expectLikeInterpreter(caseNamed(name), outcome(name));
  });

  test("output is buffered: one write per full buffer and one at the end, none without output", () => {
    expect(outcome("100 bytes through a 16-byte buffer")).toMatchObject({ writes: 7 }); // 6 x 16 + 4
    expect(outcome("hello")).toMatchObject({ writes: 1, reads: 0 });
    expect(outcome("no output, no write")).toMatchObject({ writes: 0, reads: 0 });
    expect(outcome("100 bytes through a 16-byte buffer")!.result!.output).toEqual(new Uint8Array(100).fill(65));
  });

  test("pending output is flushed before each read (a prompt shows before the program waits)", () => {
    const o = outcome("a prompt is flushed before each read")!;
    expect(o).toMatchObject({ reads: 3, writes: 3 }); // before the 2nd and the 3rd read, and at the end
    expect(hex(o.result!.output)).toBe("61 62 62");
  });

  test.each(["cells wrap", "awib's tape"])("%s", (name) => expectLikeInterpreter(caseNamed(name), outcome(name)));
});

describe("the runtime's own errors (in children)", () => {
  const PROBES = "tests/support/bf-native-probes.ts";
  type Thrown = { name: string; message: string } | null;
  let probes: Record<string, unknown>;
  beforeAll(async () => {
    const r = await runNative<Record<string, unknown>>(PROBES, "allProbes");
    if (!r.ok) throw new Error(`the probes failed: ${r.error?.message ?? r.diagnosis ?? r.stderr}`);
    probes = r.value!;
  });
  const probe = (name: string) => probes[name] as Thrown;

  test("a status the contract does not define is a GeneratedCodeError", () => {
    expect(probe("unknownStatus")).toEqual({
      name: "GeneratedCodeError",
      message:
        "the hand-written code returned 7, which is not one of its statuses (0, 1, 2, 3): every exit must put a status value in eax before it returns",
    });
  });

  test("an off-tape report whose steps stay on the tape is a GeneratedCodeError", () => {
    expect(probe("siteDisagrees")?.name).toBe("GeneratedCodeError");
    expect(probe("siteDisagrees")?.message).toContain("the check and its site table disagree");
  });

  test("a write that fails (a closed descriptor) is a NativeIOError naming errno", () => {
    expect(probe("badOutput")).toEqual({ name: "NativeIOError", message: "writing the output to file descriptor 1000 failed: EBADF (Bad file descriptor)" });
  });

  test("a read that fails is a NativeIOError too", () => {
    expect(probe("badInput")).toEqual({ name: "NativeIOError", message: "reading the input from file descriptor 1000 failed: EBADF (Bad file descriptor)" });
  });

  test("a freed program cannot run", () => {
    expect(probe("runAfterFree")).toEqual({
      name: "CodeBufferStateError",
      message: "this template program was freed, and its code unmapped: compile the program again to run it",
    });
  });

  test("an output buffer needs at least one byte", () => {
    expect(probe("noBuffer")).toEqual({ name: "RangeError", message: "the output buffer size must be a whole number of bytes from 1 to 2^30, not 0" });
  });

  test("under chapter 5's ABI harness: callee-saved registers kept, rsp restored, every libc call aligned", () => {
    // 3 reads (h, i, end of input) and 2 writes (the pending byte, flushed before the 2nd and 3rd read)
    expect(probes.abiReport).toEqual({ status: STATUS.OFF_TAPE, output: "hi", violations: [], libcCalls: 5, misaligned: 0 });
  });

  test("guard pages: a write one cell past the tape faults, it never lands in other memory", async () => {
    const r = await runNative(PROBES, "writePastTheTape");
    expect(r.signal).toBe("SIGSEGV");
  });
});

// #region differential
describe("differential: the template JIT against the interpreter", () => {
  const COUNT = 2000;
  test(`${COUNT} seeded random programs give the interpreter's exact RunResult`, async () => {
    const { failures, outcomes } = await againstInterpreter("template", COUNT, 1);
    expect(failures.slice(0, 3)).toEqual([]);
    expect(outcomes.filter((o) => o.result?.error?.name === "TapeBoundsError").length).toBeGreaterThan(COUNT / 20);
  });
});
// #endregion differential
