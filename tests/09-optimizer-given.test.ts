// Chapter 9, what the workbook gives the reader: the knowledge a program starts with, the x86-64
// lowering and the C yardstick of the new ops, the tiers' table, and the command line with the tiers
// of chapters 6 to 8.
import { describe, expect, test } from "bun:test";
import { runBun } from "../shared/child.ts";
import { balanced, minimize } from "../chapters/09-optimizer/minimize.ts";
import { Knowledge } from "../chapters/09-optimizer/knowledge.ts";
import { BUN_COLLECTOR } from "../chapters/09-optimizer/collect-bun.ts";
import { Collector, collectIfGrown, installCollector } from "../chapters/09-optimizer/collect.ts";
import { gnuListing } from "../chapters/07-template-jit/listing.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { lirToC } from "../chapters/09-optimizer/c-backend.ts";
import { OptLowering, optToX86 } from "../chapters/09-optimizer/codegen-opt.ts";
import { ah, bh, dl } from "../chapters/04-encoder/registers.ts";
import { Asm } from "../chapters/05-control-flow/labels.ts";
import { ownListing } from "../chapters/08-lir/codegen-x86.ts";
import { compileMs, isTierName, TIERS } from "../chapters/09-optimizer/tiers.ts";

const IMPORTS = { write: 0x7fff_0000_1000, read: 0x7fff_0000_2000, memchr: 0x7fff_0000_3000, memrchr: 0x7fff_0000_4000 };

/** Lines of stderr without the harness's jit-trace lines. */
const stderrOf = (r: { readonly stderr: string }): string =>
  r.stderr
    .split("\n")
    .filter((l) => !l.startsWith("jit-trace "))
    .join("\n");

describe("the whole pipeline", () => {
  test("knowledge at the start of a program: every cell is 0", () => {
    const k = Knowledge.atStart();
    expect([k.get(0), k.get(-5), Knowledge.nothing().get(0)]).toEqual([0, 0, null]);
  });
});

describe("main.ts", () => {
  test("flags are checked before the program is read or parsed", async () => {
    // [[ does not parse, and no-such.b cannot be read: a refused flag shows that nothing got that far.
    const pass = await runBun("chapters/09-optimizer/main.ts", ["-e", "[[", "--passes", "fold-runs,nope"]);
    expect([pass.exitCode, pass.stderr]).toEqual([1, expect.stringMatching(/^UnknownPassError: there is no pass 'nope'/)]);
    const emit = await runBun("chapters/09-optimizer/main.ts", ["no-such.b", "--tier", "interp", "--emit=asm"]);
    expect([emit.exitCode, emit.stderr]).toEqual([2, expect.stringMatching(/^UsageError: the interpreter makes no machine code/)]);
  });
});

describe("what the idioms become", () => {
  test("muladds from different cells each load their own", () => {
    const code = optToX86(parseLir("check 1 2 muladd [1] += [0] * 2 muladd [2] += [1] * 2 muladd [0] += [1] * 1"), IMPORTS);
    expect(gnuListing(code.asm).match(/movzx ecx/g)).toHaveLength(2);
  });

  test("a muladd reads a cell in a high-byte register (ah..bh) as that byte, not as the 32-bit register of the same number", () => {
    // Chapter 8's rules may find a cell in any byte register; ah is bits 8..15 of eax, and esp is
    // the 32-bit register numbered as ah is.
    const lir = parseLir("in [0]\ncheck 1 2\nmuladd [1] += [0] * 3\nmuladd [2] += [0] * 1");
    const homes = new Map([[0, ah], [1, bh], [2, dl]]);
    const code = new OptLowering(IMPORTS, new Asm(), (l, ops) => l.inHomes(homes, () => l.sequence(ops))).generate(lir);
    const lines = ownListing(code, ["inline"]).split("\n").map((l) => l.replace(/#.*$/, "").trim()).filter((l) => l !== "");
    expect(lines.slice(-5)).toEqual(["movzx ecx, ah", "imul eax, ecx, 3", "add bh, al", "movzx ecx, ah", "add dl, cl"]);
  });
});

describe("the C yardstick", () => {
  test("guards become if/else, and a backwards scan by one is memrchr", () => {
    const c = lirToC(parseLir("guard 0..2 { set [2] 1 } else { check 1 2 set [2] 1 } set [0] 1 scan -1 move 1 scan 3"));
    expect(c).toContain("if (__builtin_expect(ON_TAPE(p, 0, 2), 1)) {");
    expect(c).toContain("} else {");
    expect(c).toContain("memrchr(tape, 0");
    expect(c).toContain("p += 3;");
  });
});

describe("tiers.ts", () => {
  test("the tiers, by name, in the book's order", () => {
    expect([...TIERS]).toEqual(["interp", "template", "lir", "opt"]);
    expect([isTierName("opt"), isTierName("gcc")]).toEqual([true, false]);
    expect(compileMs({ parseMs: 1, lowerMs: 2, optimizeMs: 3, codegenMs: 4 })).toBe(10);
  });
});

describe("main.ts: --tier, --emit and --stats", () => {
  const MAIN = "chapters/09-optimizer/main.ts";

  test.each(["interp", "template", "lir"])("--tier %s runs cat.b, standard input to standard output", async (tier) => {
    const r = await runBun(MAIN, ["tests/programs/cat.b", "--tier", tier, "--stats"], { stdin: "purr" });
    expect([r.exitCode, r.stdout]).toEqual([0, "purr"]);
    expect(r.stderr).toMatch(new RegExp(`cat\\.b: ${tier}: parsed in [\\d.]+ ms`));
    expect(r.stderr).toMatch(/cat\.b: ran in [\d.]+ ms/);
  });

  test.each(["interp", "template", "lir"])("--tier %s reports an error at the exact command, exit code 1", async (tier) => {
    const r = await runBun(MAIN, ["-e", "+.\n>>+[>+]", "--tier", tier, "--tape", "9"]);
    expect([r.exitCode, r.stdout, stderrOf(r).split(": error: ")[0]]).toEqual([1, "\u0001", "-e:2:5"]);
  });

  test("mistakes on the command line are explained", async () => {
    const interp = await runBun(MAIN, ["-e", "+", "--emit=asm", "--tier", "interp"]);
    expect([interp.exitCode, interp.stderr]).toEqual([2, expect.stringContaining("the interpreter makes no machine code")]);
    const tier = await runBun(MAIN, ["-e", "+", "--tier", "fast"]);
    expect(tier.stderr).toContain("--tier must be interp, template, lir, opt, not 'fast'");
    const value = await runBun(MAIN, ["-e", "+", "--tier"]);
    expect(value.stderr).toContain("--tier needs a value");
    const syntax = await runBun(MAIN, ["-e", "+]", "--emit=asm"]);
    expect([syntax.exitCode, syntax.stderr]).toEqual([1, expect.stringContaining("-e:1:2: error: unmatched ']'")]);
  });
});

describe("garbage between passes (collect.ts, given)", () => {
  test("a Collector collects once the resident set has grown by its growth since the last time, and not before", () => {
    let resident = 100;
    let collections = 0;
    const c = new Collector(() => resident, () => (collections++, (resident -= 30)), 50);
    expect(c.collectIfGrown()).toBe(false);
    resident = 149; // grown by 49
    expect(c.collectIfGrown()).toBe(false);
    resident = 150; // by 50: collect, and settle at what is resident after it (120)
    expect(c.collectIfGrown()).toBe(true);
    expect(c.collectIfGrown()).toBe(false);
    resident = 169;
    expect(c.collectIfGrown()).toBe(false);
    resident = 170;
    expect(c.collectIfGrown()).toBe(true);
    expect(collections).toBe(2);
  });

  test("the pass manager asks the collector its host installed, and none when none is", () => {
    let resident = 100;
    let collections = 0;
    installCollector(new Collector(() => resident, () => collections++, 50));
    resident = 150;
    expect([collectIfGrown(), collections]).toEqual([true, 1]);
    installCollector(null);
    resident = 300;
    expect([collectIfGrown(), collections]).toEqual([false, 1]);
    installCollector(BUN_COLLECTOR); // Bun's, as the native tier installs it: settled from here
    collectIfGrown();
    expect(collectIfGrown()).toBe(false);
  });
});

describe("delta debugging", () => {
  test.each([
    ["[]", true],
    ["[[]", false],
    ["][", false],
    ["", true],
  ])("balanced(%j) is %p", (code, expected) => {
    expect(balanced(code)).toBe(expected);
  });

  test("minimize drops the comments, then cuts what the failure does not need, brackets kept balanced", async () => {
    const fails = (code: string) => code.includes("[-<+>]");
    let batches = 0;
    const small = await minimize("a copy: +>[-<+>]<. and a scan: [>]", async (candidates) => {
      batches++;
      const i = candidates.findIndex(fails);
      return i < 0 ? null : i;
    });
    expect(fails(small)).toBe(true);
    expect(balanced(small)).toBe(true);
    expect(small.length).toBeLessThanOrEqual(8);
    expect(batches).toBeLessThanOrEqual(41); // one batch a round, and one for the text without comments
  });
});
