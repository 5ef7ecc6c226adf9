// Chapter 10, what the workbook gives the reader: cells in registers beyond innermost loops. Which
// loop nests qualify, which loops run once at most, what a chain of ifs (factor.b's decimal carry)
// becomes, and which cells of a straight run live in registers. That programs made of them end as
// the interpreter says is in 10-faster-code-nests.test.ts.
import { describe, expect, test } from "bun:test";
import { ownListing } from "../chapters/08-lir/codegen-x86.ts";
import type { LoopOp } from "../chapters/08-lir/lir.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { cachedCells, fastToX86, nestCells, runsOnce, type FastOptions } from "../chapters/10-faster-code/fast-lowering.ts";

/** Stand-in addresses: code generation is pure, nothing here calls them. */
const IMPORTS = { write: 0x7fff_0000_1000, read: 0x7fff_0000_2000, memchr: 0x7fff_0000_3000, memrchr: 0x7fff_0000_4000 };

const lir = (text: string) => parseLir(text.replace(/; */g, "\n"));
const loopOf = (text: string) => lir(text).ops.find((op) => op.kind === "loop") as LoopOp;

/** The program's own inline code as instructions and labels (without their source positions), without offsets, bytes and padding. */
function compiled(text: string, options: Partial<FastOptions> = {}): string[] {
  const code = fastToX86(lir(text), IMPORTS, { simd: "avx2", ...options });
  return ownListing(code, ["inline"])
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").replace(/\{disp(8|32)\} /, "").replace(/_\d+_\d+(_\d+)?\b/g, "").trim())
    .filter((l) => l !== "" && !/^(nop|data16 nop)/.test(l));
}

// factor.b's carry, three digits deep: move [0] into [1], and past 3, carry one into [5].
const CHAIN = "check 1; loop [0] { add [0] -1; add [1] 1; loop [0] { add [0] -1; add [1] 1; loop [0] { add [0] -1; add [1] -3; check 2 3 4 5; add [5] 1; muladd [1] += [0] * 1; set [0] 0 } } }";

describe("which loops are a nest in registers", () => {
  test.each([
    [CHAIN, [0, 1, 5]],
    ["check 1 2; loop [0] { add [0] -1; add [1] 2; loop [1] { add [1] -2; add [2] 1 } }", [0, 1, 2]], // an inner loop that goes round
    ["check 1; loop [0] { add [0] -1; add [1] 1 }", null], //                                         no loop inside: registerCells' case
    ["check 1; loop [0] { add [0] -1; loop [1] { add [1] -1; move 1 } }", null], //                   an inner loop moves
    ["check 1; loop [0] { add [0] -1; loop [1] { out [1]; add [1] -1 } }", null], //                  an inner loop calls
    [`check ${Array.from({ length: 8 }, (_, i) => i + 1).join(" ")}; loop [0] { add [0] -1; loop [1] { add [1] -1; ${Array.from({ length: 7 }, (_, i) => `add [${i + 2}] 1`).join("; ")} } }`, null], // 9 cells
  ] as const)("nestCells(%s) = %j", (text, expected) => {
    expect(nestCells(loopOf(text))).toEqual(expected === null ? null : [...expected]);
  });

  test.each([
    ["loop [0] { add [1] 1; set [0] 0 }", true], //                 ends by clearing its cell
    ["loop [0] { add [0] -1; loop [0] { add [0] -1 } }", true], //  ends with a loop on its cell, which leaves it 0
    ["loop [0] { add [0] -1; loop [1] { add [1] -1 } }", false], // a loop on another cell
    ["loop [0] { loop [0] { add [0] -1 }; add [1] 1 }", false], //  the inner loop is not last
    ["loop [0] { move 1; loop [0] { add [0] -1 } }", false], //     not balanced: [0] is another cell at the end
  ] as const)("runsOnce(%s) = %j", (text, expected) => {
    expect(runsOnce(loopOf(text))).toBe(expected);
  });
});

describe("a chain of ifs in registers", () => {
  test("one bounds test and the loads before it, registers only inside, one store per written cell after", () => {
    expect(compiled(CHAIN).slice(3)).toEqual([ // after the test of `check 1`
      "cmp byte ptr [rbx], 0",
      "je end",
      "lea rax, [rbx+5]",
      "cmp rax, r13",
      "jae regs_checks_failed",
      "movzx esi, byte ptr [rbx]",
      "movzx edi, byte ptr [rbx+1]",
      "movzx edx, byte ptr [rbx+5]",
      "regs_if:",
      "sub sil, 1",
      "add dil, 1",
      "test sil, sil",
      "je end",
      "if:",
      "sub sil, 1",
      "add dil, 1",
      "test sil, sil",
      "je end",
      "if:",
      "sub sil, 1",
      "sub dil, 3",
      "add dl, 1",
      "add dil, sil",
      "mov esi, 0",
      "end:",
      "end:",
      "mov byte ptr [rbx], sil",
      "mov byte ptr [rbx+1], dil",
      "mov byte ptr [rbx+5], dl",
      "end:",
    ]);
  });

  test("an inner loop that goes round tests its register at its end; --no-registers keeps chapter 9's code", () => {
    const text = "check 1 2; loop [0] { add [0] -1; add [1] 2; loop [1] { add [2] 1; add [1] -2 } }";
    const code = compiled(text);
    const inner = code.slice(code.indexOf("loop:"));
    expect(inner.slice(0, 4)).toEqual(["loop:", "add dl, 1", "sub dil, 2", "jne loop"]);
    expect(code.filter((l) => l.includes("ptr [rbx")).length).toBe(6 + 1); // the loop's test, 3 loads, 3 stores
    expect(compiled(text, { registers: false }).some((l) => l.startsWith("movzx e"))).toBe(false);
  });
});

describe("a straight run's cells in registers", () => {
  test.each([
    ["add [1] -1; muladd [1] += [2] * 1; set [2] 0; add [3] 1", [1]], //  [2] is read, then set: no load to save
    ["set [5] 0; add [5] 1; set [0] 1; add [0] 2; add [0] 3", [0, 5]], //  the most touched first
    ["set [5] 0; set [5] 1; muladd [6] += [7] * 2; muladd [8] += [7] * 3", []], // written twice, never read back
    ["add [0] 1; add [1] 1; add [2] 1", []],
  ] as const)("cachedCells(%s) = %j", (text, expected) => {
    expect(cachedCells(lir(text).ops)).toEqual([...expected]);
  });

  test("after the block's one test: a cell read back in a register, loaded if read first, stored at the end", () => {
    expect(compiled("check 1; add [1] -1; check 2 3; muladd [1] += [2] * 1; set [2] 0; add [3] 1")).toEqual([
      "lea rax, [rbx+3]",
      "cmp rax, r13",
      "jae block_checks_failed",
      "movzx esi, byte ptr [rbx+1]", // [1] is read back after the add wrote it: a register
      "sub sil, 1",
      "movzx ecx, byte ptr [rbx+2]",
      "add sil, cl",
      "mov byte ptr [rbx+2], 0",
      "add byte ptr [rbx+3], 1",
      "mov byte ptr [rbx+1], sil",
      "block_end:",
    ]);
  });

  test("--no-registers keeps them in memory", () => {
    expect(compiled("check 1; add [1] -1; check 2 3; muladd [1] += [2] * 1; set [2] 0", { registers: false })).toContain("add byte ptr [rbx+1], cl");
  });
});
