// Chapter 8's backend: LIR -> x86-64, as a specification. What each op lowers to is checked here, in
// this process, as listing text (and against GNU as); everything that executes the code runs in
// child processes: Brainfuck programs through the batch harness with the "lir" tier, and hand-written
// LIR (every op) through tests/support/lir-native-probes.ts.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { hasGnuAs } from "../chapters/02-first-bytes/gnu-as.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { gnuListing } from "../chapters/07-template-jit/listing.ts";
import { Asm } from "../chapters/05-control-flow/labels.ts";
import { LIR_X86_RULES, lirToX86, ownListing, X86Lowering, type LoopEdge, type X86Rule, type X86Rules } from "../chapters/08-lir/codegen-x86.ts";
import type { Lir, LoopOp } from "../chapters/08-lir/lir.ts";
import { libcIo } from "../chapters/07-template-jit/runtime.ts";
import type { GeneratorHooks } from "../chapters/07-template-jit/generate.ts";
import { LirVerifyError } from "../chapters/08-lir/errors.ts";
import { interpretLir } from "../chapters/08-lir/interpret-lir.ts";
import { lirCode, lirJit } from "../chapters/08-lir/lir-jit.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { runBun, runNative } from "../shared/child.ts";
import { gnuBytes } from "./support/bf-native-gnu.ts";
import { runBatch, type NativeOutcome } from "./support/bf-native.ts";
import { benchPrograms, checkCase } from "./support/bf-programs.ts";
import type { LirCase, LirOutcome } from "./support/lir-native-probes.ts";
import { againstInterpreter, eofCases, programsSuite } from "./support/native-suites.ts";
import { errorOf } from "./support/error-of.ts";

setDefaultTimeout(120_000); // children load instrumented sources under `npm run coverage`

/** Stand-in addresses: code generation is pure, nothing here calls them. */
const IMPORTS = { write: 0x7fff_0000_1000, read: 0x7fff_0000_2000 };
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");

/** The listing as instructions and labels, one per entry, without offsets and bytes. */
const instructions = (listing: string): string[] =>
  listing
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").replace("{disp32} ", "").trim())
    .filter((l) => l !== "");

/** What the ops of `lir` become, then their out-of-line code. */
const lowered = (lir: string): string[] => instructions(ownListing(lirToX86(parseLir(lir), IMPORTS)));

/** What the ops of `lir` become, inline only. */
function inline(lir: string): string[] {
  const code = lirToX86(parseLir(lir), IMPORTS);
  return instructions(ownListing(code, ["inline"]));
}

// #region lowering-spec
describe("each op has a lowering", () => {
  test.each([
    ["add [0] 3", ["add byte ptr [rbx], 3"]],
    ["check 1 2 add [2] -1", ["lea rax, [rbx+2]", "cmp rax, r13", "jae off_tape_0", "sub byte ptr [rbx+2], 1"]],
    ["check 1 set [1] 0", ["lea rax, [rbx+1]", "cmp rax, r13", "jae off_tape_0", "mov byte ptr [rbx+1], 0"]],
    ["move 3", ["add rbx, 3", "cmp rbx, r13", "jae off_tape_0"]],
    ["move -2", ["sub rbx, 2", "cmp rbx, r12", "jb off_tape_0"]],
    // only the farthest reach on each side is compared: the tape has no holes
    ["check 1 2 3 -1 -2", ["lea rax, [rbx+3]", "cmp rax, r13", "jae off_tape_0", "lea rax, [rbx-2]", "cmp rax, r12", "jb off_tape_0"]],
    ["in [0]", ["lea rsi, [rbx]", "call input", "test eax, eax", "jnz leave"]],
    // the labels are named after the [ and the ] (here, in the LIR text)
    ["loop [0] { add [0] -1 }", ["cmp byte ptr [rbx], 0", "je end_1_23", "loop_1_1:", "sub byte ptr [rbx], 1", "cmp byte ptr [rbx], 0", "jne loop_1_1", "end_1_23:"]],
  ] as const)("%s", (lir, expected) => {
    expect(inline(lir)).toEqual([...expected]);
  });

  test("out [o]: the byte goes into the buffer; flush is called only when it is full", () => {
    expect(lowered("out [0]")).toEqual([
      "mov al, byte ptr [rbx]",
      "mov byte ptr [r15], al",
      "inc r15",
      "cmp r15, qword ptr [r14+32]",
      "jb out_done",
      "call flush",
      "test eax, eax",
      "jnz leave",
      "out_done:",
    ]);
  });

  test("a move's stub undoes the move before it leaves with the site number", () => {
    expect(lowered("move 4").slice(3)).toEqual(["off_tape_0:", "sub rbx, 4", "mov eax, 0", "jmp off_tape"]);
  });

  test("labels are unique, so the listing is a valid GNU as source", () => {
    const names = lowered("loop [0] { out [0] } loop [0] { out [0] }").filter((l) => l.endsWith(":"));
    expect(names).toEqual([...new Set(names)]);
    expect(names).toContain("out_done_2:");
  });

});
// #endregion lowering-spec

describe("a whole program", () => {
  const program = ",[.>+<-]>[<+>-]<.";

  test.skipIf(!hasGnuAs())("its listing is GNU as source that assembles back to the same bytes", () => {
    const { asm } = lirToX86(lower(parse(program)), IMPORTS);
    expect(hex(gnuBytes(gnuListing(asm)))).toBe(hex(asm.finish()));
  });

  test("assembled into an Asm made without a listing (as --emit=hex does): the same bytes, and no listing kept", () => {
    const a = new Asm({ listing: false });
    const code = lirToX86(lower(parse(program)), IMPORTS, a);
    expect(code.asm).toBe(a);
    expect(a.keepsListing).toBe(false);
    expect(hex(a.finish())).toBe(hex(lirToX86(lower(parse(program)), IMPORTS).asm.finish()));
  });

  test("the backend trusts the verifier, so it runs it: unchecked LIR is refused", () => {
    expect(() => lirToX86(parseLir("set [1] 0"), IMPORTS)).toThrow(LirVerifyError);
  });

  test("the input routine is there only when the program reads", () => {
    const has = (bf: string) => gnuListing(lirToX86(lower(parse(bf)), IMPORTS).asm).includes("input_read:");
    expect([has("+."), has(",.")]).toEqual([false, true]);
  });

  test("a failed check's site gives the host the op's steps, with their positions", () => {
    const { sites } = lirToX86(lower(parse("+>>\n<<<")), IMPORTS); // site 0: move 2, site 1: move -3
    expect(sites(1).map((s) => [s.offset, formatPos(s.pos)])).toEqual([[-1, "2:1"], [-2, "2:2"], [-3, "2:3"]]);
    expect(sites(7)).toEqual([]);
  });

  test("in parts: each part's code follows the one before, the out-of-line code so far behind a jump between them", () => {
    const code = new X86Lowering(IMPORTS).generate([parseLir("move 1"), parseLir("add [0] 1 move -1")]);
    expect(instructions(ownListing(code))).toEqual([
      ...["add rbx, 1", "cmp rbx, r13", "jae off_tape_0", "jmp next_part"],
      ...["off_tape_0:", "sub rbx, 1", "mov eax, 0", "jmp off_tape", "next_part:"],
      ...["add byte ptr [rbx], 1", "sub rbx, 1", "cmp rbx, r12", "jb off_tape_1"],
      ...["off_tape_1:", "add rbx, 1", "mov eax, 1", "jmp off_tape"],
    ]);
    expect(new X86Lowering(IMPORTS).generate([parseLir("add [0] 1"), parseLir("out [0]")]).asm.finish()).toEqual(lirToX86(parseLir("add [0] 1 out [0]"), IMPORTS).asm.finish());
  });

  test("in parts: after out-of-line code between two parts, the next part's first op follows no op", () => {
    const previous: (string | null)[] = [];
    const add: X86Rule<"add"> = (l, op, prev) => {
      previous.push(prev?.kind ?? null);
      LIR_X86_RULES.add!(l, op, prev);
    };
    const rules: X86Rules = { ...LIR_X86_RULES, add };
    new X86Lowering(IMPORTS, new Asm(), rules).generate([parseLir("move 1"), parseLir("add [0] 1")]); // the move's stub goes between
    new X86Lowering(IMPORTS, new Asm(), rules).generate([parseLir("set [0] 1"), parseLir("add [0] 1")]); // nothing does
    expect(previous).toEqual([null, "set"]);
  });

  test("in parts: each is verified, and asked for only once the one before is lowered", () => {
    const a = new Asm({ listing: false });
    const asked: number[] = [];
    function* parts() {
      for (const text of ["move 1", "move 1", "set [1] 0"]) {
        asked.push(a.offset);
        yield parseLir(text);
      }
    }
    expect(() => new X86Lowering(IMPORTS, a).generate(parts())).toThrow(LirVerifyError);
    expect(asked.length).toBe(3);
    expect(asked[1]! > asked[0]! && asked[2]! > asked[1]!).toBe(true);
  });

  test("a loaded program keeps what makes its LIR, not the LIR: its listing is made again when asked", () => {
    const source = "+[->+<]>.\n++[>+<-]";
    using program = lirJit.compile(parse(source));
    expect(program.listing()).toBe(lirCode(lower(parse(source), { maxNesting: Infinity }), "lir").listing());
  });

  test("the program's own code is its ops and their out-of-line code; the entry and routines are not", () => {
    const code = lirToX86(lower(parse("+")), IMPORTS);
    expect(ownListing(code).split("\n").map((l) => l.replace(/#.*$/, "").trim())).toEqual(["add byte ptr [rbx], 1"]);
    expect(gnuListing(code.asm)).toContain("push rbx");
  });
});

programsSuite(
  "lir",
  "Brainfuck programs, compiled by the LIR JIT (in one child)",
  [
    ...eofCases("+++,.>,.[-],."),
    { name: "off the right, part-way through a run", source: "+.>>>>>>>>>>>.", options: { tapeSize: 8 } },
    { name: "off the left inside a loop", source: "+>+[<]+.", options: { tapeSize: 4 } },
    { name: "100 bytes through a 16-byte buffer", source: "+".repeat(65) + ".".repeat(100), bufferSize: 16 },
    { name: "awib's tape", source: ">".repeat(65535) + "+.", options: { tapeSize: 65536 } },
  ],
  (outcome) => {
    test("the errors name the exact command, with the pointer on the edge cell", () => {
      const r = outcome("off the right, part-way through a run").result!;
      expect([r.error?.name, formatPos(r.error!.pos!), r.pointer]).toEqual(["TapeBoundsError", "1:10", 7]);
      expect(outcome("100 bytes through a 16-byte buffer")).toMatchObject({ writes: 7 });
    });
  },
);

// #region every-op
describe("every op of the LIR, run natively against interpretLir (in one child)", () => {
  const CASES: readonly LirCase[] = [
    { name: "add and set", lir: "add [0] 200 check 1 2 set [2] 7 add [2] -9 out [0] out [2]" },
    { name: "loops and offsets", lir: "set [0] 5 check 1 loop [0] { add [1] 3 add [0] -1 } out [1]" },
    { name: "in with an offset, at EOF", lir: "check 1 2 in [2] in [1] out [1] out [2]", input: [65], eof: "max" },
    { name: "a move off the right, part-way", lir: "add [0] 1 move 3 out [0]", tapeSize: 3 },
    { name: "a check off the right", lir: "add [0] 2 check 1 2 3 add [3] 1", tapeSize: 3 },
    { name: "a walking loop off the left", lir: "move 2 add [0] 1 loop [0] { check -1 add [-1] 1 move -1 }", tapeSize: 4 },
    { name: "check both ways, failing left", lir: "move 2 check 1 -1 -2 -3", tapeSize: 8 },
    { name: "a walking loop with a known range", lir: "check 1 2 3 set [1] 1 set [2] 1 set [3] 1 move 1 loop [0] known -1..0 { add [-1] 5 move 1 } out [-1]", tapeSize: 8 },
  ];
  let outcomes: Map<string, LirOutcome>;
  beforeAll(async () => {
    const r = await runNative<LirOutcome[]>("tests/support/lir-native-probes.ts", "runLirCases", [CASES]);
    if (!r.ok) throw new Error(`the LIR cases failed in the child: ${r.error?.message ?? r.diagnosis ?? r.stderr}`);
    outcomes = new Map(r.value!.map((o) => [o.name, o]));
  });

  test.each(CASES.map((c) => [c.name, c] as const))("%s", (name, c) => {
    const o = outcomes.get(name)!;
    expect(o.thrown).toBeNull();
    const expected = interpretLir(parseLir(c.lir), { input: Uint8Array.from(c.input ?? []), ...(c.tapeSize ? { tapeSize: c.tapeSize } : {}), ...(c.eof ? { eof: c.eof } : {}) });
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
// #endregion every-op

describe("the conformance programs that the LIR JIT runs quickly (one child)", () => {
  const { programs, skipReason } = benchPrograms();
  const QUICK = ["mandelbrot", "factor small", "bench", "counter", "awib-0.4", "Beer", "Golden", "Life", "LostKng"];
  if (skipReason !== null) {
    test.skip(skipReason, () => {});
    return;
  }
  const chosen = programs.filter((p) => QUICK.includes(p.name));
  let outcomes: Map<string, NativeOutcome>;
  beforeAll(async () => {
    const cases = chosen.map((p) => ({ name: p.name, source: p.source, options: p.options }));
    outcomes = new Map((await runBatch("lir", cases, { label: "conformance, lir", timeoutMs: 110_000, coverage: false })).map((o) => [o.name, o]));
  });

  test.each(chosen.map((p) => [p.name, p] as const))("%s", (name, p) => {
    const o = outcomes.get(name);
    expect(o?.thrown ?? null).toBeNull();
    expect(checkCase(p, o!.result!)).toBeNull();
  });
});

// #region differential
describe("differential: the LIR JIT against the interpreter", () => {
  const COUNT = 2000;
  test(`${COUNT} seeded random programs give the interpreter's exact RunResult`, async () => {
    const { failures, outcomes } = await againstInterpreter("lir", COUNT, 10_001);
    expect(failures.slice(0, 3)).toEqual([]);
    expect(outcomes.filter((o) => o.result?.error?.name === "TapeBoundsError").length).toBeGreaterThan(COUNT / 20);
  });
});
// #endregion differential

describe("main.ts: the x86 options", () => {
  const MAIN = "chapters/08-lir/main.ts";
  const withoutTrace = (s: string) => s.split("\n").filter((l) => !l.startsWith("jit-trace ")).join("\n");

  test("--emit=asm prints the LIR JIT's code (--own: the ops' part only), --emit=hex its bytes", async () => {
    const full = await runBun(MAIN, ["-e", "+[>+<-]", "--emit=asm"]);
    expect(full.stdout).toStartWith(".intel_syntax noprefix\n        push rbx");
    const own = await runBun(MAIN, ["-e", "+[>+<-]", "--emit=asm", "--own"]);
    expect(instructions(own.stdout).slice(0, 4)).toEqual(["add byte ptr [rbx], 1", "cmp byte ptr [rbx], 0", "je end_1_7", "loop_1_2:"]);
    const hexDump = await runBun(MAIN, ["chapters/08-lir/examples/walk.lir", "--emit=hex"]);
    expect(hexDump.stdout).toStartWith("0000  53 41 54 41 55 41 56 41 57 49 89 fe");
  });

  test("--jit runs the program natively: standard input to standard output, errors where they happen", async () => {
    const cat = await runBun(MAIN, ["tests/programs/cat.b", "--jit", "--stats"], { stdin: "meow" });
    expect([cat.exitCode, cat.stdout]).toEqual([0, "meow"]);
    expect(withoutTrace(cat.stderr)).toMatch(/^tests\/programs\/cat\.b: \d+ LIR ops, compiled to \d+ bytes of x86-64 in [\d.]+ ms, ran in [\d.]+ ms$/m);
    const off = await runBun(MAIN, ["chapters/08-lir/examples/walk.lir", "--jit", "--tape", "3"]);
    expect([off.exitCode, off.stdout, withoutTrace(off.stderr).split(": error: ")[0]]).toEqual([1, "A", "chapters/08-lir/examples/walk.lir:6:1"]);
  });
});

describe("generate, with a loop whose body comes in parts", () => {
  /** The code of `parts`, and the loop tests its hooks saw ("line:col@offset"). */
  const generated = (parts: Lir | (Lir | LoopEdge)[]) => {
    const tests: string[] = [];
    const hooks: GeneratorHooks = { loopTest: (pos, off) => void tests.push(`${pos.line}:${pos.column}@${off}`), emitTail: () => {} };
    const code = new X86Lowering(libcIo()).generate(parts, hooks);
    return { bytes: [...code.asm.finish()], tests };
  };
  // Made in each test: lower is the reader's to write.
  const plusLoop = () => lower(parse("+[-]"));
  const edge = (whole: Lir, e: "open" | "close", pos: number, end: number): LoopEdge => ({ edge: e, pos, end, lines: whole.lines });

  test("the two edges and the body between them are the loop rule's code, with the same loop tests", () => {
    const whole = plusLoop();
    const loop = whole.ops[1] as LoopOp;
    const parts = [{ ops: [whole.ops[0]!], lines: whole.lines }, edge(whole, "open", 1, 3), { ops: loop.body, lines: whole.lines }, edge(whole, "close", 1, 3)];
    expect(generated(parts)).toEqual(generated(whole));
    expect(generated(parts).tests).toEqual(["1:2@0", "1:4@0"]);
  });

  test("edges that do not pair up are refused, at the loop's bracket", () => {
    const whole = plusLoop();
    expect(errorOf(() => generated([edge(whole, "open", 1, 3)]))).toBe("1:2: a loop whose body came in parts was opened here and never closed");
    expect(errorOf(() => generated([edge(whole, "close", 1, 3)]))).toBe("1:4: a loop whose body came in parts was closed here, but none was open");
    expect(errorOf(() => generated([edge(whole, "open", 1, 3), edge(whole, "close", 0, 2)]))).toBe("1:3: a loop whose body came in parts was closed here, but the loop open is the one at 1:2");
  });
});
