// Chapter 15 on this machine, without running anything: every instruction the A64 backend emits for
// the book's programs assembles back to the same words with aarch64-linux-gnu-as (so it can emit
// nothing the assembler would refuse), constants that fit no field are built in a register, the
// frame keeps sp 16-aligned, and an op kind with no rule is refused by name.
import { describe, expect, test } from "bun:test";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { a64Lir, lirToA64 } from "../chapters/15-second-backend/a64-jit.ts";
import { A64Frame } from "../chapters/15-second-backend/frame.ts";
import { LabelledAssembler } from "../chapters/15-second-backend/listing.ts";
import { A64Lowering, MissingRuleError } from "../chapters/15-second-backend/lowering.ts";
import { PROGRAM_FRAME } from "../chapters/15-second-backend/routines.ts";
import { A64_RULES } from "../chapters/15-second-backend/rules.ts";
import { SAVED } from "../chapters/15-second-backend/registers.ts";
import { sp, w10, w9 } from "../chapters/14-second-machine/registers.ts";
import { assembleA64Parts, hasA64As, noA64As } from "./support/a64-gas.ts";
import { benchPrograms, bookPrograms, compiledPrograms } from "./support/bf-programs.ts";
import { randomCases } from "./support/bf-random.ts";

/** Addresses for write and read that need all four movz/movk pieces, as a real libc's may. */
const IMPORTS = { write: 0x7fff_1234_5678, read: 0xffff_0000_9abc };

/** Offsets beyond ldrb's 4095 and ldurb's -256, moves beyond add's 12 bits and 24 bits. */
export const FAR = {
  "far right": `${">".repeat(5000)},+.${"<".repeat(5000)}`,
  "far left": `${">".repeat(300)}+${"<".repeat(300)}[${">".repeat(300)}-${"<".repeat(300)}]${">".repeat(300)}.`,
  "far loop": `+[${".".repeat(50_000)}-]`,
};

if (!hasA64As) console.warn(`skipping the check of chapter 15's code against GNU as: ${noA64As}`);

describe.skipIf(!hasA64As)("the A64 code assembles back to the same words with GNU as", () => {
  const sources = [
    ...compiledPrograms().map((p) => [p.name, p.source] as const),
    ...bookPrograms().map((p) => [p.name, p.source] as const),
    ...benchPrograms().programs.map((p) => [p.name, p.source] as const),
    ...Object.entries(FAR),
    ...randomCases(100, 50_001).map((c) => [`seed ${c.seed}`, c.source] as const),
  ];
  for (const opt of [true, false]) {
    // The classic programs once, optimized: the plain LIR of LostKng alone is 2 MB of source.
    const some = opt ? sources : sources.filter(([name]) => !benchPrograms().programs.some((p) => p.name === name));
    test(`${some.length} programs, ${opt ? "after chapter 9's passes" : "chapter 8's LIR as lowered"}`, () => {
      const codes = some.map(([, source]) => lirToA64(a64Lir(parse(source), opt), IMPORTS).asm);
      const gas = assembleA64Parts(codes.map(numeric));
      codes.forEach((code, i) => {
        const ours = Array.from(code.words());
        if (ours.length !== gas[i]!.length || ours.some((w, j) => w !== gas[i]![j])) {
          const j = ours.findIndex((w, k) => w !== gas[i]![k]);
          throw new Error(`${some[i]![0]}: word ${j} (${code.listing[j]?.text}) is ${ours[j]?.toString(16)}, GNU as makes ${gas[i]![j]?.toString(16)}`);
        }
      });
    }, 120_000);
  }
});

/**
 * A program's instructions as GNU as source, each branch to a label written as a distance from the
 * branch (`b .+8`): thousands of programs assemble in one file, with no symbols for objdump to sort.
 */
function numeric(asm: LabelledAssembler): string[] {
  const labels = asm.labels();
  return asm.listing.map(({ offset, text }) => {
    const target = /^(.*[ ,])([A-Za-z_]\w*)$/.exec(text);
    const at = target ? labels.get(target[2]!) : undefined;
    return at === undefined ? text : `${target![1]}.${at >= offset ? "+" : "-"}${Math.abs(at - offset)}`;
  });
}

describe("what the lowering emits", () => {
  const text = (source: string, opt = true) => lirToA64(a64Lir(parse(source), opt), IMPORTS).asm.text();

  test("cells: ldrb's unsigned 12 bits, ldurb's signed 9, or the offset built in x17 as an index", () => {
    const l = new A64Lowering(IMPORTS, A64_RULES);
    for (const off of [0, 4095, -1, -256, 4096, -257, 70_000]) l.load(w9, off);
    l.store(w10, -2);
    expect(l.a.listing.map((i) => i.text)).toEqual([
      "ldrb w9, [x19]",
      "ldrb w9, [x19, #4095]",
      "ldurb w9, [x19, #-1]",
      "ldurb w9, [x19, #-256]",
      "mov x17, #0x1000",
      "ldrb w9, [x19, x17]",
      "mov x17, #0xfffffffffffffeff",
      "ldrb w9, [x19, x17]",
      "movz x17, #0x1170",
      "movk x17, #0x1, lsl #16",
      "ldrb w9, [x19, x17]",
      "sturb w10, [x19, #-2]",
    ]);
    expect(text(FAR["far right"])).toContain("ldrb w9, [x19, x17]");
  });

  test("moves: 12 bits, 12 bits shifted, or a constant in x17", () => {
    expect(text(">".repeat(100) + "+", false)).toContain("add x19, x19, #100");
    expect(text(">".repeat(5000) + "+", false)).toMatch(/add x19, x19, #4096\n.*add x19, x19, #904/);
    const l = new A64Lowering(IMPORTS, A64_RULES);
    l.step(1 << 24);
    l.step(-(1 << 24) - 5);
    expect(l.a.text()).toMatch(/mov x17, #0x1000000\n.*add x19, x19, x17\n.*movn x17, #0x4\n.*movk x17, #0xfeff, lsl #16\n.*add x19, x19, x17/);
  });

  test("the addresses of write and read: movz and movk into x16, then blr", () => {
    const listing = text("+.");
    expect(listing).toMatch(/movz x16, #0x5678\n.*movk x16, #0x1234, lsl #16\n.*movk x16, #0x7fff, lsl #32\n.*blr x16/);
  });

  test("a multiply loop is madd, or msub for a negative factor", () => {
    expect(text(",[>++>---<<-]>.>.")).toMatch(/madd w10, w9, w11, w10[\s\S]*msub w10, w9, w11, w10/);
  });

  test("frames: the record and the saved registers in pairs, sp a multiple of 16 throughout", () => {
    const texts = (frame: A64Frame) => {
      const a = new LabelledAssembler();
      frame.prologue(a);
      frame.epilogue(a);
      return a.listing.map((i) => i.text);
    };
    expect(texts(PROGRAM_FRAME)).toEqual([
      "stp x29, x30, [sp, #-64]!",
      "mov x29, sp",
      "stp x19, x20, [sp, #16]",
      "stp x21, x22, [sp, #32]",
      "stp x23, x24, [sp, #48]",
      "ldp x19, x20, [sp, #16]",
      "ldp x21, x22, [sp, #32]",
      "ldp x23, x24, [sp, #48]",
      "ldp x29, x30, [sp], #64",
      "ret",
    ]);
    // Three registers and a local: 16 + 24 + 8 bytes, rounded up to 48.
    expect(texts(new A64Frame(SAVED.slice(0, 3), 1))).toEqual([
      "stp x29, x30, [sp, #-48]!",
      "mov x29, sp",
      "stp x19, x20, [sp, #16]",
      "str x21, [sp, #32]",
      "ldp x19, x20, [sp, #16]",
      "ldr x21, [sp, #32]",
      "ldp x29, x30, [sp], #48",
      "ret",
    ]);
    expect(new A64Frame(SAVED.slice(0, 3), 1).local(0)).toEqual({ mode: "offset", base: sp, offset: 40 });
  });

  test("a loop around more than 1 MiB of code: each conditional branch over a b", () => {
    const listing = text(FAR["far loop"]);
    expect(listing).toMatch(/cbnz w9, far\n.*b end_1_50004\nfar:/);
    expect(listing).toMatch(/cbz w0, far_\d+\n.*b leave\n/);
    expect(text("+[>+]")).not.toContain("far");
  });

  test("deep nesting costs no stack", () => {
    const depth = 20_000;
    const code = lirToA64(lower(parse(`+${"[".repeat(depth)}-${"]".repeat(depth)}`), { maxNesting: Infinity }), IMPORTS);
    expect(code.asm.listing.length).toBeGreaterThan(depth * 4);
  });

  test("an op kind the table has no rule for is refused by name", () => {
    const lir = lower(parse("+."));
    const { add: _, ...rest } = A64_RULES;
    expect(() => new A64Lowering(IMPORTS, rest).generate(lir)).toThrow(MissingRuleError);
    expect(() => new A64Lowering(IMPORTS, rest).generate(lir)).toThrow("no A64 rule for the op kind 'add'");
  });
});
