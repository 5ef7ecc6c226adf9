// Chapter 10's lowering as a specification: what a loop in registers, a block's one bounds test and
// a SIMD scan become, as listing text, in this process (generating code runs nothing). The CPU
// probe, the perf map and main.ts run in child processes.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ownListing } from "../chapters/08-lir/codegen-x86.ts";
import type { LoopOp } from "../chapters/08-lir/lir.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { avx2Probe } from "../chapters/10-faster-code/cpu.ts";
import { fastToX86, reach, registerCells, strideMask, testedCells, UncheckedReachError, type FastOptions } from "../chapters/10-faster-code/fast-lowering.ts";
import { flatten, formatPerfMap, parsePerfMap, PerfMapFormatError, perfRegions } from "../chapters/10-faster-code/perf-map.ts";
import type { PerfMapCheck } from "../chapters/10-faster-code/perf-check.ts";
import { linear } from "../chapters/10-faster-code/linear-loops.ts";
import { print } from "../chapters/08-lir/print.ts";
import { runBun, runNative } from "../shared/child.ts";

setDefaultTimeout(60_000);

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

// #region register-loops
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
      "mov dl, 7",
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
// #endregion register-loops

// #region linear-loops
describe("linear loops", () => {
  const linearOf = (text: string): string | null => {
    const loop = lir(text).ops.find((op) => op.kind === "loop") as LoopOp;
    const out = linear(loop);
    return out === null ? null : print({ ops: [out] }).trim().replace(/\{\n */g, "{ ").replace(/\n */g, "; ");
  };
  test.each([
    // long.b's inner loop: the first turn as written, then the other [1] - 1 turns as muladds from [1].
    [
      "check 1 2 3; loop [1] { add [0] 3; add [1] -1; add [2] 3; muladd [3] += [2] * 5; set [2] 0; set [3] 0 }",
      "loop [1] { add [0] 3; add [1] -1; add [2] 3; muladd [3] += [2] * 5; set [2] 0; set [3] 0; muladd [0] += [1] * 3; set [1] 0; }",
    ],
    ["check 1 2; loop [1] { add [1] -1; muladd [2] += [0] * 2 }", null], //          multiplies by a cell that changes: [0] is anything
    ["check 1; loop [0] { add [0] -1; add [1] 1 }", null], //                      no muladd: chapter 9's multiply loop
    ["check 1 2; loop [0] { add [0] -2; set [2] 1; muladd [1] += [2] * 1 }", null], // an even step may never reach 0
    ["check 1 2; loop [0] { add [0] -1; add [2] 1; muladd [1] += [2] * 1 }", null], //  multiplies by a cell that grows every turn
    ["check 1 2; loop [0] { add [0] 1; set [2] 1; muladd [1] += [2] * 2; add [2] 1 }", "loop [0] { add [0] 1; set [2] 1; muladd [1] += [2] * 2; add [2] 1; muladd [1] += [0] * -2; set [0] 0; }"],
  ] as const)("linear(%s)", (text, expected) => {
    expect(linearOf(text)).toBe(expected);
  });
});
// #endregion linear-loops

// #region block-checks
describe("one bounds test per straight-line block", () => {
  test("a block's checks and guards become one test of their whole range; the block as written runs out of line when it fails", () => {
    const text = "check 1; add [1] 2; check 2; set [2] 4; check -1; guard -3..-2 { muladd [-3] += [0] * 2 } else { add [0] 1 }; add [2] 1";
    expect(compiled(text)).toEqual([
      "lea rax, [rbx+2]",
      "cmp rax, r13",
      "jae block_checks_failed",
      "lea rax, [rbx-3]",
      "cmp rax, r12",
      "jb block_checks_failed",
      "add byte ptr [rbx+1], 2",
      "mov byte ptr [rbx+2], 4",
      "movzx ecx, byte ptr [rbx]",
      "imul eax, ecx, 2",
      "add byte ptr [rbx-3], al",
      "add byte ptr [rbx+2], 1",
      "block_end:",
    ]);
    const slow = compiled(text, {}, "outOfLine");
    expect(slow.filter((l) => /^j(ae|b) /.test(l))).toEqual(["jae off_tape_0", "jae off_tape_1", "jb off_tape_2", "jb guard_else"]);
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
// #endregion block-checks

describe("without bounds checks (measuring only)", () => {
  test("checks, guards and a register loop's test vanish; a move still tests the pointer", () => {
    const text = "check 1; add [1] 2; guard -3..-2 { muladd [-3] += [0] * 2 } else { add [0] 1 }; move 1; loop [0] { add [0] -1; check 1; add [1] 1 }";
    const code = compiled(text, { unchecked: true });
    expect(code.filter((l) => l.startsWith("lea rax"))).toEqual([]);
    expect(code.filter((l) => /^j(ae|b) /.test(l))).toEqual(["jae off_tape_0"]);
  });

  test("an op that reaches past the guard pages is refused: it could touch memory beyond them", () => {
    expect(() => fastToX86(lir(`check ${Array.from({ length: 4096 }, (_, i) => i + 1).join(" ")}; add [4096] 1`), IMPORTS, { simd: "sse2", unchecked: true })).toThrow(UncheckedReachError);
    expect(reach(lir("check 1 2 3; guard -7..3 { add [3] 1 } else { }; loop [2] { add [2] -1 }").ops)).toBe(7);
  });

  test("a cell off the tape is then a fault on a guard page, in the child: never a write elsewhere", async () => {
    const r = await runBun("chapters/10-faster-code/main.ts", ["-e", "+[>+]", "--tier", "fast-unchecked", "--tape", "64"], UNINSTRUMENTED);
    expect(r.signal).toBe("SIGSEGV");
  });
});

// #region simd
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

  test("a stride too long for two cells in a vector is chapter 9's scan; so is every scan with --simd libc", () => {
    expect(compiled("scan 16", { simd: "sse2" })).toContain("cmp byte ptr [rbx+16], 0");
    expect(compiled("scan 1", { simd: "libc" })).toContain("movabs rax, 0x7fff00003000");
  });
});
// #endregion simd

describe("the CPU probe", () => {
  test("cpuid leaf 1 (OSXSAVE, AVX), xgetbv (ymm state saved), then cpuid leaf 7 (AVX2)", () => {
    const hex = [...avx2Probe().finish()].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    expect(hex.match(/0f a2/g)).toHaveLength(2);
    expect(hex).toContain("0f 01 d0");
  });

  test("detectSimd, in a child, agrees with the kernel's /proc/cpuinfo", async () => {
    const r = await runNative<string>("chapters/10-faster-code/cpu.ts", "detectSimd");
    expect(r.ok).toBe(true);
    const flags = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("flags"))!.split(/\s+/);
    expect(r.value).toBe(flags.includes("avx2") ? "avx2" : "sse2");
  });
});

// #region perf-map
describe("the perf map", () => {
  test("nested loops become regions that do not overlap: each byte is named after the innermost loop", () => {
    expect(
      flatten([
        { start: 0, end: 100, name: "runtime" },
        { start: 10, end: 60, name: "program" },
        { start: 20, end: 50, name: "outer" },
        { start: 30, end: 40, name: "inner" },
      ]),
    ).toEqual([
      { start: 0, size: 10, name: "runtime" },
      { start: 10, size: 10, name: "program" },
      { start: 20, size: 10, name: "outer" },
      { start: 30, size: 10, name: "inner" },
      { start: 40, size: 10, name: "outer" },
      { start: 50, size: 10, name: "program" },
      { start: 60, size: 40, name: "runtime" },
    ]);
  });

  test("START SIZE name, in hex, and read back", () => {
    const text = formatPerfMap(0x7f00_0000_1000, [{ start: 0x10, size: 0x20, name: "bf:x.b:1:3-1:9 loop" }]);
    expect(text).toBe("7f0000001010 20 bf:x.b:1:3-1:9 loop\n");
    expect(parsePerfMap(text)).toEqual([{ start: 0x7f00_0000_1010, size: 0x20, name: "bf:x.b:1:3-1:9 loop" }]);
    expect(() => parsePerfMap("nothing here")).toThrow(PerfMapFormatError);
  });

  test("regions name loops by their source range, [ to ]", () => {
    const code = fastToX86(lir("check 1; loop [0] { add [0] -1; add [1] 1 }; move 1; loop [0] { move 1 }"), IMPORTS, { simd: "sse2" });
    const names = perfRegions(code, "/some/where/x.b").map((r) => r.name);
    expect(names).toContain("bf:x.b:2:1-3:11 loop in registers");
    expect(names).toContain("bf:x.b:5:1-5:19 loop");
    expect(names.filter((n) => n.endsWith(" loop"))).toHaveLength(1);
    expect(names[0]).toBe("bf:x.b runtime");
  });

  test("written by a real program in a child, read back: every line inside the code's r-x mapping", async () => {
    const source = "++++[>++++[>+>+<<-]<-]>>[<<+>>-]+[>]<.";
    const r = await runNative<PerfMapCheck>("chapters/10-faster-code/perf-check.ts", "perfMapCheck", [source, "t.b"]);
    expect(r.ok).toBe(true);
    const check = r.value!;
    expect(check.path).toMatch(/^\/tmp\/perf-\d+\.map$/);
    expect(check.mapping?.perms).toBe("r-xp");
    expect(check.lines.length).toBeGreaterThan(3);
    expect(check.inside).toBe(check.lines.length);
    // The outer loop runs once, then in closed form (linear-loops); the inner multiply loop, as written, is out of line.
    expect(check.lines.map((l) => l.name)).toContain("bf:t.b:1:5-1:22 loop");
    expect(check.lines.map((l) => l.name)).toContain("bf:t.b:1:11-1:19 loop in registers");
  });
});
// #endregion perf-map

describe("main.ts", () => {
  test("--emit=asm: the code buffer, each op's code under the line:column of its command", async () => {
    const r = await runBun("chapters/10-faster-code/main.ts", ["-e", "+\n[->+<]", "--emit=asm", "--simd", "sse2"]);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split("\n");
    const at = lines.indexOf("# 1:1 set");
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ +mov byte ptr \[rbx\], 1 +# [0-9a-f]{4}: c6 03 01$/);
    expect(lines.some((l) => /^# 2:1 guard$/.test(l))).toBe(true);
  });

  test("runs a program, with --stats=json the bench's figures, and --tier for the earlier tiers", async () => {
    const fast = await runBun("chapters/10-faster-code/main.ts", ["-e", "++++++++[>++++++++<-]>+.[>]", "--stats=json", "--tape", "100"]);
    expect(fast.stdout).toBe("A");
    expect(fast.exitCode).toBe(0);
    const stats = JSON.parse(fast.stderr.trim().split("\n").at(-1)!) as Record<string, number | string>;
    expect(stats.tier).toBe("fast");
    expect(Number(stats.codeSize)).toBeGreaterThan(100);
    const opt = await runBun("chapters/10-faster-code/main.ts", ["-e", "+++[>+++++<-]>[<++++>-]<+++++.", "--tier", "opt"], UNINSTRUMENTED);
    expect(opt.stdout).toBe("A");
  });

  test.each([
    ["interp", [], {}],
    ["lir", [], UNINSTRUMENTED],
    ["fast", ["--no-registers", "--no-block-checks", "--simd", "libc"], {}],
    ["fast-unchecked", [], UNINSTRUMENTED],
  ] as const)("--tier %s runs the program too", async (tier, more, opts) => {
    const r = await runBun("chapters/10-faster-code/main.ts", ["-e", "+++[>+++++<-]>[<++++>-]<+++++.>++[<<]", "--tier", tier, "--stats", ...more], opts);
    expect(r.stdout).toBe("A");
    expect(r.exitCode).toBe(1); // [<<] leaves the tape: a scan moves the pointer, so even fast-unchecked tests it
    expect(r.stderr).toContain("-e:1:36: error: '<' moved the pointer off the left end of the tape");
  });

  test("--emit=lir, opt-lir (with this chapter's pass) and hex", async () => {
    const lir = await runBun("chapters/10-faster-code/main.ts", ["-e", "+[->+<]", "--emit=lir"], UNINSTRUMENTED);
    expect(lir.stdout).toContain("loop [0] {");
    const opt = await runBun("chapters/10-faster-code/main.ts", ["-e", ">+++[<+++>->>>+++[->+++++<]>[-]<<<<]", "--emit=opt-lir"]);
    expect(opt.stdout).toContain("muladd [0] += [1] * 3\n    set [1] 0\n  }");
    const hex = await runBun("chapters/10-faster-code/main.ts", ["-e", "+", "--emit=hex", "--simd", "sse2"]);
    expect(hex.stdout).toStartWith("0000  53 41 54 41 55 41 56 41 57");
  });

  test("a program that leaves the tape: the interpreter's diagnostic, exit 1", async () => {
    const r = await runBun("chapters/10-faster-code/main.ts", ["-e", "+[>+]", "--tape", "64"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^-e:1:3: error: '>' moved the pointer off the right end of the tape/m);
  });

  test("--perf-map names the file; mistakes on the command line are explained", async () => {
    const r = await runBun("chapters/10-faster-code/main.ts", ["-e", "+[-]", "--perf-map"]);
    const path = /perf map: (\/tmp\/perf-\d+\.map)/.exec(r.stderr)?.[1];
    expect(path).toBeDefined();
    expect(readFileSync(path!, "utf8")).toContain(" bf:-e program\n");
    const bad = await runBun("chapters/10-faster-code/main.ts", ["-e", "+", "--simd", "mmx"], UNINSTRUMENTED);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("--simd must be sse2, avx2 or libc, not 'mmx'");
    const missing = await runBun("chapters/10-faster-code/main.ts", ["no/such/file.b", "--tier", "warp"], UNINSTRUMENTED);
    expect(missing.stderr).toContain("--tier must be interp, template, lir, opt, fast, fast-unchecked, not 'warp'");
    const unreadable = await runBun("chapters/10-faster-code/main.ts", ["no/such/file.b"], UNINSTRUMENTED);
    expect(unreadable.stderr).toContain("UsageError: cannot read no/such/file.b: ENOENT");
  });

  test("with no program, a demo: the code with its source positions, then the output", async () => {
    const r = await runBun("chapters/10-faster-code/main.ts", []);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("regs_1_11:\n# 1:12 add\n        sub sil, 2");
    expect(r.stdout).toContain("# 1:32 block-check\n        lea rax, [rbx+5]");
    expect(r.stdout).not.toContain("push rbx"); // the program's own code only
    expect(r.stdout).toMatch(/Its output:\nA\n\n$/);
  });
});
