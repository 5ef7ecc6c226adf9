// Chapter 9's optimizing JIT: the passes and the optimizing lowering together, as a specification.
// What an idiom becomes is checked as listing text, in this process; every run of generated code
// happens in child processes, through the batch harness with the "opt" tier, or through main.ts.
import { beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { hasGnuAs } from "../chapters/02-first-bytes/gnu-as.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { Asm } from "../chapters/05-control-flow/labels.ts";
import { gnuListing } from "../chapters/07-template-jit/listing.ts";
import { ownListing } from "../chapters/08-lir/codegen-x86.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { print } from "../chapters/08-lir/print.ts";
import { lirToC } from "../chapters/09-optimizer/c-backend.ts";
import { optToX86 } from "../chapters/09-optimizer/codegen-opt.ts";
import { formatStats, optimize } from "../chapters/09-optimizer/optimize.ts";
import { optimizedCode, optJit } from "../chapters/09-optimizer/jit.ts";
import { runBun, runNative } from "../shared/child.ts";
import { gnuBytes } from "./support/bf-native-gnu.ts";
import { againstInterpreter, conformanceSuite, eofCases, programsSuite } from "./support/native-suites.ts";

setDefaultTimeout(120_000);

/** Stand-in addresses: code generation is pure, nothing here calls them. */
const IMPORTS = { write: 0x7fff_0000_1000, read: 0x7fff_0000_2000, memchr: 0x7fff_0000_3000, memrchr: 0x7fff_0000_4000 };
const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");

/** The listing as instructions and labels, one per entry, without offsets and bytes. */
const instructions = (listing: string): string[] =>
  listing
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").replace("{disp32} ", "").trim())
    .filter((l) => l !== "");

/** The optimizing JIT's code for a Brainfuck program's ops: inline, or out of line. */
function compiled(bf: string, part: "inline" | "outOfLine" = "inline"): string[] {
  return instructions(ownListing(optToX86(optimize(lower(parse(bf))).lir, IMPORTS), [part]));
}

/** What `in [0]` becomes: the first four instructions of programs that start with `,`. */
const READ = ["lea rsi, [rbx]", "call input", "test eax, eax", "jnz leave"];

/** Lines of stderr without the harness's jit-trace lines. */
const stderrOf = (r: { readonly stderr: string }): string =>
  r.stderr
    .split("\n")
    .filter((l) => !l.startsWith("jit-trace "))
    .join("\n");

// #region idioms
describe("what the idioms become", () => {
  test("a loaded program keeps what makes its LIR, not the LIR: its listing is made again when asked", () => {
    const source = "+[->+<]>.\n++[>+<-]";
    using program = optJit.compile(parse(source));
    expect(program.listing()).toBe(optimizedCode(optimize(lower(parse(source))).lir, "opt").listing());
  });

  test("[-] is one store", () => {
    expect(compiled(",[-]")).toEqual([...READ, "mov byte ptr [rbx], 0"]);
  });

  test(">[-]< is one store to the next cell, after the check of the step there: no move at all", () => {
    const code = compiled(",>,[-]<.");
    expect(code.filter((l) => l.startsWith("mov byte ptr [rbx+1]"))).toEqual(["mov byte ptr [rbx+1], 0"]);
    expect(code.slice(4, 7)).toEqual(["lea rax, [rbx+1]", "cmp rax, r13", "jae off_tape_0"]);
    expect(code.some((l) => /^(add|sub) rbx/.test(l))).toBe(false);
  });

  test("a multiply loop is branch-free: the counter is loaded once, then one add per target", () => {
    // cells 1 and 2 were visited before the loop, so no guard either
    expect(compiled(">>+<<,[->+>+++<<]").slice(8)).toEqual([
      "movzx ecx, byte ptr [rbx]",
      "add byte ptr [rbx+1], cl",
      "imul eax, ecx, 3",
      "add byte ptr [rbx+2], al",
      "mov byte ptr [rbx], 0",
    ]);
  });

  test("[>] and [<] call memchr and memrchr, unless the cell is 0 already", () => {
    expect(compiled(",[>]")).toEqual([
      ...READ,
      "cmp byte ptr [rbx], 0",
      "je scan_done",
      "mov rdi, rbx",
      "mov rdx, r13",
      "sub rdx, rbx",
      "xor esi, esi",
      "movabs rax, 0x7fff00003000",
      "call rax",
      "test rax, rax",
      "jz off_tape_0",
      "mov rbx, rax",
      "scan_done:",
    ]);
    expect(compiled(",[<]").slice(6, 9)).toEqual(["mov rdi, r12", "lea rdx, [rbx+1]", "sub rdx, r12"]);
    expect(compiled(",[<]")).toContain("movabs rax, 0x7fff00004000");
  });

  test("a scan by more than one cell tests four cells between two compares with the end of the tape", () => {
    expect(compiled(",[>>]")).toEqual([
      ...READ,
      "cmp byte ptr [rbx], 0",
      "je scan_done",
      "lea rax, [r13-8]", //                 the last pointer from which four steps stay on the tape
      "cmp rbx, rax",
      "jae scan_near_end",
      "scan_fast:",
      "cmp byte ptr [rbx+2], 0",
      "je scan_hit_1",
      "cmp byte ptr [rbx+4], 0",
      "je scan_hit_2",
      "cmp byte ptr [rbx+6], 0",
      "je scan_hit_3",
      "add rbx, 8",
      "cmp byte ptr [rbx], 0",
      "je scan_done",
      "cmp rbx, rax",
      "jb scan_fast",
      "scan_near_end:", //                   near the end: one checked step at a time
      "add rbx, 2",
      "cmp rbx, r13",
      "jae off_tape_0",
      "cmp byte ptr [rbx], 0",
      "jne scan_near_end",
      "scan_done:",
    ]);
    expect(compiled(",[<<<]").slice(6, 9)).toEqual(["lea rax, [r12+12]", "cmp rbx, rax", "jb scan_near_end"]);
    expect(compiled(",[>>]", "outOfLine").slice(4, 8)).toEqual(["scan_hit_1:", "add rbx, 2", "jmp scan_done", "scan_hit_2:"]);
  });

  test("a loop whose last op added to its cell branches on that add's flags: no second load", () => {
    expect(compiled(",[.-]").slice(-3)).toEqual(["sub byte ptr [rbx], 1", "jne loop_1_2", "end_1_5:"]);
    expect(compiled(",[-.]").slice(-3)).toEqual(["cmp byte ptr [rbx], 0", "jne loop_1_2", "end_1_5:"]); // a call came between
  });

  test("`.` is a load and a call: the buffer's bookkeeping is in one routine, not in every output", () => {
    expect(compiled(",>,<.>.").slice(-7, -3)).toEqual(["mov al, byte ptr [rbx]", "call put_byte", "mov al, byte ptr [rbx+1]", "call put_byte"]);
    const code = optToX86(optimize(lower(parse(",."))).lir, IMPORTS);
    expect(instructions(gnuListing(code.asm)).join("\n")).toContain(
      ["put_byte:", "mov byte ptr [r15], al", "inc r15", "cmp r15, qword ptr [r14+32]", "jae put_flush", "ret", "put_flush:", "sub rsp, 8", "call flush"].join("\n"),
    );
    expect(gnuListing(optToX86(optimize(lower(parse(",[-]"))).lir, IMPORTS).asm)).not.toContain("put_byte");
  });

  test("assembled into an Asm made without a listing (as --emit=hex does): the same bytes, and no listing kept", () => {
    const lir = () => optimize(lower(parse(",[->+<]>[-<++>]<."))).lir;
    const a = new Asm({ listing: false });
    expect(optToX86(lir(), IMPORTS, a).asm).toBe(a);
    expect(a.keepsListing).toBe(false);
    expect(a.finish()).toEqual(optToX86(lir(), IMPORTS).asm.finish());
  });

  test("a loop whose balanced body ends by zeroing its cell runs once at most: it is an if", () => {
    const code = compiled(",[.[-]]");
    expect(code.slice(4, 7)).toEqual(["cmp byte ptr [rbx], 0", "je end_1_7", "if_1_2:"]);
    expect(code.slice(-2)).toEqual(["mov byte ptr [rbx], 0", "end_1_7:"]);
  });

  test("when a scan finds no 0, the pointer stops on the last cell it reached (the host replays the failed step)", () => {
    expect(compiled(",[>]", "outOfLine")).toEqual(["off_tape_0:", "lea rbx, [r13-1]", "mov eax, 0", "jmp off_tape"]);
    expect(compiled(",[<]", "outOfLine")).toEqual(["off_tape_0:", "lea rbx, [r12]", "mov eax, 0", "jmp off_tape"]);
  });

  test.skipIf(!hasGnuAs())("the listing of a whole optimized program assembles back to the same bytes", () => {
    const { asm } = optToX86(optimize(lower(parse("+[->+<]>[>]<[<]>>,[->+++>+<<]>."))).lir, IMPORTS);
    expect(hex(gnuBytes(gnuListing(asm)))).toBe(hex(asm.finish()));
  });

});
// #endregion idioms

describe("the C yardstick", () => {
  test("the optimized LIR as C: the same ops, checks and scans", () => {
    const c = lirToC(optimize(lower(parse(",>+<[->+<]>[>]<[<<].[-]"))).lir);
    expect(c).toContain("p[1] += p[0] * 1;");
    expect(c).toContain("memchr(p, 0");
    expect(c).toContain("while (*p) { if (!ON_TAPE(p, -2, 0)) return");
    expect(c).toContain("in(&p[0]);");
    expect(c).toContain("if (!ON_TAPE(p, 0, 1)) return 0;");
    expect(c).toMatch(/int main\(int argc, char \*\*argv\)/);
  });

});

// #region main
describe("main.ts: --tier, --emit and --stats", () => {
  const MAIN = "chapters/09-optimizer/main.ts";

  test.each(["opt"])("--tier %s runs cat.b, standard input to standard output", async (tier) => {
    const r = await runBun(MAIN, ["tests/programs/cat.b", "--tier", tier, "--stats"], { stdin: "purr" });
    expect([r.exitCode, r.stdout]).toEqual([0, "purr"]);
    expect(r.stderr).toMatch(new RegExp(`cat\\.b: ${tier}: parsed in [\\d.]+ ms`));
    expect(r.stderr).toMatch(/cat\.b: ran in [\d.]+ ms/);
  });

  test.each(["opt"])("--tier %s reports an error at the exact command, exit code 1", async (tier) => {
    const r = await runBun(MAIN, ["-e", "+.\n>>+[>+]", "--tier", tier, "--tape", "9"]);
    expect([r.exitCode, r.stdout, stderrOf(r).split(": error: ")[0]]).toEqual([1, "\u0001", "-e:2:5"]);
  });

  test("--stats prints each stage's time, the code size and the pass table; =json the same figures for tools", async () => {
    const text = await runBun(MAIN, ["tests/programs/hello.b", "--stats"]);
    expect(text.stderr).toContain(formatStats(optimize(lower(parse(await Bun.file("tests/programs/hello.b").text()))).stats).split("\n")[0]!);
    expect(text.stderr).toMatch(/hello\.b: opt: parsed in [\d.]+ ms, lowered in [\d.]+ ms, optimized in [\d.]+ ms, compiled to \d+ bytes of code in [\d.]+ ms/);
    expect(text.stderr).toMatch(/hello\.b: ran in [\d.]+ ms \([\d.]+ ms in the code\), 1 write, 0 reads/);
    const json = await runBun(MAIN, ["tests/programs/hello.b", "--stats=json", "--tier", "lir"]);
    const stats = JSON.parse(stderrOf(json).trim()) as Record<string, number | string>;
    expect(Object.keys(stats)).toEqual(["tier", "parseMs", "lowerMs", "codegenMs", "compileMs", "runMs", "codeMs", "codeSize"]);
    expect(stats.tier).toBe("lir");
    expect(stats.codeSize).toBeGreaterThan(100);
  });

  test("--emit=asm prints the machine code as GNU as source; --own only the program's own part", async () => {
    const full = await runBun(MAIN, ["-e", "+[->+<]", "--emit=asm"]);
    expect(full.stdout).toStartWith(".intel_syntax noprefix\n        push rbx");
    expect(full.stdout).toContain("flush:");
    const own = await runBun(MAIN, ["-e", "+[->+<]", "--emit=asm", "--own"]);
    expect(own.stdout).not.toContain("push rbx");
    expect(own.stdout).toContain("mov byte ptr [rbx], 1");
    const unoptimized = await runBun(MAIN, ["-e", "+[->+<]", "--emit=asm", "--own", "--tier", "lir"]);
    expect(unoptimized.stdout).toContain("jne loop_1_2");
    const template = await runBun(MAIN, ["-e", "+", "--emit=asm", "--tier", "template"]);
    expect(template.stdout).toContain("add byte ptr [r12+rbx], 1");
  });

  test("--emit=hex, --emit=lir and --emit=opt-lir", async () => {
    const hexDump = await runBun(MAIN, ["-e", "+", "--emit=hex"]);
    expect(hexDump.stdout).toStartWith("0000  53 41 54 41 55 41 56 41 57");
    const lir = await runBun(MAIN, ["-e", ">+<", "--emit=lir"]);
    expect(lir.stdout).toBe(print(lower(parse(">+<"))));
    const opt = await runBun(MAIN, ["-e", ">+<", "--emit=opt-lir"]);
    expect(opt.stdout).toBe(print(optimize(lower(parse(">+<"))).lir));
  });

  test("with no program, a demo that ends with the program's output", async () => {
    const r = await runBun(MAIN);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("mov byte ptr [rbx+1], 65");
    expect(r.stdout).toEndWith("A\n");
  });
});
// #endregion main

describe("the ABI and the I/O routines (in a child)", () => {
  let probes: Record<string, unknown>;
  beforeAll(async () => {
    const r = await runNative<Record<string, unknown>>("tests/support/opt-native-probes.ts", "allProbes");
    if (!r.ok) throw new Error(`the probes failed: ${r.error?.message ?? r.diagnosis ?? r.stderr}`);
    probes = r.value!;
  });

  test("under chapter 5's ABI harness: registers kept, every call to libc aligned, memchr and the output routine included", () => {
    expect(probes.abi).toEqual({ status: 0, output: "helloAAAAA", violations: [], libcCalls: 15, misaligned: 0 });
  });

  test("a write that fails, from the output routine or at the end, is a NativeIOError", () => {
    const failed = { name: "NativeIOError", message: "writing the output to file descriptor 1000 failed: EBADF (Bad file descriptor)" };
    expect([probes.failedFlushFromPut, probes.failedFinalFlush]).toEqual([failed, failed]);
  });
});

programsSuite(
  "opt",
  "programs, compiled by the optimizing JIT (in one child)",
  [
    ...eofCases(">,.>+<[->+<],.>."),
    { name: "memchr finds no 0: off the right end", source: "+>+>+>+<<<[>]", options: { tapeSize: 4 } },
    { name: "memchr stops on a 0", source: "+>+>+>>+<<<<[>]+.", options: { tapeSize: 10 } },
    { name: "memrchr finds no 0: off the left end", source: "+>+>+[<]", options: { tapeSize: 10 } },
    { name: "memrchr stops on a 0", source: ">+>+>+[<]+.", options: { tapeSize: 10 } },
    { name: "a scan from the last cell", source: ">>>+[>]", options: { tapeSize: 4 } },
    { name: "100 bytes through a 16-byte buffer", source: "+".repeat(65) + ".".repeat(100), bufferSize: 16 },
    { name: "a scan by 2, four steps at a time, then off the right end", source: "+" + ">>+".repeat(49) + "<<".repeat(49) + "[>>]", options: { tapeSize: 100 } },
    { name: "a scan by -3 finds its 0 four steps at a time", source: ">".repeat(90) + "+<<<".repeat(21) + ">>>".repeat(21) + "[<<<]+.", options: { tapeSize: 100 } },
    { name: "a scan by 3 finds its 0 near the end", source: "+>>>+>>>+>>>+>>>+<<<<<<<<<<<<[>>>]+.", options: { tapeSize: 16 } },
    { name: "a multiply loop with unvisited cells, on a short tape", source: ",[->+>+<<]", options: { tapeSize: 2, input: new Uint8Array([5]) } },
    { name: "regression: a scan knows what its loop knew (seed 16592)", source: ">>>>>>>[->>>+<<+++<][+>>,<<][+]<<<.[---<<<---<>>>>]\t--------[><<].<>>>[-<>>+++++++<]><<" },
  ],
  (outcome) => {
    test("the scans that fail name the step that left the tape", () => {
      const right = outcome("memchr finds no 0: off the right end").result!;
      const left = outcome("memrchr finds no 0: off the left end").result!;
      expect([formatPos(right.error!.pos!), right.pointer, formatPos(left.error!.pos!), left.pointer]).toEqual(["1:12", 3, "1:7", 0]);
    });
  },
);

conformanceSuite("opt", "the conformance set, optimized and compiled (two children)");

// #region differential
describe("differential: the optimizing JIT against the interpreter", () => {
  const COUNT = 2000;
  test(`${COUNT} seeded random programs give the interpreter's exact RunResult`, async () => {
    const { failures, outcomes } = await againstInterpreter("opt", COUNT, 20_001);
    expect(failures.slice(0, 3)).toEqual([]);
    expect(outcomes.filter((o) => o.result?.error?.name === "TapeBoundsError").length).toBeGreaterThan(COUNT / 20);
  });
});
// #endregion differential
