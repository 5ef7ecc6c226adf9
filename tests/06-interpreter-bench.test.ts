// Chapter 6's bench: the simple interpreter against the reference one, side by side, on programs
// whose outputs they must agree on (it runs the reader's two interpreters, so it is a chapter test).
import { describe, expect, test } from "bun:test";
import { formatTable, InterpreterBenchError, measure } from "../chapters/06-interpreter/bench.ts";
import { runBun } from "../shared/child.ts";
import { findProgram } from "../shared/programs.ts";

describe("bench.ts", () => {
  test("measures both interpreters on a program, and prints steps, seconds and the gain", () => {
    const t = measure(findProgram("alphabet")!, 2);
    expect(t.name).toBe("alphabet");
    expect(t.steps).toBeGreaterThan(0);
    expect(t.simpleMs).toBeGreaterThan(0);
    const table = formatTable([{ name: "x", steps: 2_000_000, simpleMs: 400, foldedMs: 100 }]).split("\n");
    expect(table[0]).toMatch(/^\| program \| +steps \| +simple \| folding \+ jumps \| +gain \|/);
    expect(table[2]).toBe("| x       | 2,000,000 | 0.40 s |          0.10 s | 4.0× |                20 million |");
  });

  test("as a script: the table, --help, and a clear word for a bad --runs", async () => {
    const r = await runBun("chapters/06-interpreter/bench.ts", ["hello", "alphabet"]);
    expect([r.exitCode, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^\| hello +\|/m);
    expect((await runBun("chapters/06-interpreter/bench.ts", ["--help"])).stdout).toStartWith("bun chapters/06-interpreter/bench.ts [--runs N]");
    const bad = await runBun("chapters/06-interpreter/bench.ts", ["--runs", "x"]);
    expect([bad.exitCode, bad.stderr]).toEqual([1, expect.stringContaining("--runs must be a whole number")]);
    expect(new InterpreterBenchError("x")).toBeInstanceOf(Error);
  });
});
