// Chapter 14, what the workbook gives the reader: the registers and their register 31, the
// condition codes, the bitmask decoder (what a disassembler does), and the system instructions.
import { describe, expect, test } from "bun:test";
import { decodeBitmask } from "../chapters/14-second-machine/bitmask.ts";
import { CONDITIONS, CONDITION_NAMES, invert } from "../chapters/14-second-machine/conditions.ts";
import { Reject } from "../chapters/14-second-machine/errors.ts";
import { reg, registerNamed, sp, wzr, x30, xzr } from "../chapters/14-second-machine/registers.ts";
import { exception } from "../chapters/14-second-machine/system.ts";

describe("registers", () => {
  test("x0..x30 and w0..w30 by number; 31 is sp or xzr, by name only", () => {
    expect(reg(64, 30)).toBe(x30);
    expect(reg(32, 7).name).toBe("w7");
    expect(() => reg(64, 31)).toThrow("there is no 64-bit register number 31: number 31 is sp or xzr depending on the operand: use those names");
    expect([sp.id, xzr.id, sp.role, xzr.role]).toEqual([31, 31, "sp", "zr"]);
    expect(registerNamed("wzr")).toBe(wzr);
    expect(registerNamed("x31")).toBeUndefined();
  });
});

describe("conditions", () => {
  test("sixteen codes in pairs: the low bit negates", () => {
    expect(new Set(Object.values(CONDITIONS)).size).toBe(16);
    for (const c of CONDITION_NAMES.filter((c) => c !== "al" && c !== "nv")) expect(CONDITIONS[invert(c)] as number).toBe(CONDITIONS[c] ^ 1);
    expect(invert("hs")).toBe("lo");
  });
});

describe("the bitmask immediate, read back", () => {
  test("N:immr:imms to the value, as a disassembler reads it", () => {
    expect(decodeBitmask({ n: 0, immr: 0, imms: 0b100111 }, 64)).toBe(0x00ff00ff00ff00ffn);
    expect(decodeBitmask({ n: 1, immr: 4, imms: 7 }, 64)).toBe(0xf00000000000000fn);
    expect(decodeBitmask({ n: 0, immr: 1, imms: 0b111100 }, 32)).toBe(0xaaaaaaaan);
  });
});

describe("system instructions", () => {
  test("brk and svc take 16 bits", () => {
    expect(() => exception("brk", 0x10000)).toThrow(new Reject("#65536 does not fit brk's 16-bit immediate (0 to 65535)"));
  });
});
