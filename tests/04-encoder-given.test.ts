// Chapter 4, what the workbook gives the reader rather than asks of them: the registers (plain data).
// (The instruction table's parser runs on first use, so writing it is the reader's.) A chapter's *-given tests
// pass against its stubs by design; `npm run workbook -- contract` checks that they do, and that
// all its other tests fail against them.
import { describe, expect, test } from "bun:test";
import { ah, al, ax, bh, dh, dil, eax, r8, r8b, r15d, rax, spl, xmm0, ymm0 } from "../chapters/04-encoder/registers.ts";

describe("registers", () => {
  test("register facts: size, number, and what each needs from REX", () => {
    expect([rax.size, eax.size, ax.size, al.size, xmm0.size, ymm0.size]).toEqual([64, 32, 16, 8, 128, 256]);
    expect([r8.id, r15d.id, spl.id, ah.id, bh.id]).toEqual([8, 15, 4, 4, 7]);
    expect([spl.rex, dil.rex, ah.rex, dh.rex, al.rex, r8b.rex]).toEqual(["required", "required", "forbidden", "forbidden", "optional", "optional"]);
  });
});
