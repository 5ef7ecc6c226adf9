// Chapter 10, what the workbook gives the reader: the x86-64 lowering of loops in registers, block
// checks and SIMD scans, a stretch of a program (a piece), and the command line's earlier tiers.
import { describe, expect, test } from "bun:test";
import type { LoopOp, Op } from "../chapters/08-lir/lir.ts";
import { blockReach, type FastOptions, fastToX86, laterTurns, registerCells, strideMask, testedCells } from "../chapters/10-faster-code/fast-lowering.ts";
import { print } from "../chapters/08-lir/print.ts";
import { kernelSimd } from "../chapters/10-faster-code/cpu.ts";
import { runBun } from "../shared/child.ts";
import { ownListing } from "../chapters/08-lir/codegen-x86.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { Stretch } from "../chapters/10-faster-code/pieces.ts";
import { Asm } from "../chapters/05-control-flow/labels.ts";

/** Stand-in addresses: code generation is pure, nothing here calls them. */
const IMPORTS = { write: 0x7fff_0000_1000, read: 0x7fff_0000_2000, memchr: 0x7fff_0000_3000, memrchr: 0x7fff_0000_4000 };

/** Under coverage, a child instruments everything it imports, which is slow: children that add no coverage run without. */
const UNINSTRUMENTED = { env: { NYC_BUN: "0" } };

const lir = (text: string) => parseLir(text.replace(/; */g, "\n"));

/** The program's own code (inline, or out of line) as instructions and labels, without offsets and bytes. */
function compiled(text: string, options: Partial<FastOptions> = {}, part: "inline" | "outOfLine" = "inline"): string[] {
  const code = fastToX86(lir(text), IMPORTS, { simd: "avx2", ...options });
  return ownListing(code, [part])
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").replace(/\{disp(8|32)\} /, "").trim())
    .filter((l) => l !== "" && !/^(nop|data16 nop)/.test(l));
}

const memoryAccesses = (lines: readonly string[]) => lines.filter((l) => l.includes("ptr [rbx"));

describe("loops in registers", () => {
  test("an innermost loop of arithmetic: its cells loaded once, the loop in registers, the changed cells stored once", () => {
    expect(compiled("check 1 2; loop [0] { add [0] -1; add [1] 3; set [2] 7; muladd [2] += [1] * 2 }").slice(3)).toEqual([
      "cmp byte ptr [rbx], 0",
      "je end_5_23",
      "movzx esi, byte ptr [rbx]",
      "movzx edi, byte ptr [rbx+1]",
      "movzx edx, byte ptr [rbx+2]",
      "regs_2_1:",
      "sub sil, 1",
      "add dil, 3",
      "mov edx, 7",
      "imul eax, edi, 2",
      "add dl, al",
      "test sil, sil",
      "jne regs_2_1",
      "mov byte ptr [rbx], sil",
      "mov byte ptr [rbx+1], dil",
      "mov byte ptr [rbx+2], dl",
      "end_5_23:",
    ]);
  });

  test("when the body's last op adds to the loop's cell, its flags decide: no test", () => {
    const code = compiled("check 1; loop [0] { add [1] 2; add [0] -1 }");
    expect(code.slice(code.indexOf("sub sil, 1"), code.indexOf("sub sil, 1") + 2)).toEqual(["sub sil, 1", "jne regs_2_1"]);
  });

  test("the checks inside are tested once, before the loop; if that fails, chapter 9's loop runs out of line", () => {
    const inline = compiled("loop [0] { add [0] -1; check 1 2; add [2] 1 }");
    expect(inline.slice(2, 5)).toEqual(["lea rax, [rbx+2]", "cmp rax, r13", "jae regs_checks_failed"]);
    expect(memoryAccesses(inline.slice(inline.indexOf("regs_1_1:"), inline.indexOf("jne regs_1_1")))).toEqual([]);
    const slow = compiled("loop [0] { add [0] -1; check 1 2; add [2] 1 }", {}, "outOfLine");
    expect(slow.slice(0, 5)).toEqual(["regs_checks_failed:", "cmp byte ptr [rbx], 0", "je end_3_11_2", "loop_1_1:", "sub byte ptr [rbx], 1"]);
  });

  test("without registers (--no-registers), the same loop works on memory at every turn, as in chapter 9", () => {
    const code = compiled("check 1; loop [0] { add [1] 2; add [0] -1 }", { registers: false });
    expect(code).toContain("add byte ptr [rbx+1], 2");
    expect(code.some((l) => l.startsWith("movzx"))).toBe(false);
  });

  const loopOf = (text: string) => lir(text).ops.find((op) => op.kind === "loop") as LoopOp;
  test.each([
    ["check 1; loop [0] { add [0] -1; add [1] 1 }", [0, 1]],
    ["check -1 -2; loop [0] { muladd [-2] += [0] * 3; add [0] -1 }", [-2, 0]],
    ["loop [0] { add [0] -1; move 1 }", null], //                                  it moves
    ["check 1; loop [0] { out [1]; add [0] -1 }", null], //                        it calls
    ["check 1; loop [0] { add [0] -1; loop [1] { add [1] -1 } }", null], //        not innermost
    ["check 1; loop [0] { add [1] 1; set [0] 0 }", null], //                       runs once: an if
    [`check ${Array.from({ length: 8 }, (_, i) => i + 1).join(" ")}; loop [0] { add [0] -1; ${Array.from({ length: 8 }, (_, i) => `add [${i + 1}] 1`).join("; ")} }`, null], // 9 cells: more than the pool
  ] as const)("registerCells(%s) = %j", (text, expected) => {
    expect(registerCells(loopOf(text))).toEqual(expected === null ? null : [...expected]);
  });
});

describe("one bounds test per straight-line block", () => {
  test("a block's checks and guards become one test of their whole range; when it fails, the block as written runs out of line, each guard's otherwise in its place", () => {
    const text = "check 1; add [1] 2; check 2; set [2] 4; check -1; guard -3..-2 { muladd [-3] += [0] * 2 } else { check -2 -3; muladd [-3] += [0] * 2 }; add [2] 1";
    expect(compiled(text)).toEqual([
      "lea rax, [rbx+2]",
      "cmp rax, r13",
      "jae block_checks_failed",
      "lea rax, [rbx-3]",
      "cmp rax, r12",
      "jb block_checks_failed",
      "add byte ptr [rbx+1], 2",
      "mov esi, 4", //                 [2], touched twice, in a register until the block ends
      "movzx ecx, byte ptr [rbx]",
      "imul eax, ecx, 2",
      "add byte ptr [rbx-3], al",
      "add sil, 1",
      "mov byte ptr [rbx+2], sil",
      "block_end:",
    ]);
    const slow = compiled(text, {}, "outOfLine");
    // The guard is its otherwise alone, in no loop out of line: its check, and no test of the guard's own.
    expect(slow.filter((l) => /^j(ae|b) /.test(l))).toEqual(["jae off_tape_0", "jae off_tape_1", "jb off_tape_2", "jb off_tape_3"]);
  });

  test("out of line, code is lowered plainly: a loop's slow path tests each check where it is, and keeps its cells in memory", () => {
    const text = "loop [0] { add [0] -1; check 1; add [1] 1; check -1; add [-1] 2; loop [1] { add [1] -1 } }";
    expect(compiled(text).filter((l) => l.startsWith("j"))).toContain("jb regs_checks_failed"); // the nest, in registers
    const slow = compiled(text, {}, "outOfLine");
    expect(slow.filter((l) => /^j(ae|b) /.test(l))).toEqual(["jae off_tape_0", "jb off_tape_1"]);
    expect(slow.filter((l) => l.startsWith("movzx"))).toEqual([]);
  });

  test("out of line, a guard inside a loop keeps its fast branch: a walk whose hoisted guard failed runs every turn there", () => {
    // +>>+>->+>->+<<<<<<[>[-<<+>>]>]: chapter 9 hoists the multiply loop's guard out of the walk.
    const text =
      "guard -1..-1 { loop [0] known -1..0 { check 1; muladd [-1] += [1] * 1; set [1] 0; move 2 } } " +
      "else { loop [0] { check 1; guard -1..-1 { muladd [-1] += [1] * 1; set [1] 0 } else { loop [1] { add [1] -1; check -1; add [-1] 1 } }; move 2 } }";
    const slow = compiled(text, {}, "outOfLine");
    expect(slow.filter((l) => l.startsWith("jb guard_else"))).toHaveLength(1); // the inner guard's test, in the walk out of line
    expect(slow).toContain("add byte ptr [rbx-1], cl"); // and its muladd
  });

  test("out-of-line code follows no op: its first muladd loads its cell, whatever was lowered last before it", () => {
    // The last op lowered inline is a muladd from [2]; the loop's slow copy is jumped to, and must load [2] itself.
    const text = "check 1 2 3; loop [0] { muladd [1] += [2] * 3; check 4; add [4] 1; add [0] -1 }; muladd [1] += [2] * 5";
    const slow = compiled(text, {}, "outOfLine");
    const first = slow.findIndex((l) => l.startsWith("imul"));
    expect(slow.slice(0, first)).toContain("movzx ecx, byte ptr [rbx+2]");
  });

  test("a block with one test keeps it where it is; --no-block-checks keeps every test", () => {
    expect(compiled("check 1; add [1] 2")).toEqual(["lea rax, [rbx+1]", "cmp rax, r13", "jae off_tape_0", "add byte ptr [rbx+1], 2"]);
    expect(compiled("check 1; add [1] 2; check 2; add [2] 1", { blockChecks: false }).filter((l) => l.startsWith("jae"))).toHaveLength(2);
  });

  test.each([
    ["check 1; check 2", { lo: 0, hi: 2 }],
    ["check 1", null],
    ["check -1; check 1", { lo: -1, hi: 1 }],
    ["guard -2..3 { set [3] 0 } else { }", { lo: -2, hi: 3 }],
    ["add [0] 1", null],
  ] as const)("testedCells(%s) = %j", (text, expected) => {
    expect(testedCells(lir(text).ops)).toEqual(expected);
  });
});

describe("without a test per op (measuring only)", () => {
  test("one test before a block, of every cell it reaches, its moves' landing cells included; none per op", () => {
    const text = "check 1; add [1] 2; guard -3..-2 { muladd [-3] += [0] * 2 } else { add [0] 1 }; move 1; check 1; add [1] 1; move -1";
    expect(blockReach(lir(text).ops)).toEqual({ lo: -3, hi: 2 });
    const code = compiled(text, { unchecked: true });
    expect(code.filter((l) => l.startsWith("lea rax"))).toEqual(["lea rax, [rbx+2]", "lea rax, [rbx-3]"]);
    expect(code.filter((l) => /^j(ae|b) /.test(l))).toEqual(["jae block_checks_failed", "jb block_checks_failed"]);
    expect(code.filter((l) => l.startsWith("cmp rbx"))).toEqual([]); //          the moves test nothing
  });
  test("the test comes before the block's first access: a block that leaves the tape has touched nothing", () => {
    const code = compiled("check -1; set [-1] 1; out [-1]; move -1", { unchecked: true });
    expect(code.findIndex((l) => l.startsWith("jb "))).toBeLessThan(code.findIndex((l) => l.includes("ptr [rbx-1]")));
  });
  test("the failed test's slow path is the block with every test: it stops at the exact command", () => {
    const slow = compiled("check -1; set [-1] 1; out [-1]; move -1", { unchecked: true }, "outOfLine");
    expect(slow.filter((l) => /^j(ae|b) off_tape/.test(l))).toHaveLength(2); // the check, then the move
  });
  test("a register loop keeps its one test before the loop", () => {
    const code = compiled("loop [0] { add [0] -1; check 1; add [1] 1 }", { unchecked: true });
    expect(code.filter((l) => l.startsWith("lea rax"))).toEqual(["lea rax, [rbx+1]"]);
  });
});

describe("walking loops: the turns after the first know what the turn before cleared", () => {
  const TEN = "check 1 2 3 4 5 6 7 8 9 10";
  const WALK = `loop [0] { ${TEN}; muladd [10] += [1] * 1; set [1] 0; move -9 }`; // mandelbrot's digit walk
  /** The later turns' body, a copy (a muladd into a cell known to be 0) marked as such; null: none. */
  const later = (text: string): string | null => {
    const parsed = lir(text);
    const loop = parsed.ops.find((op) => op.kind === "loop") as LoopOp;
    const copies = new WeakSet<Op>();
    const body = laterTurns(loop, copies);
    return body === null ? null : body.filter((op) => op.kind !== "check").map((op) => (copies.has(op) ? "copy " : "") + print({ ...parsed, ops: [op] }).trim()).join("; ");
  };
  test.each([
    [WALK, "copy muladd [10] += [1] * 1; set [1] 0; move -9"], //                    [10] is the [1] the turn before cleared
    ["loop [0] { check 1 2; add [1] 3; set [2] 0; move 1 }", "set [1] 3; set [2] 0; move 1"], // an add into a 0 is a set
    ["loop [0] { check 1 2; set [2] 0; add [1] 3; add [2] 1; move 1 }", null], //   [2] does not end as 0
    ["loop [0] { check 1 2; add [1] 3; set [2] 0; move 2 }", null], //              the cleared cell is the next turn's [0]
    ["loop [0] { check 1 2; add [1] 3; set [2] 0; move 1; move 1 }", null], //     not one move, last
    ["loop [0] { check 1 2; add [1] 3; set [2] 0 }", null], //                     it does not walk
  ] as const)("laterTurns(%s) = %j", (text, expected) => {
    expect(later(text)).toBe(expected);
  });

  test("the first turn as written, then the later turns round a loop of their own: a store, not an add, into [10]", () => {
    const code = compiled(WALK);
    const head = code.findIndex((l) => l.startsWith("later_"));
    expect(code.slice(0, head).filter((l) => l.includes("ptr [rbx+10]"))).toEqual(["add byte ptr [rbx+10], cl"]);
    expect(code.slice(head).filter((l) => l.includes("ptr [rbx+10]"))).toEqual(["mov byte ptr [rbx+10], cl"]);
    expect(code.filter((l) => l.startsWith("later_"))).toHaveLength(1);
    expect(compiled(WALK, { carried: false }).some((l) => l.startsWith("later_"))).toBe(false);
  });
});

describe("SIMD scans", () => {
  test("[>] with AVX2: 32 cells per compare while they lie on the tape, then one at a time; no call to memchr", () => {
    const code = compiled("scan 1");
    expect(code.slice(0, 14)).toEqual([
      "cmp byte ptr [rbx], 0",
      "je scan_done",
      "vpxor ymm1, ymm1, ymm1",
      "scan_vector:",
      "mov rax, rbx",
      "lea rcx, [rax+32]",
      "cmp rcx, r13",
      "ja scan_tail",
      "vpcmpeqb ymm0, ymm1, ymmword ptr [rax]",
      "vpmovmskb ecx, ymm0",
      "test ecx, ecx",
      "jnz scan_found",
      "add rbx, 32",
      "jmp scan_vector",
    ]);
    expect(code).toContain("vzeroupper");
    expect(code).toContain("tzcnt ecx, ecx");
    expect(code.some((l) => l.startsWith("call"))).toBe(false);
  });

  test("[<] with SSE2: the vector ends on the pointer, and the highest 0 bit is the nearest 0", () => {
    const code = compiled("scan -1", { simd: "sse2" });
    expect(code).toContain("lea rax, [rbx-15]");
    expect(code).toContain("cmp rax, r12");
    expect(code).toContain("movdqu xmm0, xmmword ptr [rax]");
    expect(code).toContain("bsr ecx, ecx");
    expect(code.some((l) => l.includes("ymm") || l === "vzeroupper")).toBe(false);
  });

  test("[<<] keeps the mask bits of the cells it stands on: 16 of them per AVX2 compare", () => {
    const code = compiled("scan -2");
    expect(code.slice(code.indexOf("vpmovmskb ecx, ymm0"), code.indexOf("vpmovmskb ecx, ymm0") + 4)).toEqual(["vpmovmskb ecx, ymm0", "and ecx, 0xaaaaaaaa", "jnz scan_found", "sub rbx, 32"]);
  });

  test.each([
    [1, 16, 0xffff],
    [2, 32, 0x55555555],
    [-2, 32, 0xaaaaaaaa],
    [3, 16, 0b1001001001001001],
    [-9, 32, 0x80402010],
  ] as const)("strideMask(%d, %d) = %d", (stride, w, mask) => {
    expect(strideMask(stride, w)).toBe(mask);
  });

  test("a stride too long for 8 cells in a vector is chapter 9's scan; so is every scan with --simd libc", () => {
    expect(compiled("scan 16", { simd: "sse2" })).toContain("cmp byte ptr [rbx+16], 0");
    expect(compiled("scan -9", { simd: "avx2" })).toContain("cmp byte ptr [rbx-9], 0"); //  4 cells in 32 bytes
    expect(compiled("scan 3", { simd: "sse2" }).some((l) => l.startsWith("pcmpeqb"))).toBe(false); // 6 in 16
    expect(compiled("scan 4", { simd: "avx2" }).some((l) => l.startsWith("vpcmpeqb"))).toBe(true); //  8 in 32
    expect(compiled("scan 2", { simd: "sse2" }).some((l) => l.startsWith("pcmpeqb"))).toBe(true); //   8 in 16
    expect(compiled("scan 1", { simd: "libc" })).toContain("movabs rax, 0x7fff00003000");
  });
});

describe("main.ts", () => {
  test.each([
    ["interp", [], {}],
    ["lir", [], UNINSTRUMENTED],
  ] as const)("--tier %s runs the program too", async (tier, more, opts) => {
    const r = await runBun("chapters/10-faster-code/main.ts", ["-e", "+++[>+++++<-]>[<++++>-]<+++++.>++[<<]", "--tier", tier, "--stats", ...more], opts);
    expect(r.stdout).toBe("A");
    expect(r.exitCode).toBe(1); // [<<] leaves the tape: a scan moves the pointer, so even fast-unchecked tests it
    expect(r.stderr).toContain("-e:1:36: error: '<' moved the pointer off the left end of the tape");
  });
});

describe("what the kernel says about the CPU", () => {
  test("without /proc/cpuinfo, the kernel has no answer, and detectSimd runs the probe", () => {
    expect(kernelSimd("/nonexistent/cpuinfo")).toBeNull();
  });
});

describe("a stretch of a program", () => {
  const whole = parse("++\n[->+<]\n.");
  const stretch = new Stretch(whole, 2, 8); // the loop

  test("has the loop's commands, at their places in the whole program's text", () => {
    expect([stretch.commands, stretch.length, stretch.depth]).toEqual(["[->+<]", 6, 1]);
    expect([0, 5].map((i) => formatPos(stretch.pos(i)))).toEqual(["2:1", "2:6"]);
    expect(stretch.lines).toBe(whole.lines); // made once, for the whole program
  });

  test("matches its brackets among its own commands", () => {
    expect([...stretch.match]).toEqual([5, -1, -1, -1, -1, 0]);
  });
});

describe("what the lowering records", () => {
  test("loop regions are recorded when asked for, or with a listing, and not otherwise", () => {
    const loops = lir("loop [0] { add [0] -1 }; loop [0] { move 1 }");
    const regions = (options: { loopRegions?: boolean }, listing: boolean) =>
      fastToX86(loops, IMPORTS, { simd: "sse2", ...options }, new Asm({ listing })).loops.length;
    expect(regions({}, true)).toBe(2);
    expect(regions({ loopRegions: true }, false)).toBe(2);
    expect(regions({}, false)).toBe(0);
  });
});
