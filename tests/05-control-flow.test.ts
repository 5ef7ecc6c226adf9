// Chapter 5, the parts that only assemble: labels and their fixups (bytes checked against GNU as),
// their errors, the Frame's arithmetic, and the shape of the harness's machine code. Nothing here
// executes generated code; tests/05-control-flow-native.test.ts runs it, in child processes.
import { beforeAll, describe, expect, test } from "bun:test";
import { assemble, hasGnuAs } from "../chapters/02-first-bytes/gnu-as.ts";
import { CONDITION_NAMES } from "../chapters/04-encoder/conditions.ts";
import { EncodeError } from "../chapters/04-encoder/errors.ts";
import { qword } from "../chapters/04-encoder/operands.ts";
import { r11, r12, r13, r14, r15, rax, rbp, rbx, rcx, rdi, rsi, rsp, type Gpr } from "../chapters/04-encoder/registers.ts";
import { BROKEN, CLOBBERS_CALLER_SAVED, programNamed } from "../chapters/05-control-flow/broken-programs.ts";
import { CALLEE_SAVED, Frame, FrameError, alignmentPadding } from "../chapters/05-control-flow/frame.ts";
import { emitAlignmentStub, emitTrampoline } from "../chapters/05-control-flow/harness-code.ts";
import { Asm, Label, LabelError } from "../chapters/05-control-flow/labels.ts";
import { PROGRAMS, PROGRAM_SIGNATURE, emitCount, emitSum } from "../chapters/05-control-flow/programs.ts";
import { AbiHarness } from "../chapters/05-control-flow/abi-harness.ts";
import { libcAddress } from "../chapters/05-control-flow/libc-addresses.ts";

const GNU_AS = hasGnuAs();
if (!GNU_AS) console.warn("GNU as/objdump not found: the byte checks against GNU as are skipped (install binutils).");

const hex = (bytes: ArrayLike<number>) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
const nops = (a: Asm, n: number) => a.db(...new Array<number>(n).fill(0x90));
const fill = (n: number) => `.fill ${n}, 1, 0x90`;
const texts = (a: Asm) => a.listing.map((l) => l.text);
/** The bytes of the branch instructions (jmp, jcc, call) in a listing, in order. */
const branches = (a: Asm) => hex(a.listing.filter((l) => /^(j|call)/.test(l.text)).flatMap((l) => [...l.bytes]));

// #region label-cases
// [what, the branches' bytes, the same code for GNU as (@ names a label), the same code for Asm]
const LABEL_CASES: [string, string, string[], (a: Asm) => void][] = [
  ["short, 127 bytes forward", "eb 7f", ["jmp @f", fill(127), "@f:"], (a) => {
    const f = a.newLabel();
    nops(a.jmp(f, "short"), 127).bind(f);
  }],
  ["forward is rel32 by default, even over 127 bytes", "e9 7f 00 00 00", ["{disp32} jmp @f", fill(127), "@f:"], (a) => {
    const f = a.newLabel();
    nops(a.jmp(f), 127).bind(f);
  }],
  ["128 bytes forward", "e9 80 00 00 00", ["jmp @f", fill(128), "@f:"], (a) => {
    const f = a.newLabel();
    nops(a.jmp(f), 128).bind(f);
  }],
  ["126 bytes backward: rel8 reaches", "eb 80", ["@b:", fill(126), "jmp @b"], (a) => {
    const b = a.newLabel();
    nops(a.bind(b), 126).jmp(b);
  }],
  ["127 bytes backward: rel32", "e9 7c ff ff ff", ["@b:", fill(127), "jmp @b"], (a) => {
    const b = a.newLabel();
    nops(a.bind(b), 127).jmp(b);
  }],
  ["jne, 126 bytes backward", "75 80", ["@b:", fill(126), "jne @b"], (a) => {
    const b = a.newLabel();
    nops(a.bind(b), 126).jne(b);
  }],
  ["jne, 127 bytes backward", "0f 85 7b ff ff ff", ["@b:", fill(127), "jne @b"], (a) => {
    const b = a.newLabel();
    nops(a.bind(b), 127).jne(b);
  }],
  ["je forward, by default", "0f 84 03 00 00 00", ["{disp32} je @f", fill(3), "@f:"], (a) => {
    const f = a.newLabel();
    nops(a.je(f), 3).bind(f);
  }],
  ["jl forward, short", "7c 7f", ["jl @f", fill(127), "@f:"], (a) => {
    const f = a.newLabel();
    nops(a.jcc("l", f, "short"), 127).bind(f);
  }],
  ["a jump to itself", "eb fe", ["@b: jmp @b"], (a) => {
    const b = a.newLabel();
    a.bind(b).jmp(b);
  }],
  ["near backward, when asked", "e9 fb ff ff ff", ["@b:", "{disp32} jmp @b"], (a) => {
    const b = a.newLabel();
    a.bind(b).jmp(b, "near");
  }],
  ["call forward: always rel32", "e8 05 00 00 00", ["call @f", fill(5), "@f:"], (a) => {
    const f = a.newLabel();
    nops(a.call(f), 5).bind(f);
  }],
  ["call backward: rel32 too (call has no rel8)", "e8 f6 ff ff ff", ["@f:", fill(5), "call @f"], (a) => {
    const f = a.newLabel();
    nops(a.bind(f), 5).call(f);
  }],
  ["three jumps waiting for one label", "e9 08 00 00 00 74 06 0f 85 00 00 00 00", ["{disp32} jmp @f", "jz @f", "{disp32} jnz @f", "@f:"], (a) => {
    const f = a.newLabel();
    a.jmp(f).jz(f, "short").jnz(f).bind(f);
  }],
  ["a numeric offset still works", "eb fe", ["@b: jmp @b"], (a) => void a.jmp(0)],
];
// #endregion label-cases

// Every condition name, backward to one label: the 30 names chapter 4 knows, as GNU spells them.
const CC_GNU = ["@b:", ...CONDITION_NAMES.map((c) => `j${c} @b`)];
const ccEmit = (a: Asm) => {
  const b = a.newLabel();
  a.bind(b);
  for (const c of CONDITION_NAMES) (a[`j${c}`] as (t: Label) => Asm)(b);
};

/** GNU as's bytes for each case (one run each: objdump names one label per address, so cases cannot share a file). */
function gnuBytes(cases: readonly string[][]): string[] {
  return cases.map((lines) => hex(assemble(lines.map((l) => l.replaceAll("@", "x_"))).flatMap((l) => l.bytes)));
}

describe("labels, checked against GNU as", () => {
  let gnu: string[] = [];
  beforeAll(() => {
    if (GNU_AS) gnu = gnuBytes([...LABEL_CASES.map((c) => c[2]), CC_GNU]);
  });

  test.each(LABEL_CASES.map((c, i) => [c[0], c[1], i] as const))("%s: %s", (_what, expected, i) => {
    const a = new Asm();
    LABEL_CASES[i]![3](a);
    expect(branches(a)).toBe(expected);
    if (GNU_AS) expect(hex(a.finish())).toBe(gnu[i]!);
  });

  test("every condition name takes a label (je, jz, jnle, ...)", () => {
    const a = new Asm();
    ccEmit(a);
    expect(a.listing.map((l) => l.text)).toEqual(CONDITION_NAMES.map((c) => `j${c} L0`));
    if (GNU_AS) expect(hex(a.finish())).toBe(gnu[LABEL_CASES.length]!);
  });

  test.skipIf(!GNU_AS)("callAbsolute: movabs, then call through the register", () => {
    const a = new Asm().callAbsolute(0x7f12_3456_7890).callAbsolute(0xffff_ffff_ffff_fff0n, r11);
    const gnuCode = assemble(["movabs rax, 0x7f1234567890", "call rax", "movabs r11, 0xfffffffffffffff0", "call r11"]);
    expect(hex(a.finish())).toBe(hex(gnuCode.flatMap((l) => l.bytes)));
  });
});

describe("labels: the rules", () => {
  test("a forward jump's displacement is patched when its label is bound", () => {
    const a = new Asm();
    const done = a.newLabel("done");
    a.jmp(done);
    expect(hex(a.listing[0]!.bytes)).toBe("e9 00 00 00 00"); // a placeholder until bind
    a.nop().bind(done);
    expect(hex(a.listing[0]!.bytes)).toBe("e9 01 00 00 00");
  });

  test("addressOf gives a bound label's offset", () => {
    const a = new Asm();
    const table = a.newLabel("table");
    nops(a, 5).bind(table);
    expect(a.addressOf(table)).toBe(5);
  });

  test("labels are named L0, L1, ... unless named", () => {
    const a = new Asm();
    expect([a.newLabel(), a.newLabel("loop"), a.newLabel()].map(String)).toEqual(["L0", "loop", "L2"]);
  });

  test("an unbound label nothing jumps to is allowed", () => {
    const a = new Asm();
    a.newLabel("spare");
    expect(hex(a.ret().finish())).toBe("c3");
  });

  test("bytes() is finish(): both refuse a used, unbound label", () => {
    const a = new Asm();
    a.jmp(a.newLabel("exit"));
    expect(() => a.bytes()).toThrow(LabelError);
  });

  test("the listing shows labels where they are bound", () => {
    const a = new Asm();
    const top = a.newLabel("top");
    const end = a.newLabel("end");
    const alias = a.newLabel("also_top");
    a.bind(top).bind(alias).dec(rcx).jnz(top).bind(end);
    expect(a.toString().split("\n").map((l) => l.replace(/ +/g, " "))).toEqual([
      "top:",
      "also_top:",
      "0000 48 ff c9 dec rcx",
      "0003 75 fb jnz top",
      "end:",
    ]);
  });
});

describe("labels: errors", () => {
  const throws = (f: (a: Asm) => void) => {
    try {
      f(new Asm());
    } catch (e) {
      expect(e).toBeInstanceOf(LabelError);
      return (e as Error).message;
    }
    throw new Error("expected a LabelError, and nothing was thrown");
  };

  test("binding a label twice", () => {
    const message = throws((a) => { const l = a.newLabel("top"); a.bind(l).nop().bind(l); });
    // The label, where it is bound, where it was asked for, and the way out.
    for (const fact of ["'top'", "0x0", "0x1", "newLabel"]) expect(message).toContain(fact);
  });

  test("a used label never bound, named with the jump that uses it", () => {
    expect(throws((a) => void nops(a, 2).jne(a.newLabel("exit")).finish())).toStartWith("'exit' (used by 'jne exit' at 0x2) is never bound");
  });

  test("several labels never bound are listed together", () => {
    expect(throws((a) => void a.jmp(a.newLabel("a")).call(a.newLabel("b")).finish())).toMatch(/^'a' .*, 'b' \(used by 'call b' at 0x5\) are never bound/);
  });

  test("among thousands of labels, the unbound ones are still found, however many were bound between", () => {
    const unbound = (a: Asm) => {
      const early = a.newLabel("early");
      a.jmp(early);
      for (let i = 0; i < 5000; i++) {
        const l = a.newLabel();
        a.jne(l).jne(l).bind(l); // two branches wait, then both are patched
      }
      const late = a.newLabel("late");
      a.call(late).finish();
    };
    expect(throws(unbound)).toMatch(/^'early' \(used by 'jmp early' at 0x0\), 'late' \(used by 'call late' at 0x[0-9a-f]+\) are never bound/);
  });

  test("a short forward jump that the label ends up too far from: at bind, with the distance", () => {
    expect(throws((a) => { const l = a.newLabel("far"); nops(a.jmp(l, "short"), 128).bind(l); })).toBe(
      `'jmp far' at 0x0 is short, but label 'far' is 128 bytes from the end of the jump, and rel8 reaches only -128..127. ` +
        `Drop the "short" hint (rel32 reaches ±2 GiB), or move the label closer.`,
    );
  });

  test("a short backward jump too far: at the jump, and nothing is emitted", () => {
    const a = new Asm();
    const back = a.newLabel("back");
    nops(a.bind(back), 127);
    expect(() => a.jz(back, "short")).toThrow("label 'back' is -129 bytes from the end of the jump");
    expect(a.offset).toBe(127);
  });

  test("a jump is named as objdump names its opcode, whichever name it was written with, forward or backward", () => {
    // A waiting jump is kept as where it starts, and read back from its bytes: jz and je are one opcode.
    expect(throws((a) => void a.jz(a.newLabel("exit")).finish())).toStartWith("'exit' (used by 'je exit' at 0x0) is never bound");
    expect(throws((a) => { const l = a.newLabel("far"); nops(a.jc(l, "short"), 128).bind(l); })).toStartWith("'jb far' at 0x0 is short");
    expect(throws((a) => { const l = a.newLabel("back"); nops(a.bind(l), 200).jc(l, "short"); })).toStartWith("'jb back' at 0xc8 is short");
  });

  test("a label from another assembler", () => {
    const other = new Asm().newLabel("theirs");
    expect(throws((a) => void a.jmp(other))).toBe(
      "label 'theirs' was not made by this assembler: use a label from this assembler's newLabel().",
    );
  });

  test("addressOf an unbound label", () => {
    expect(throws((a) => void a.addressOf(a.newLabel("table")))).toBe("label 'table' is not bound yet, so it has no offset: bind(table) first.");
  });

  test.each([0, -1, 1.5, 2 ** 64, 2n ** 64n, 0n])("callAbsolute(%p) is an EncodeError", (address) => {
    expect(() => new Asm().callAbsolute(address)).toThrow(EncodeError);
  });
});

describe("Frame", () => {
  // [uses, locals] -> [saved, padding, size]
  const FRAMES: [Gpr<64>[], number, string[], number, number][] = [
    [[], 0, [], 8, 8],
    [[rbx], 0, ["rbx"], 0, 8],
    [[r12, rbx], 0, ["rbx", "r12"], 8, 24],
    [[rbx, r12, r13], 0, ["rbx", "r12", "r13"], 0, 24],
    [[rbx, r12, r13, r14], 0, ["rbx", "r12", "r13", "r14"], 8, 40],
    [[r15, r14, r13, r12, rbp, rbx], 0, ["rbx", "rbp", "r12", "r13", "r14", "r15"], 8, 56],
    [[rax, rdi, rsi, r11], 0, [], 8, 8],
    [[rbx, rbx, rax], 0, ["rbx"], 0, 8],
    [[], 8, [], 0, 8],
    [[], 1, [], 7, 8],
    [[rbx], 8, ["rbx"], 8, 24],
    [[rbx], 24, ["rbx"], 8, 40],
    [[rbx, r12], 40, ["rbx", "r12"], 0, 56],
  ];

  const rows = FRAMES.map(([uses, locals, saved, padding, size]) => [
    `uses ${uses.map((r) => r.name).join(", ") || "nothing"} with ${locals} bytes of locals: saves ${saved.join(", ") || "nothing"}, pads ${padding}, moves rsp by ${size}`,
    uses, locals, saved, padding, size,
  ] as const);
  test.each(rows)("%s", (_title, uses, locals, saved, padding, size) => {
    const f = new Frame({ uses, locals });
    expect([f.saved.map((r) => r.name), f.padding, f.size]).toEqual([saved, padding, size]);
  });

  test("rsp is 16-aligned in the body of every frame: all 64 sets of callee-saved registers, 0 to 40 bytes of locals", () => {
    for (let set = 0; set < 64; set++) {
      const uses = CALLEE_SAVED.filter((_, i) => set & (1 << i));
      for (let locals = 0; locals <= 40; locals++) {
        const f = new Frame({ uses, locals });
        expect((8 + f.size) % 16).toBe(0); // 8: the return address the call pushed
        expect(f.padding).toBeLessThan(16);
        expect(f.size).toBe(8 * uses.length + locals + f.padding);
      }
    }
  });

  test("the epilogue undoes the prologue in reverse, for every set of registers", () => {
    const undo = (text: string) => text.replace(/^push/, "pop").replace(/^sub/, "add");
    for (let set = 0; set < 64; set++) {
      const f = new Frame({ uses: CALLEE_SAVED.filter((_, i) => set & (1 << i)), locals: set % 3 === 0 ? 16 : 0 });
      const pro = new Asm();
      const epi = new Asm();
      f.prologue(pro);
      f.epilogue(epi);
      expect(epi.listing.map((l) => l.text)).toEqual([...pro.listing.map((l) => undo(l.text)).reverse(), "ret"]);
    }
  });

  test.skipIf(!GNU_AS)("prologue and epilogue bytes match GNU as", () => {
    const a = new Asm();
    const f = new Frame({ uses: [rbx, r12, r13, r14] });
    f.prologue(a);
    f.epilogue(a);
    const source = ["push rbx", "push r12", "push r13", "push r14", "sub rsp, 8", "add rsp, 8", "pop r14", "pop r13", "pop r12", "pop rbx", "ret"];
    expect(hex(a.finish())).toBe(hex(assemble(source).flatMap((l) => l.bytes)));
  });

  test("a frame with no padding and no locals emits no sub/add", () => {
    const a = new Asm();
    new Frame({ uses: [rbx] }).prologue(a);
    expect(a.listing.map((l) => l.text)).toEqual(["push rbx"]);
  });

  test("locals are addressed from rsp", () => {
    const f = new Frame({ locals: 16 });
    expect(hex(new Asm().mov(rax, f.local(8)).finish())).toBe(hex(new Asm().mov(rax, qword(rsp, 8)).finish()));
  });

  test("describes itself", () => {
    expect([new Frame(), new Frame({ uses: [rbx, r12], locals: 8 }), new Frame({ uses: [rbx] })].map(String)).toEqual([
      "saves nothing; 8 bytes of padding",
      "saves rbx, r12; 8 bytes of locals",
      "saves rbx",
    ]);
  });

  test("alignmentPadding: return address + pushes + locals + padding is a multiple of 16", () => {
    expect([[0, 0], [1, 0], [2, 0], [0, 8], [1, 8], [0, 4], [3, 12]].map(([p, l]) => alignmentPadding(p!, l!))).toEqual([8, 0, 8, 0, 8, 4, 4]);
  });

  test.each([
    ["rsp in uses", { uses: [rbx, rsp] }, /\brsp\b/],
    ["negative locals", { locals: -8 }, /locals.*-8/],
    ["fractional locals", { locals: 1.5 }, /locals.*1\.5/],
  ])("%s is a FrameError", (_what, options, message) => {
    expect(() => new Frame(options)).toThrow(FrameError);
    expect(() => new Frame(options)).toThrow(message);
  });

  test("a local outside the frame is a FrameError", () => {
    expect(() => new Frame({ locals: 8 }).local(8)).toThrow("local offset 8 is outside the frame's 8 bytes of locals: use 0 to 7");
    expect(() => new Frame().local(0)).toThrow(/\(ask for locals in the Frame's options\)$/);
  });
});

describe("the harness's machine code", () => {
  const RECORD_ADDRESS = 0x7f00_0000_1000;

  test("the trampoline saves and restores all six around the call, aligned, and never touches rax after it", () => {
    const a = new Asm();
    const fn = a.newLabel("function");
    emitTrampoline(a, fn, RECORD_ADDRESS);
    a.bind(fn).ret();
    const t = texts(a);
    expect(t.slice(0, 7)).toEqual(["push rbx", "push rbp", "push r12", "push r13", "push r14", "push r15", "sub rsp, 8"]);
    expect(t.slice(-9, -1)).toEqual(["add rsp, 8", "pop r15", "pop r14", "pop r13", "pop r12", "pop rbp", "pop rbx", "ret"]);
    const afterCall = t.slice(t.indexOf("call function") + 1);
    expect(afterCall.filter((l) => /^\w+ (rax|eax)\b/.test(l))).toEqual([]);
    expect(t.filter((l) => l.startsWith("movabs") && /0xca11ab1e/.test(l))).toHaveLength(12); // seed, then compare
  });

  test("a stub writes only r10, r11 and the record, and leaves with a jump", () => {
    const a = new Asm();
    emitAlignmentStub(a, 1, 0x7f12_3456_7890, RECORD_ADDRESS);
    const t = texts(a);
    const writes = t.map((l) => /^(\w+) ([^,]+)/.exec(l)!).filter((m) => !["cmp", "test", "jz", "jne", "jmp"].includes(m[1]!)).map((m) => m[2]);
    expect(new Set(writes)).toEqual(new Set(["r10", "r11", "qword ptr [r10]", "qword ptr [r10+8]", "qword ptr [r10+16]", "qword ptr [r10+24]", "qword ptr [r10+32]"]));
    expect(t.at(-1)).toBe("jmp r11");
    expect(t.some((l) => /^(push|pop|call)/.test(l))).toBe(false); // the stack stays as the caller left it
  });
});

describe("building a harness (nothing is called here)", () => {
  test("the trampoline, then the function under test at its label, calling libc through a stub", () => {
    using harness = new AbiHarness(programNamed("count").emit, PROGRAM_SIGNATURE);
    const lines = harness.listing.split("\n");
    expect(lines[0]).toEndWith("push rbx");
    expect(lines.indexOf("function:")).toBeGreaterThan(lines.findIndex((l) => l.endsWith("call function")));
    expect(harness.listing).not.toContain(`0x${libcAddress("memchr").toString(16)}`); // the stub's address instead
  });

  test("an emitter that fails: its error, not a half-built harness", () => {
    expect(() => new AbiHarness((a) => void a.jmp(a.newLabel("nowhere")), PROGRAM_SIGNATURE)).toThrow(LabelError);
  });
});

describe("the programs", () => {
  test("sum: a short jump over the loop, a rel8 jump back", () => {
    const a = new Asm();
    emitSum(a);
    const jumps = a.listing.filter((l) => l.text.startsWith("j"));
    expect(jumps.map((l) => `${l.text}: ${hex(l.bytes.slice(0, 1))}, ${l.bytes.length} bytes`)).toEqual(["jle done: 7e, 2 bytes", "jne loop: 75, 2 bytes"]);
    const [over, back] = jumps.map((l) => l.offset + 2 + ((l.bytes[1]! << 24) >> 24)); // where each lands
    expect([over, back]).toEqual([a.offset - 1, jumps[0]!.offset + 2]); // past the loop (before ret); the loop's top
  });

  test("count: the same size whatever memchr's address, and memchr called through rax", () => {
    const at = (address: number) => {
      const a = new Asm();
      emitCount(a, () => address);
      return a;
    };
    expect(at(0x1000).finish().length).toBe(at(0x7fff_ffff_f000).finish().length);
    expect(texts(at(0x7f00_1234_5000))).toContain("call rax");
  });

  test("every program and broken program assembles", () => {
    for (const p of [...PROGRAMS, ...BROKEN, CLOBBERS_CALLER_SAVED]) {
      const a = new Asm();
      p.emit(a, () => 0x7f00_0000_0000);
      expect(a.finish().length).toBeGreaterThan(0);
      expect(programNamed(p.name)).toBe(p);
    }
  });
});

