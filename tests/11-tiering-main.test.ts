// Chapter 11's command line: its arguments (here), and main.ts run in child processes with every
// tier, --stats, --emit, errors and input.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { timedPrograms, timeProcess } from "../chapters/11-tiering/bench.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "../chapters/11-tiering/cli.ts";
import { runBun } from "../shared/child.ts";
import { exitOf } from "./support/exit.ts";

setDefaultTimeout(60_000); // children, and thousands of programs (the preload's timeout reaches only one file)

const MAIN = "chapters/11-tiering/main.ts";
const HELLO = "Hello, World!\n";
/** The child's stderr without the trace lines the harness asks every child for (JIT_TRACE=1). */
const stderr = (r: { readonly stderr: string }) => r.stderr.split("\n").filter((l) => !l.startsWith("jit-trace ")).join("\n");

describe("main.ts (in children)", () => {
  test.each(["tiered", "interpreter", "js", "js-opt", "tiered-js"])("--tier %s runs hello.b", async (tier) => {
    const r = await runBun(MAIN, ["tests/programs/hello.b", "--tier", tier]);
    expect([r.exitCode, r.stdout, stderr(r)]).toEqual([0, HELLO, ""]);
  });

  test("-e CODE runs the program given inline, and names it -e in an error", async () => {
    const ok = await runBun(MAIN, ["-e", "++++++++[>++++++++<-]>+.", "--threshold", "2"]);
    expect([ok.exitCode, ok.stdout, stderr(ok)]).toEqual([0, "A", ""]);
    const bad = await runBun(MAIN, ["-e", "+[", "--tier", "js"]);
    expect([bad.exitCode, stderr(bad)]).toEqual([1, "-e:1:2: error: unmatched '[': this loop is never closed. Add the missing ']', or remove this '['.\n"]);
  });

  test("--stats: the compiled loops, when, their cost, and the time in each tier", async () => {
    const r = await runBun(MAIN, ["tests/programs/numbers.b", "--threshold", "20", "--stats"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n").slice(0, 3)).toEqual(["0", "1", "2"]);
    expect(stderr(r)).toMatch(/^tests\/programs\/numbers\.b: threshold 20: \d+ loops? compiled to x86-64\n  loop +after +at +compile +code +entries +time inside\n/);
    expect(stderr(r)).toMatch(/\ntime: .* = interpreter .* \+ compiling .* \+ compiled loops .*\n$/);
  });

  test("input goes to the interpreter and to compiled loops alike", async () => {
    const r = await runBun(MAIN, ["tests/programs/cat.b", "--threshold", "0"], { stdin: "cat, tiered\n" });
    expect([r.exitCode, r.stdout]).toEqual([0, "cat, tiered\n"]);
  });

  test("an error names the command, exit code 1, and the output before it is written", async () => {
    const r = await runBun(MAIN, ["tests/programs/off-left.b", "--threshold", "0"]);
    expect(r.exitCode).toBe(1);
    expect(stderr(r)).toStartWith("tests/programs/off-left.b:5:3: error: '<' moved the pointer off the left end of the tape");
  });

  test("--emit prints the JavaScript the js tier makes, and runs nothing", async () => {
    const r = await runBun(MAIN, ["tests/programs/hello.b", "--tier", "js", "--emit"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toStartWith("let size = tape.length, p = at.p, steps = at.steps, inputPos = at.inputPos;\nconst roomFor = (needed) => {");
  });

  test("--emit with the tiered JIT: the program runs, then the code of each loop it compiled", async () => {
    const r = await runBun(MAIN, ["tests/programs/hello.b", "--threshold", "2", "--emit"]);
    expect([r.exitCode, r.stdout]).toEqual([0, HELLO]);
    expect(stderr(r)).toMatch(/^# the loop at \d+:\d+\n\.intel_syntax noprefix\n {8}push rbx/);
  });

  test("the js tier keeps chapter 6's fuel; the tiered JIT refuses it", async () => {
    const js = await runBun(MAIN, ["tests/programs/infinite.b", "--tier", "js", "--max-steps", "1000"]);
    expect([js.exitCode, stderr(js)]).toEqual([1, "tests/programs/infinite.b:2:3: error: stopped here after 1000 steps, the limit: the program may loop forever. If it only needs longer, raise the limit (--max-steps N, or the maxSteps option).\n"]);
    const tiered = await runBun(MAIN, ["tests/programs/infinite.b", "--max-steps", "1000"]);
    expect([tiered.exitCode, stderr(tiered).split(":")[0]]).toEqual([1, "UnsupportedOptionError"]);
  });

  test("without a program, the tour", async () => {
    const r = await runBun(MAIN, [], { timeoutMs: 60_000 });
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    for (const part of ["Why tier", "OSR into x86-64 after 100 iterations", "runaway.b:1:24: error:", "the same output, tape, pointer and error", "function loop_1_2_1()", "opt (chapter 9's x86-64)"]) {
      expect(r.stdout).toContain(part);
    }
  });
});

describe("main.ts (in children): what the chapter's code decides", () => {
  test.each(["opt"])("--tier %s runs hello.b", async (tier) => {
    const r = await runBun(MAIN, ["tests/programs/hello.b", "--tier", tier]);
    expect([r.exitCode, r.stdout, stderr(r)]).toEqual([0, HELLO, ""]);
  });
  test("flags are checked before the program is read or parsed", async () => {
    for (const tier of ["tiered", "interpreter", "js-opt", "tiered-js"]) expect(() => parseArgs(["p.b", "--tier", tier, "--max-steps", "9"])).toThrow("maxSteps (9) is not supported");
    expect(parseArgs(["p.b", "--tier", "opt", "--max-steps", "9"])!.maxSteps).toBe(9);
    // unmatched-close.b does not parse: a refusal of a flag shows that nothing got that far.
    const steps = await runBun(MAIN, ["tests/programs/unmatched-close.b", "--tier", "js-opt", "--max-steps", "9"]);
    expect([steps.exitCode, stderr(steps)]).toEqual([1, expect.stringMatching(/^UnsupportedOptionError: maxSteps \(9\)/)]);
    const input = await runBun(MAIN, ["tests/programs/unmatched-close.b", "--input", "no-such.in"]);
    expect([input.exitCode, stderr(input)]).toEqual([2, expect.stringMatching(/^UsageError: cannot read no-such\.in/)]);
  });
  test("a program nested deeper than the passes take runs all the same, chapter 8's way", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jit-11-"));
    try {
      const file = join(dir, "deep.b");
      writeFileSync(file, "+" + "[".repeat(1001) + "-" + "]".repeat(1001) + "+++."); // one loop deeper than MAX_NESTING
      for (const tier of ["opt", "tiered"]) {
        const r = await runBun(MAIN, [file, "--tier", tier]);
        expect([r.exitCode, r.stdout, stderr(r)]).toEqual([0, "\u0003", ""]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test("a syntax error is reported before anything runs", async () => {
    const r = await runBun(MAIN, ["tests/programs/unmatched-open.b"]);
    expect([r.exitCode, stderr(r).split(": error: ")[0]]).toEqual([1, "tests/programs/unmatched-open.b:4:1"]);
  });
});

describe("the bench", () => {
  test("a process is timed to its first byte of output and to its end, its output checked", async () => {
    const hello = timedPrograms(["hello"]).programs[0]!;
    const t = await timeProcess(hello, "tiered", 30_000);
    expect(t).toMatchObject({ program: "hello", column: "tiered", ok: true, note: null });
    expect(t.firstMs!).toBeGreaterThan(0);
    expect(t.totalMs!).toBeGreaterThanOrEqual(t.firstMs!);
    const eager = await timeProcess(hello, "tiered", 30_000, 0);
    expect(eager).toMatchObject({ column: "threshold 0", ok: true });
    expect(eager.compileMs!).toBeGreaterThan(0); // every loop compiled: --stats=json says how long that took
  });

});
