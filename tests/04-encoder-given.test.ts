// Chapter 4, what the workbook gives the reader rather than asks of them: the registers (plain data),
// the condition codes, the instruction table and its parser, fields.ts's reading of bytes, and the
// assembler's checks that never reach the encoder (condition names, nop sizes, raw bytes). A
// chapter's *-given tests pass against its stubs by design; `npm run workbook -- contract` checks that they do, and that
// all its other tests fail against them.
import { describe, expect, test } from "bun:test";
import { CONDITION_NAMES, CONDITIONS, isCondition, negate } from "../chapters/04-encoder/conditions.ts";
import { TableError } from "../chapters/04-encoder/errors.ts";
import { compareFields, formatFields, splitFields } from "../chapters/04-encoder/fields.ts";
import { parseForm, parsePattern } from "../chapters/04-encoder/forms.ts";
import { formsOf, mnemonics } from "../chapters/04-encoder/instructions.ts";
import {
  ah, al, ax, bh, dh, dil, eax, gpr, r8, r8b, r12, r15b, r15d, rax, registerNamed, spl, xmm, xmm0, xmm11, ymm, ymm0, ymm15,
} from "../chapters/04-encoder/registers.ts";
import { expectError } from "./support/encode-errors.ts";

const hex = (b: ArrayLike<number>) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");


describe("registers", () => {
  test("register facts: size, number, and what each needs from REX", () => {
    expect([rax.size, eax.size, ax.size, al.size, xmm0.size, ymm0.size]).toEqual([64, 32, 16, 8, 128, 256]);
    expect([r8.id, r15d.id, spl.id, ah.id, bh.id]).toEqual([8, 15, 4, 4, 7]);
    expect([spl.rex, dil.rex, ah.rex, dh.rex, al.rex, r8b.rex]).toEqual(["required", "required", "forbidden", "forbidden", "optional", "optional"]);
  });

  test("gpr(size, n), xmm(n) and ymm(n) pick registers by number", () => {
    expect(gpr(64, 12)).toBe(r12);
    expect(gpr(8, 4)).toBe(spl);
    expect(gpr(32, 0)).toBe(eax);
    expect(xmm(11)).toBe(xmm11);
    expect(ymm(15)).toBe(ymm15);
    expect(registerNamed("r15b")).toBe(r15b);
    expect(registerNamed("ah")).toBe(ah);
    expect(registerNamed("zmm0")).toBeUndefined();
    expect(() => gpr(64, 16)).toThrow(/no 64-bit register number 16/);
    expect(() => gpr(12 as 8, 0)).toThrow(RangeError);
    expect(() => xmm(16)).toThrow(/xmm0 to xmm15/);
    expect(() => ymm(-1)).toThrow(/ymm0 to ymm15/);
  });
});

describe("condition codes", () => {
  test("sixteen codes, thirty names; negating flips the low bit", () => {
    expect(new Set(Object.values(CONDITIONS)).size).toBe(16);
    expect(CONDITION_NAMES.length).toBe(30);
    expect([negate("e"), negate("l"), negate("a"), negate("o")]).toEqual(["ne", "ge", "be", "no"]);
    expect([isCondition("nz"), isCondition("x"), isCondition("toString")]).toEqual([true, false, false]);
  });
});

describe("checks that come before the encoder", () => {
  expectError("jcc xx", /"xx" is not a condition code; use one of o, no, b/, (a) => a.jcc("xx" as never, 0));
  expectError("setcc nope", /not a condition code/, (a) => a.setcc("nope" as never, al));
  expectError("nop(10)", /1 to 9 bytes/, (a) => a.nop(10));
  expectError("nop(0)", /1 to 9 bytes/, (a) => a.nop(0));
  expectError("align(3)", /power of two/, (a) => a.align(3));
  expectError(".byte 1, 256", /256 is not a byte/, (a) => a.db(1, 256));
});

describe("fields: an encoding split into named parts", () => {
  test("prefixes, REX, opcode, ModRM, SIB, displacement, immediate", () => {
    const fields = splitFields([0x66, 0x41, 0x81, 0x44, 0x24, 0x10, 0x34, 0x12]); // add word ptr [r12+16], 0x1234
    expect(fields.map((f) => [f.label, hex(f.bytes), f.meaning])).toEqual([
      ["prefixes", "66", "66 (16-bit operand, or an SSE opcode's)"],
      ["REX", "41", "W=0 R=0 X=0 B=1"],
      ["opcode", "81", ""],
      ["ModRM", "44", "mod=01 reg=000 rm=100 (SIB follows)"],
      ["SIB", "24", "scale=00 (x1) index=100 (none) base=100"],
      ["disp8", "10", "16"],
      ["imm16", "34 12", "0x1234"],
    ]);
    expect(formatFields(splitFields([0x48, 0x01, 0xd8]))).toBe("  48  REX     W=1 R=0 X=0 B=0\n  01  opcode\n  d8  ModRM   mod=11 reg=011 rm=000");
  });

  test("the special cases read as what they are", () => {
    const meaning = (bytes: number[], label: string) => splitFields(bytes).find((f) => f.label === label)?.meaning;
    expect(meaning([0x8b, 0x05, 0, 0, 0, 0], "ModRM")).toMatch(/RIP \+ disp32/);
    expect(meaning([0x8b, 0x04, 0x25, 0, 0x10, 0, 0], "SIB")).toMatch(/index=100 \(none\) base=101 \(none: disp32\)/);
    expect(meaning([0xc4, 0xe2, 0x7d, 0x78, 0xc1], "VEX3")).toBe("R=0 X=0 B=0 map=0F38 W=0 vvvv=0 L=256 pp=66 (R X B vvvv stored inverted)");
    expect(meaning([0xc5, 0xf8, 0x77], "VEX2")).toMatch(/map=0F .* L=128 pp=none/);
    expect(meaning([0x0f, 0x85, 0xfa, 0xff, 0xff, 0xff], "rel32")).toBe("-6 from the end");
    expect(meaning([0x48, 0xb8, 1, 0, 0, 0, 0, 0, 0, 0], "imm64")).toBe("0x1");
    expect(meaning([0xa1, 1, 0, 0, 0, 0, 0, 0, 0], "imm64")).toBe("0x1"); // mov eax, moffs64
    expect(meaning([0xc8, 0x10, 0x00, 0x01], "imm24")).toBe("0x10010"); //   enter 16, 1
    expect(meaning([0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x04], "imm8")).toBe("0x4"); // palignr
    expect(meaning([0xf7, 0xd8], "imm32")).toBeUndefined(); //                 neg has no immediate
    expect(() => splitFields([0x48, 0x8b])).toThrow(/cut short/);
  });

  test("compareFields marks the fields that differ", () => {
    const text = compareFields([0x48, 0x8b, 0x43, 0x00], [0x48, 0x8b, 0x83, 0, 0, 0, 0]);
    expect(text.split("\n")).toEqual([
      "   ours                              GNU as",
      "   REX 48 (W=1 R=0 X=0 B=0)          REX 48 (W=1 R=0 X=0 B=0)",
      "   opcode 8b                         opcode 8b",
      "<> ModRM 43 (mod=01 reg=000 rm=011)  ModRM 83 (mod=10 reg=000 rm=011)",
      "<> disp8 00 (0)                      disp32 00 00 00 00 (0)",
    ]);
    const short = compareFields([0x48, 0x8b], [0x48, 0x8b, 0x03], ["a", "b"]).split("\n");
    expect(short.at(-1)).toBe("<> ModRM (cut short) (needs 1 byte, 0 left)  ModRM 03 (mod=00 reg=000 rm=011)");
  });
});

describe("the instruction table", () => {
  test("is written in the SDM's notation", () => {
    const [imm8] = formsOf("add").filter((f) => f.syntax === "add r/m64, imm8");
    expect(imm8).toMatchObject({ encoding: "MI REX.W 83 /0 ib", rexW: true, opcode: [0x83], modrm: 0, immBytes: 1, immBits: 64 });
    expect(mnemonics().length).toBeGreaterThan(60);
    expect(formsOf("nonsense")).toEqual([]);
    expect(parsePattern("xmm/m64")).toMatchObject({ reg: "xmm", mem: 64 });
    expect(parsePattern("r/m16")).toMatchObject({ reg: 16, mem: 16 });
    expect(parsePattern("m")).toMatchObject({ reg: null, mem: 0 });
    expect(parseForm("vpxor", "ymm, ymm, ymm/m256", "RVM VEX.256.66.0F.WIG EF /r").vex).toEqual({ l: 1, pp: 1, map: 1, w: 0 });
  });

  test("a malformed row is an error that names it", () => {
    expect(() => parsePattern("r/m12")).toThrow(TableError);
    expect(() => parsePattern("r/m12")).toThrow(/unknown operand pattern "r\/m12"/);
    expect(() => parsePattern("xmm/q")).toThrow(/unknown operand pattern/);
    expect(() => parseForm("x", "r64", "M FF /2 zz")).toThrow(/"x r64" \/ "M FF \/2 zz": unknown token "zz"/);
    expect(() => parseForm("x", "r64", "M /2")).toThrow(/no opcode/);
    expect(() => parseForm("x", "r64", "MR FF /r")).toThrow(/does not name the 1 explicit operands/);
    expect(() => parseForm("x", "r64", "Q FF /r")).toThrow(/unknown Op\/En letter "Q"/);
    expect(() => parseForm("x", "r64, imm8", "MI FF /0")).toThrow(/immediate operand and the immediate bytes disagree/);
    expect(() => parseForm("x", "r64", "M FF")).toThrow(/ModRM operands and \/r or \/digit disagree/);
    expect(() => parseForm("x", "r64", "O FF")).toThrow(/an O operand needs a \+r opcode/);
    expect(() => parseForm("x", "r64", "M REX.W F3 FF /0")).toThrow(/legacy prefixes \(66, F2, F3\) come before REX.W/);
  });
});
