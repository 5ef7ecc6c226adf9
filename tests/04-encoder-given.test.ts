// Chapter 4, what the workbook gives the reader rather than asks of them: the registers (plain data)
// and the instruction table's parser, which runs while the table loads. A chapter's *-given tests
// pass against its stubs by design; `npm run workbook -- contract` checks that they do, and that
// all its other tests fail against them.
import { describe, expect, test } from "bun:test";
import { TableError } from "../chapters/04-encoder/errors.ts";
import { parseForm, parsePattern } from "../chapters/04-encoder/forms.ts";
import { ah, al, ax, bh, dh, dil, eax, r8, r8b, r15d, rax, spl, xmm0, ymm0 } from "../chapters/04-encoder/registers.ts";

describe("registers", () => {
  test("register facts: size, number, and what each needs from REX", () => {
    expect([rax.size, eax.size, ax.size, al.size, xmm0.size, ymm0.size]).toEqual([64, 32, 16, 8, 128, 256]);
    expect([r8.id, r15d.id, spl.id, ah.id, bh.id]).toEqual([8, 15, 4, 4, 7]);
    expect([spl.rex, dil.rex, ah.rex, dh.rex, al.rex, r8b.rex]).toEqual(["required", "required", "forbidden", "forbidden", "optional", "optional"]);
  });
});

describe("the instruction table", () => {
  test("a malformed row is a load-time error that names it", () => {
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
