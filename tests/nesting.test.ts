// A program nested 200,000 loops deep, through every tier's command line, each in a child: each prints
// what the interpreter prints, or refuses the program with the book's own error; no engine error
// (RangeError, a stack overflow) ever reaches the reader.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBun } from "../shared/child.ts";

const DEPTH = 200_000;
const TIMEOUT = 180_000; // a 400,000-command program, on a machine other tests share

/** Into every loop (the cell is 1), out of them all (the innermost clears it), then "A" from the next cell. */
const DEEP = "+" + "[".repeat(DEPTH) + "-" + "]".repeat(DEPTH) + ">" + "+".repeat(65) + ".";
/** The same depth of loops never entered, and a `[` that never closes. */
const SKIPPED = "[".repeat(DEPTH) + "]".repeat(DEPTH) + "+".repeat(66) + ".";
/** The deep program's LIR, as text: chapter 8's main reads it back. */
const DEEP_LIR = "add [0] 1\n" + "loop [0] {\n".repeat(DEPTH) + "add [0] -1\n" + "}\n".repeat(DEPTH) + "move 1\nadd [0] 65\nout [0]\n";
const UNCLOSED = "+" + "[".repeat(DEPTH) + "-" + "]".repeat(DEPTH - 1);

/** An engine's error, as opposed to the book's. */
const ENGINE = /RangeError|Maximum call stack|stack overflow|Segmentation fault|panic\(/i;

/** A child's stderr without the trace lines the harness asks every child for (JIT_TRACE=1). */
const withoutTrace = (stderr: string): string => stderr.split("\n").filter((l) => !l.startsWith("jit-trace ")).join("\n");

let dir = "";
const file = (name: string) => join(dir, name);
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nesting-"));
  writeFileSync(file("deep.b"), DEEP);
  writeFileSync(file("skipped.b"), SKIPPED);
  writeFileSync(file("unclosed.b"), UNCLOSED);
  writeFileSync(file("deep.lir"), DEEP_LIR);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** [main, its arguments before the program, what it does with the deep program]. */
const MAINS: readonly (readonly [string, readonly string[], "runs" | "prints" | "refuses"])[] = [
  ["chapters/06-interpreter/main.ts", [], "runs"],
  ["chapters/07-template-jit/main.ts", [], "runs"],
  ["chapters/08-lir/main.ts", [], "runs"],
  ["chapters/08-lir/main.ts", ["--jit"], "runs"],
  ["chapters/08-lir/main.ts", ["--emit=lir"], "prints"],
  ["chapters/09-optimizer/main.ts", ["--tier", "interp"], "runs"],
  ["chapters/09-optimizer/main.ts", ["--tier", "template"], "runs"],
  ["chapters/09-optimizer/main.ts", ["--tier", "lir"], "runs"],
  ["chapters/09-optimizer/main.ts", ["--tier", "opt"], "runs"],
  ["chapters/10-faster-code/main.ts", ["--tier", "lir"], "runs"],
  ["chapters/10-faster-code/main.ts", ["--tier", "fast"], "runs"],
  ["chapters/10-faster-code/main.ts", ["--tier", "fast-unchecked"], "runs"],
  ["chapters/11-tiering/main.ts", ["--tier", "tiered"], "runs"],
  ["chapters/11-tiering/main.ts", ["--tier", "interpreter"], "runs"],
  ["chapters/11-tiering/main.ts", ["--tier", "opt"], "runs"],
  ["chapters/11-tiering/main.ts", ["--tier", "js"], "runs"],
  ["chapters/11-tiering/main.ts", ["--tier", "js-opt"], "runs"],
  ["chapters/11-tiering/main.ts", ["--tier", "tiered-js"], "runs"],
  ["chapters/12-hostile-programs/main.ts", ["--tier", "lir"], "runs"],
  ["chapters/12-hostile-programs/main.ts", ["--tier", "opt"], "runs"],
  ["chapters/12-hostile-programs/main.ts", ["--tier", "tiered"], "runs"],
  ["chapters/13-wasm-backend/main.ts", [], "runs"],
  ["chapters/13-wasm-backend/main.ts", ["--lowered"], "runs"],
];

const NESTING_ERROR = /^\S+deep\.b:1:1002: error: this loop is nested 1001 loops deep; the LIR handles at most 1000/;

describe(`a program nested ${DEPTH} loops deep, through each main (in children)`, () => {
  test.each(MAINS)("%s %p", async (main, args, outcome) => {
    const r = await runBun(main, [...args, file("deep.b")], { timeoutMs: TIMEOUT });
    const stderr = withoutTrace(r.stderr);
    expect(stderr).not.toMatch(ENGINE);
    if (outcome === "runs") expect([r.exitCode, r.stdout, stderr]).toEqual([0, "A", ""]);
    else if (outcome === "prints") {
      // The LIR: indented up to a limit, then flat (print.ts), so it stays a few megabytes.
      expect([r.exitCode, stderr]).toEqual([0, ""]);
      expect(r.stdout).toStartWith("add [0] 1\nloop [0] {\n  loop [0] {\n");
      expect(r.stdout).toEndWith("}\nmove 1\nadd [0] 65\nout [0]\n");
      expect(r.stdout.length).toBeLessThan(200 * DEPTH);
    } else {
      expect(r.exitCode).toBe(1);
      expect(stderr).toMatch(NESTING_ERROR);
    }
  }, TIMEOUT);
});

describe("nested loops never entered, and a bracket never closed (in children)", () => {
  test.each([
    ["chapters/06-interpreter/main.ts", []],
    ["chapters/11-tiering/main.ts", ["--tier", "js"]],
    ["chapters/13-wasm-backend/main.ts", []],
  ] as const)("%s %p", async (main, args) => {
    const skipped = await runBun(main, [...args, file("skipped.b")], { timeoutMs: TIMEOUT });
    expect(skipped.stderr).not.toMatch(ENGINE);
    if (skipped.exitCode === 0) expect(skipped.stdout).toBe("B");
    else expect(skipped.stderr).toMatch(new RegExp(NESTING_ERROR.source.replace("deep", "skipped").replace("1002", "1001")));
    const unclosed = await runBun(main, [...args, file("unclosed.b")], { timeoutMs: TIMEOUT });
    expect(unclosed.stderr).not.toMatch(ENGINE);
    expect(unclosed.exitCode).toBe(1);
    expect(unclosed.stderr).toMatch(/unclosed\.b:1:2: error: /);
  }, TIMEOUT);
});

describe("the deep program as LIR text, through chapter 8's main (in children)", () => {
  test.each([[[]], [["--jit"]]] as const)("%p", async (args) => {
    const r = await runBun("chapters/08-lir/main.ts", [...args, file("deep.lir")], { timeoutMs: TIMEOUT });
    expect([r.exitCode, r.stdout, withoutTrace(r.stderr)]).toEqual([0, "A", ""]);
  }, TIMEOUT);
});

describe("the deep program's machine code, listed (in children)", () => {
  test.each([
    ["chapters/07-template-jit/main.ts", ["--emit=asm"]],
    ["chapters/08-lir/main.ts", ["--emit=asm"]],
    ["chapters/09-optimizer/main.ts", ["--tier", "lir", "--emit=asm"]],
  ] as const)("%s %p", async (main, args) => {
    const r = await runBun(main, [...args, file("deep.b")], { timeoutMs: TIMEOUT });
    expect(withoutTrace(r.stderr)).toBe("");
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split("\n").length).toBeGreaterThan(2 * DEPTH); // a compare and a branch per loop test, at least
  }, TIMEOUT);
});
