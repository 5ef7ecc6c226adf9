// Chapter 14's encoder, the parts GNU as cannot check: what it refuses and why (each message says
// what to write instead), labels and their fix-ups, the listing, the bitmask immediate's fields, and
// the sequences mov picks for a constant. tests/14-second-machine-as.test.ts checks the words.
import { describe, expect, test } from "bun:test";
import { LabelError } from "../chapters/05-control-flow/labels.ts";
import { indexed, mem, post, pre } from "../chapters/14-second-machine/addressing.ts";
import { Assembler } from "../chapters/14-second-machine/assembler.ts";
import { decodeBitmask, encodeBitmask } from "../chapters/14-second-machine/bitmask.ts";
import { movePlan } from "../chapters/14-second-machine/data-processing.ts";
import { A64EncodeError } from "../chapters/14-second-machine/errors.ts";
import { sp, w0, w1, w2, wsp, wzr, x0, x1, x2, x29, x30, xzr, type X } from "../chapters/14-second-machine/registers.ts";
import { allBitmasks } from "./14-second-machine-as.test.ts";

/** The A64EncodeError that assembling `emit` throws, as its message; a test fails on anything else. */
function refusal(emit: (a: Assembler) => unknown): string {
  try {
    emit(new Assembler());
  } catch (e) {
    if (e instanceof A64EncodeError) return e.message;
    throw e;
  }
  return "accepted";
}

describe("the bitmask immediate", () => {
  test("encodes 0x00ff00ff00ff00ff as a 16-bit element of eight ones, unrotated", () => {
    expect(encodeBitmask(0x00ff00ff00ff00ffn, 64)).toEqual({ n: 0, immr: 0, imms: 0b100111 });
  });

  test("encodes 0xf00000000000000f as a 64-bit element of eight ones rotated right by 4", () => {
    expect(encodeBitmask(0xf00000000000000fn, 64)).toEqual({ n: 1, immr: 4, imms: 7 });
  });

  test("every logical immediate of both sizes encodes, and decodes back to itself", () => {
    for (const size of [32, 64] as const) {
      const values = allBitmasks(size);
      expect(values.length).toBe(size === 64 ? 5334 : 1302);
      for (const v of values) {
        const fields = encodeBitmask(v, size);
        if (typeof fields === "string") throw new Error(`0x${v.toString(16)}: ${fields}`);
        expect(decodeBitmask(fields, size)).toBe(v);
      }
    }
  });

  test("a value that is no rotated run of ones repeated is refused, with the reason", () => {
    expect(typeof encodeBitmask(0x1234n, 64)).toBe("string");
    expect(refusal((a) => a.and(x0, x1, 0x1234))).toBe(
      "'and x0, x1, #0x1234': 0x1234 is not a logical immediate: it must be an element of 2, 4, 8, 16, 32 or 64 bits, " +
        "a run of ones rotated right, repeated to fill 64 bits; here it does not repeat in any smaller element, " +
        "and its 64-bit element 0x1234 is not one run of ones, rotated. Put it in a register (mov) and use the register form",
    );
    expect(refusal((a) => a.eor(x0, x1, 0x0f0f_0f0f_0f0f_0f1fn))).toContain("is not one run of ones");
    expect(refusal((a) => a.orr(w0, w1, 0x0f1f_0f1f))).toContain("here it repeats every 16 bits, and its 16-bit element 0b0000111100011111 is not one run of ones");
  });

  test("0 and all ones have no encoding, and the message says why", () => {
    expect(refusal((a) => a.orr(x0, x1, 0))).toContain("0 is one of the two values with no run to rotate (a bitmask has at least one 0 and one 1)");
    expect(refusal((a) => a.and(w0, w1, 0xffffffff))).toContain("all ones is one of the two values with no run to rotate");
    expect(refusal((a) => a.and(x0, x1, -1))).toContain("all ones");
  });

  test("a pattern that repeats, but whose element is no run, names the element", () => {
    expect(refusal((a) => a.tst(x0, 0x0505_0505_0505_0505n))).toContain("it repeats every 8 bits, and its 8-bit element 0b00000101 is not one run of ones");
  });
});

describe("immediates that do not fit", () => {
  test("add's immediate is 12 bits, optionally shifted by 12", () => {
    expect(refusal((a) => a.add(x0, x1, 5000))).toBe(
      "'add x0, x1, #5000': #5000 does not fit add's immediate: 12 bits (0 to 4095), or a multiple of 4096 up to 16773120 with lsl #12; " +
        "split it into two instructions or put it in a register (mov)",
    );
    expect(refusal((a) => a.subs(x0, x1, 4096, "lsl", 12))).toBe(
      "'subs x0, x1, #4096, lsl #12': #4096, lsl #12 does not fit: the immediate is 12 bits (0 to 4095) before the shift; split it into two instructions or put it in a register (mov)",
    );
    expect(refusal((a) => a.add(x0, x1, 3, "lsl", 4))).toBe("'add x0, x1, #3, lsl #4': an immediate shifts only by lsl #0 or lsl #12, not lsl #4");
  });

  test("a multiple of 4096 takes lsl #12 by itself, as GNU as does", () => {
    expect(new Assembler().add(x0, x1, 0x5000).words()).toEqual(new Assembler().add(x0, x1, 5, "lsl", 12).words());
  });

  test("a negative add immediate points at sub", () => {
    expect(refusal((a) => a.add(x0, x1, -4))).toEndWith("for a negative number use sub with 4");
    expect(refusal((a) => a.cmp(x0, -1))).toEndWith("for a negative number use adds with 1");
  });

  test("move-wide pieces are 16 bits at a halfword position", () => {
    expect(refusal((a) => a.movz(x0, 0x10000))).toBe("'movz x0, #0x10000': #65536 does not fit movz's 16 bits (0 to 65535): shift a piece into place with lsl #16, #32 or #48");
    expect(refusal((a) => a.movk(w0, 1, 32))).toBe("'movk w0, #0x1, lsl #32': lsl #32 is not a halfword position: 0 or 16 for a w register");
    expect(refusal((a) => a.mov(w0, 0x1_0000_0000))).toBe("'mov w0, #4294967296': 4294967296 does not fit 32 bits: a w register holds 32");
  });

  test("shift amounts stop at the register's size", () => {
    expect(refusal((a) => a.lsl(x0, x1, 64))).toBe("'lsl x0, x1, #64': a shift of 64 is out of range: a 64-bit register shifts by 0 to 63");
    expect(refusal((a) => a.add(w0, w1, w2, "lsr", 32))).toContain("a 32-bit register shifts by 0 to 31");
    expect(refusal((a) => a.add(x0, x1, x2, "ror", 3))).toContain("add cannot rotate its second source");
  });
});

describe("load and store offsets", () => {
  test("a scaled offset must be a multiple of the access size: the message gives the scale and the range", () => {
    expect(refusal((a) => a.ldr(x0, mem(x1, 12)))).toBe(
      "'ldr x0, [x1, #12]': #12 is not a multiple of 8: ldr x scales its 12-bit offset by the access size, 8: 0 to 32760 in steps of 8; " +
        "for an unaligned offset from -256 to 255 use ldur",
    );
    expect(refusal((a) => a.str(w0, mem(x1, 6)))).toContain("#6 is not a multiple of 4: str w scales its 12-bit offset by the access size, 4: 0 to 16380 in steps of 4");
    expect(refusal((a) => a.ldrh(w0, mem(x1, 3)))).toContain("ldrh scales its 12-bit offset by the access size, 2: 0 to 8190 in steps of 2; for an unaligned offset from -256 to 255 use ldurh");
  });

  test("a scaled offset out of range, above or below", () => {
    expect(refusal((a) => a.ldr(x0, mem(x1, 32768)))).toBe(
      "'ldr x0, [x1, #32768]': #32768 is out of range: ldr x scales its 12-bit offset by the access size, 8: 0 to 32760 in steps of 8; add to the base first, or use an index register",
    );
    expect(refusal((a) => a.ldrb(w0, mem(x1, 4096)))).toContain("ldrb scales its 12-bit offset by the access size, 1: 0 to 4095;");
    expect(refusal((a) => a.ldr(x0, mem(x1, -8)))).toEndWith("for a negative offset from -256 to 255 use ldur");
  });

  test("unscaled, pre- and post-index offsets are 9 bits signed", () => {
    expect(refusal((a) => a.ldur(x0, mem(x1, 256)))).toBe("'ldur x0, [x1, #256]': #256 is out of range for ldur's unscaled offset: 9 bits signed, -256 to 255, not scaled");
    expect(refusal((a) => a.ldr(x0, pre(x1, -257)))).toContain("out of range for ldr's pre-index offset: 9 bits signed, -256 to 255");
    expect(refusal((a) => a.strb(w0, post(x1, 256)))).toContain("out of range for strb's post-index offset");
    expect(refusal((a) => a.ldur(x0, pre(x1, 8)))).toContain("ldur takes only [base, #offset]: for pre- or post-index or an index register use ldr");
  });

  test("pair offsets are 7 bits signed, scaled by the register size", () => {
    expect(refusal((a) => a.ldp(x0, x1, mem(sp, 12)))).toBe("'ldp x0, x1, [sp, #12]': #12 is not a multiple of 8: ldp of two 64-bit registers scales a 7-bit signed offset by 8: -512 to 504 in steps of 8");
    expect(refusal((a) => a.stp(w0, w1, pre(sp, 256)))).toContain("#256 is out of range: stp of two 32-bit registers scales a 7-bit signed offset by 4: -256 to 252 in steps of 4");
  });

  test("an index is shifted by 0 or the scale, and extended from the right size", () => {
    expect(refusal((a) => a.ldr(x0, indexed(x1, x2, "lsl", 2)))).toContain("shifted by 0 or by log2 of the access size, 3 (8 bytes), not by 2");
    expect(refusal((a) => a.ldr(x0, indexed(x1, x2 as never, "uxtw")))).toContain("uxtw extends a w index: write w2, not x2");
  });

  test("the register moved must fit the access", () => {
    expect(refusal((a) => a.ldrb(x0, mem(x1)))).toBe("'ldrb x0, [x1]': ldrb moves a byte through a w register (a load clears the upper 32 bits): write w0, not x0");
    expect(refusal((a) => a.ldrsw(w0, mem(x1)))).toContain("ldrsw sign-extends a word into 64 bits: write x0, not w0");
  });

  test("writing back into the register loaded is unpredictable, and refused", () => {
    expect(refusal((a) => a.ldr(x1, pre(x1, 8)))).toContain("ldr writes x1 back and also transfers it: the result is unpredictable");
    expect(refusal((a) => a.ldp(x0, x0, mem(sp)))).toContain("ldp loads x0 twice");
  });
});

describe("branch ranges", () => {
  test("b and bl reach ±128 MiB", () => {
    expect(refusal((a) => a.b(1 << 27))).toBe(
      "'b .+134217728': the target is 134217728 bytes away, out of b's reach: ±128 MiB (26 bits signed, in instructions); jump through a register (adr or mov the address into x16, then br x16)",
    );
    expect(refusal((a) => a.bl(-(1 << 27) - 4))).toContain("out of bl's reach: ±128 MiB");
    expect(refusal((a) => a.b(-(1 << 27)))).toBe("accepted");
  });

  test("b.cond, cbz and cbnz reach ±1 MiB", () => {
    expect(refusal((a) => a.bcond("eq", 1 << 20))).toContain("out of b.eq's reach: ±1 MiB (19 bits signed, in instructions); branch over a b with the opposite test");
    expect(refusal((a) => a.cbnz(x0, -(1 << 20) - 4))).toContain("out of cbnz's reach: ±1 MiB");
  });

  test("tbz and tbnz reach ±32 KiB", () => {
    expect(refusal((a) => a.tbz(x0, 3, 1 << 15))).toBe(
      "'tbz x0, #3, .+32768': the target is 32768 bytes away, out of tbz's reach: ±32 KiB (14 bits signed, in instructions); branch over a b with the opposite test, which reaches ±128 MiB",
    );
  });

  test("adr reaches ±1 MiB, in bytes", () => {
    expect(refusal((a) => a.adr(x0, 1 << 20))).toContain("out of adr's reach: ±1 MiB (21 bits signed); use adrp and add");
    expect(refusal((a) => a.adr(x0, 3))).toBe("accepted");
  });

  test("a forward label out of reach is refused when it is bound, naming the branch", () => {
    expect(refusal((a) => {
      const far = a.newLabel("far");
      a.cbz(x0, far);
      for (let i = 0; i < 1 << 18; i++) a.nop();
      a.bind(far);
    })).toBe("'cbz x0, far': the target is 1048580 bytes away, out of cbz's reach: ±1 MiB (19 bits signed, in instructions); branch over a b with the opposite test, which reaches ±128 MiB");
  });

  test("a target between instructions is refused", () => {
    expect(refusal((a) => a.b(6))).toContain("is not on an instruction: A64 instructions are 4-byte aligned");
  });

  test("tbz tests a bit the register has", () => {
    expect(refusal((a) => a.tbz(w0, 40, 0))).toBe("'tbz w0, #40, .': bit 40 is not in w0: a 32-bit register has bits 0 to 31 (test the x register for bits 32 to 63)");
  });
});

describe("register 31: sp or xzr, by position", () => {
  test("sp where the position means xzr", () => {
    expect(refusal((a) => a.orr(x0, sp, x1))).toBe("'orr x0, sp, x1': sp is not allowed as the first source: there register 31 is xzr, not sp (copy it into a register first: mov x9, sp)");
    expect(refusal((a) => a.adds(sp, x1, 1))).toBe("'adds sp, x1, #1': sp is not allowed as the destination: there register 31 is xzr, not sp (write the result to another register, then mov sp, x9)");
    expect(refusal((a) => a.mul(x0, x1, sp))).toContain("sp is not allowed as the second source");
    expect(refusal((a) => a.ldr(sp, mem(x1)))).toContain("sp is not allowed as the register to transfer");
    expect(refusal((a) => a.cbz(wsp, 0))).toContain("wsp is not allowed as the register to test: there register 31 is wzr");
  });

  test("xzr where the position means sp", () => {
    expect(refusal((a) => a.add(xzr, x1, 1))).toBe("'add xzr, x1, #1': xzr is not allowed as the destination: there register 31 is sp, not xzr (put zero in a register first, or use a form whose register 31 is xzr)");
    expect(refusal((a) => a.ldr(x0, mem(xzr, 8)))).toContain("xzr is not allowed as the base: there register 31 is sp");
    expect(refusal((a) => a.and(xzr, x1, 0xff))).toContain("xzr is not allowed as the destination");
    expect(refusal((a) => a.sub(x0, wzr as never, 1))).toContain("mixes 64-bit (x) and 32-bit (w) registers");
  });

  test("the same register 31 is sp in one position and xzr in the other", () => {
    // add x0, sp, #0 (mov x0, sp) and orr x0, xzr, x0 (mov x0, x0) both hold the number 31.
    const [fromSp] = new Assembler().mov(x0, sp).words();
    const [zeroOr] = new Assembler().mov(x0, xzr).words();
    expect((fromSp! >> 5) & 31).toBe(31);
    expect((zeroOr! >> 16) & 31).toBe(31);
    expect(fromSp).not.toBe(zeroOr);
  });

  test("with sp, add and sub take the extended-register form", () => {
    expect((new Assembler().add(x0, sp, x1).words()[0]! >> 21) & 1).toBe(1); // bit 21: extended register
    expect(refusal((a) => a.add(x0, sp, x1, "lsr", 2))).toContain("with sp, add takes the extended-register form, which shifts only left, by 0 to 4");
  });
});

describe("w and x registers", () => {
  test("mixing them in one instruction is refused", () => {
    expect(refusal((a) => a.add(x0, w1, 4))).toBe("'add x0, w1, #4': mixes 64-bit (x) and 32-bit (w) registers (x0, w1): the instruction works at one width, set by its sf bit; write them all as x or all as w");
    expect(refusal((a) => a.csel(w0, x1, x2, "eq"))).toContain("mixes 64-bit (x) and 32-bit (w)");
    expect(refusal((a) => a.ldp(x0, w1, mem(sp)))).toContain("mixes 64-bit (x) and 32-bit (w)");
  });

  test("an address is an x register", () => {
    expect(refusal((a) => a.ldr(x0, mem(w1, 8)))).toBe("'ldr x0, [w1, #8]': an address is 64 bits: the base must be an x register or sp, not w1");
    expect(refusal((a) => a.br(w1 as unknown as X))).toContain("br jumps to a 64-bit address: write x1, not w1");
    expect(refusal((a) => a.adr(w0, 0))).toContain("adr makes a 64-bit address");
    expect(refusal((a) => a.dcCvau(w0))).toContain("dc cvau takes an address");
  });
});

describe("labels", () => {
  test("a branch to a label gives the word a branch to its offset does, bound before or after", () => {
    const a = new Assembler();
    const top = a.newLabel("top"), done = a.newLabel("done");
    a.bind(top).cbz(x0, done).sub(x0, x0, 1).tbnz(w1, 3, done).adr(x2, done).b(top).bind(done).ret();
    const b = new Assembler().cbz(x0, 20).sub(x0, x0, 1).tbnz(w1, 3, 20).adr(x2, 20).b(0).ret();
    expect(Array.from(a.words())).toEqual(Array.from(b.words()));
    expect(a.listing.map((l) => l.text)).toEqual(["cbz x0, done", "sub x0, x0, #1", "tbnz w1, #3, done", "adr x2, done", "b top", "ret"]);
    expect(b.listing.map((l) => l.text)).toEqual(["cbz x0, .+20", "sub x0, x0, #1", "tbnz w1, #3, .+12", "adr x2, .+8", "b .-16", "ret"]);
  });

  test("a label never bound is a LabelError naming the branch that uses it", () => {
    const a = new Assembler();
    a.nop().b(a.newLabel("exit"));
    expect(() => a.words()).toThrow(new LabelError("'exit' (used by 'b exit' at offset 4) never bound: bind each label where its code starts"));
  });

  test("binding twice, or a label from another assembler, is a LabelError", () => {
    const a = new Assembler();
    const l = a.bind(a.newLabel("l")).nop().newLabel("m");
    a.bind(l);
    expect(() => a.bind(l)).toThrow("label 'm' is already bound at offset 4: make a new label for offset 4");
    expect(() => new Assembler().b(l)).toThrow("label 'm' belongs to another assembler");
  });
});

describe("the listing", () => {
  test("offset, word and GNU text for each instruction", () => {
    const a = new Assembler().mov(w0, 42).ldr(x1, indexed(x2, w1, "sxtw", 3)).stp(x29, x30, pre(sp, -16)).ret();
    const w = Array.from(a.words(), (n) => n.toString(16).padStart(8, "0"));
    expect(a.toString()).toBe(
      [`0000  ${w[0]}  mov w0, #42`, `0004  ${w[1]}  ldr x1, [x2, w1, sxtw #3]`, `0008  ${w[2]}  stp x29, x30, [sp, #-16]!`, `000c  ${w[3]}  ret`].join("\n"),
    );
    const bytes = new DataView(a.bytes().buffer); // each word little-endian
    a.words().forEach((word, i) => expect(bytes.getUint32(4 * i, true)).toBe(word));
  });
});

describe("mov with a constant", () => {
  const shape = (v: bigint, size: 32 | 64 = 64) => movePlan(v, size).map((p) => p.op).join(" ");

  test("one instruction whenever one does: movz, movn, or orr with a bitmask", () => {
    expect(shape(0n)).toBe("movz");
    expect(shape(0xffff_0000_0000n)).toBe("movz");
    expect(shape(0xffff_ffff_ffff_1234n)).toBe("movn");
    expect(shape(-1n)).toBe("movn");
    expect(shape(0x5555_5555_5555_5555n)).toBe("orr");
    expect(shape(0xffff_fffen, 32)).toBe("movn");
  });

  test("otherwise movz and a movk per other non-zero halfword, or movn when 0xffff halves are more", () => {
    expect(shape(0x1234_5678_9abc_def0n)).toBe("movz movk movk movk");
    expect(shape(0x1234_0000_5678n)).toBe("movz movk");
    expect(shape(0xffff_1234_ffff_5678n)).toBe("movn movk");
    expect(movePlan(0xffff_1234_ffff_5678n, 64)[0]).toEqual({ op: "movn", imm: 0xa987, shift: 0 });
  });

  test("the constants a JIT loads most often take one or two instructions", () => {
    for (const v of [0n, 1n, 255n, 4096n, 0x1_0000n, 0xffff_ffffn, -2n, 30_000n, 0x10_0000n, 0x7fff_ffffn]) {
      expect(movePlan(v, 64).length).toBeLessThanOrEqual(2);
    }
  });
});
