// Chapter 10's lessons as a specification: linear loops, the CPU probe, the perf map and the source
// listing; and the whole tier, run in child processes against the interpreter. What the lowering
// itself gives (loops in registers, block checks, SIMD scans) is in 10-faster-code-given.test.ts.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { LoopOp } from "../chapters/08-lir/lir.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { avx2Probe, detectSimd, kernelSimd } from "../chapters/10-faster-code/cpu.ts";
import { fastToX86, type Simd } from "../chapters/10-faster-code/fast-lowering.ts";
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

// #region linear-loops
describe("linear loops", () => {
  const linearOf = (text: string): string | null => {
    const parsed = lir(text);
    const loop = parsed.ops.find((op) => op.kind === "loop") as LoopOp;
    const out = linear(loop);
    return out === null ? null : print({ ...parsed, ops: [out] }).trim().replace(/\{\n */g, "{ ").replace(/\n */g, "; ");
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

describe("without a test per op (measuring only)", () => {
  // Once, the variant dropped the tests and trusted the guard pages: '<+.' wrote the byte below
  // cell 0 and printed it, and '+[>+]' died of SIGSEGV with its output lost.
  test.each([
    ["<+.", "", "-e:1:1: error: '<' moved the pointer off the left end of the tape"],
    ["+[>+]", "", "-e:1:3: error: '>' moved the pointer off the right end of the tape"],
    ["++++++++[>++++++++<-]>+.[>+]", "A", "-e:1:26: error: '>' moved the pointer off the right end of the tape"],
  ])("%s ends as the interpreter does, never with a fault or a byte written off the tape", async (code, stdout, error) => {
    for (const tier of ["fast-unchecked", "interp"]) {
      const r = await runBun("chapters/10-faster-code/main.ts", ["-e", code, "--tier", tier, "--tape", "64"], UNINSTRUMENTED);
      expect([r.signal, r.exitCode, r.stdout]).toEqual([null, 1, stdout]);
      expect(r.stderr).toContain(error);
    }
  });

  // Once, a block that ended on a guard left the loop's ] the flags of the guard's fast branch,
  // while its out-of-line copy (taken here: the guard's cells are off the 8-cell tape) ends on a
  // check's compare; the loop went round for ever.
  test("a block's out-of-line copy leaves the next loop test the flags its fast path leaves", async () => {
    const code = ">>>>>>,[<]++[.>[->>>+<<<]<--<>]";
    for (const args of [[], ["--no-registers"]]) {
      const r = await runBun("chapters/10-faster-code/main.ts", ["-e", code, "--tier", "fast-unchecked", "--tape", "8", ...args], { ...UNINSTRUMENTED, timeoutMs: 20_000 });
      expect([r.signal, r.exitCode, r.stdout]).toEqual([null, 0, "\x02"]);
    }
  });
});

describe("a guard whose loop walks the tape ends a block", () => {
  // Once, such a guard counted as straight: the block's one test measured the cells after it from
  // where the pointer stood before the walk, so '+++' wrote below the tape (fast), or nothing
  // stopped at all (fast-unchecked); 5,000 cells of walk ended in SIGSEGV.
  test.each([
    [">>>>>+>+>+>+[[->+<]<]<<<<<<+++>>>>>>.", "-e:1:26: error: '<' moved the pointer off the left end of the tape"],
    [">>>>>+>+>+>+[[->+<]<]<<<<<<[>]+.", "-e:1:26: error: '<' moved the pointer off the left end of the tape"],
  ])("%s stops where the interpreter does, in every fast variant", async (code, error) => {
    for (const args of [["--tier", "fast"], ["--tier", "fast-unchecked"], ["--tier", "fast", "--no-registers"], ["--tier", "fast-unchecked", "--no-registers"]]) {
      const r = await runBun("chapters/10-faster-code/main.ts", ["-e", code, "--tape", "16", ...args], UNINSTRUMENTED);
      expect([args.join(" "), r.signal, r.exitCode, r.stdout]).toEqual([args.join(" "), null, 1, ""]);
      expect(r.stderr).toContain(error);
    }
  });
});

describe("the CPU probe", () => {
  test("cpuid leaf 1 (OSXSAVE, AVX), xgetbv (ymm state saved), then cpuid leaf 7 (AVX2)", () => {
    const hex = [...avx2Probe().finish()].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    expect(hex.match(/0f a2/g)).toHaveLength(2);
    expect(hex).toContain("0f 01 d0");
  });

  test("the probe, run in a child, agrees with the kernel's /proc/cpuinfo, and detectSimd with both", async () => {
    const r = await runNative<Simd>("chapters/10-faster-code/cpu.ts", "probeSimd");
    expect(r.ok).toBe(true);
    const flags = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("flags"))!.split(/\s+/);
    expect(r.value).toBe(flags.includes("avx2") ? "avx2" : "sse2");
    expect(kernelSimd()).toBe(r.value!);
    expect(detectSimd()).toBe(r.value!);
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
    // The outer loop runs once, then in closed form (linear-loops); the inner multiply loop, as written, is out of
    // line, lowered plainly (its cells in memory), as is all out-of-line code.
    expect(check.lines.map((l) => l.name)).toContain("bf:t.b:1:5-1:22 loop");
    expect(check.lines.map((l) => l.name)).toContain("bf:t.b:1:11-1:19 loop");
    expect(check.lines.map((l) => l.name).filter((n) => n.endsWith("in registers"))).toEqual([]);
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
