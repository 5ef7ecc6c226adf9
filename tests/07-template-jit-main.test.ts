// Chapter 7's command line, run as a reader runs it: in a child process, with real stdin and stdout.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { hasGnuAs } from "../chapters/02-first-bytes/gnu-as.ts";
import { formatTable, measure } from "../chapters/07-template-jit/bench.ts";
import { findProgram } from "../shared/programs.ts";
import { runBun } from "../shared/child.ts";
import { gnuBytes } from "./support/bf-native-gnu.ts";
import { exitOf } from "./support/exit.ts";

setDefaultTimeout(60_000);

const MAIN = "chapters/07-template-jit/main.ts";
const main = (args: string[], stdin?: string) => runBun(MAIN, args, stdin === undefined ? {} : { stdin });
const P = "tests/programs";

describe("main.ts", () => {
  test("runs a program: its output on stdout, nothing else, exit 0", async () => {
    const r = await main([`${P}/hello.b`]);
    expect([r.stdout, r.stderr.replace(/^jit-trace .*\n/gm, ""), r.exitCode]).toEqual(["Hello, World!\n", "", 0]);
  });

  test("standard input is the program's input, read by the generated code", async () => {
    const r = await main([`${P}/reverse.b`], "stressed");
    expect([r.stdout, r.exitCode]).toEqual(["desserts", 0]);
  });

  test("--input FILE instead of standard input, --eof, --stats on stderr", async () => {
    const r = await main([`${P}/eof.b`, "--input", `${P}/eof.in`, "--eof=max", "--stats"]);
    expect(r.stdout).toBe("A\xff\xff".replace(/\xff/g, "\ufffd"));
    expect(r.stderr).toMatch(/eof\.b: compiled 7 commands into \d+ bytes of code in [\d.]+ ms; ran in [\d.]+ ms \([\d.]+ ms in the code\), 3 writes, 3 reads/);
  });

  test("an error: the output before it, then file:line:col: error: on stderr, exit 1", async () => {
    const r = await main([`${P}/off-right-run.b`, "--tape", "8"]);
    expect([r.stdout, r.exitCode]).toEqual(["F", 1]);
    expect(r.stderr).toContain(`${P}/off-right-run.b:5:2: error: '>' moved the pointer off the right end of the tape, to cell 8`);
  });

  test.skipIf(!hasGnuAs())("--emit=asm is GNU as source for the very bytes it lists; --emit=hex dumps as many", async () => {
    const [asm, hex] = await Promise.all([main([`${P}/cat.b`, "--emit=asm"]), main([`${P}/cat.b`, "--emit", "hex"])]);
    const listed = [...asm.stdout.matchAll(/# [0-9a-f]+: ([0-9a-f ]+)$/gm)].flatMap((m) => m[1]!.split(" ").map((b) => parseInt(b, 16)));
    const dumped = hex.stdout.trim().split("\n").flatMap((l) => l.slice(6).split(" ").map((b) => parseInt(b, 16)));
    expect(listed.length).toBeGreaterThan(100);
    expect([...gnuBytes(asm.stdout)]).toEqual(listed);
    // Each process has its own libc address (ASLR), so only the sizes and the prologue can match.
    expect([dumped.length, dumped.slice(0, 16)]).toEqual([listed.length, listed.slice(0, 16)]);
  });

  test("--compare runs both tiers in one process, checks they agree, and times them", async () => {
    const r = await main(["--compare", `${P}/cat.b`, "--input", `${P}/cat.in`]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^tests\/programs\/cat\.b: the same RunResult from both \(\d+ bytes of output\)\n/);
    expect(r.stdout).toMatch(/\n {2}interpreter +0\.00 ms +[\d.]+ ms +[\d.]+ ms\n {2}template JIT +[\d.]+ ms/);
    expect(r.stdout).toMatch(/the template JIT ran it [\d.]+x (faster|slower) than the interpreter/);
  });

  test("without a program: the templates, a run, an error, and a race with the interpreter", async () => {
    const r = await main([]);
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    expect(r.stdout).toContain("  >>    add rbx, 2                         48 83 c3 02\n        cmp rbx, r13                       4c 39 eb\n");
    expect(r.stdout).toContain(`it printed "Hello World!\\n" with 1 call to write`);
    expect(r.stdout).toContain("walk.b:2:8: error: '<' moved the pointer off the left end of the tape");
    expect(r.stdout).toContain("busy.b: the same RunResult from both (27 bytes of output)");
  });
});

describe("bench.ts", () => {
  test("measures a program in process and as whole processes, and prints a table", async () => {
    const m = await measure(findProgram("cat")!, true);
    expect(m.codeSize).toBeGreaterThan(0);
    expect(m.jitProcessMs).toBeGreaterThan(0);
    const table = formatTable([m]).split("\n");
    expect(table[0]).toBe("| program | interpreter | JIT compile | JIT run | speed-up |    code | interp. process | JIT process | speed-up |");
    expect(table[2]).toMatch(/^\| cat {5}\| +[\d.]+ s \|/);
  });

});
