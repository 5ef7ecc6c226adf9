// Chapter 10's figures: the script runs with its smallest budget, as a reader without the classic
// programs runs it, and prints every figure the chapter's prose quotes. A {{fast.key}} in the README
// that the script does not print fails here (and fails the site's build).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT, runBun } from "../shared/child.ts";
import { FIGURE_REF, parseDirectives, parseFigures } from "../shared/directives.ts";
import { CLASSIC_ENV, emptyClassicDir } from "../shared/programs.ts";
import { figures, nestSource, percent, sweepSource, time, times, type Measured } from "../chapters/10-faster-code/figures.ts";

const README = readFileSync(resolve(ROOT, "chapters/10-faster-code/README.md"), "utf8");

describe("chapter 10's figures", () => {
  test("figures.ts --budget 0 prints every figure the prose quotes, without the classic programs", async () => {
    // The README has one figures run, named fast, and quotes it outside inline code (where a figure
    // is shown as written, not quoted).
    const runs = parseDirectives(README).filter((d) => d.kind === "run" && d.figures !== null);
    expect(runs.map((d) => (d.kind === "run" ? d.figures : null))).toEqual(["fast"]);
    expect(README.match(/`[^`\n]*\{\{[^`\n]*`/g) ?? []).toEqual([]);
    const r = await runBun("chapters/10-faster-code/figures.ts", ["--budget", "0"], { timeoutMs: 170_000, env: { [CLASSIC_ENV]: emptyClassicDir(), JIT_TRACE: "0" } });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const printed = parseFigures(r.stdout, "figures.ts");
    const quoted = [...README.matchAll(FIGURE_REF)].map((m) => ({ ref: m[0], set: m[1]!, key: m[2]! }));
    expect(quoted.filter((q) => q.set !== "fast").map((q) => q.ref)).toEqual([]);
    expect(quoted.filter((q) => printed[q.key] === undefined).map((q) => q.ref)).toEqual([]);
    // The linear-loop pass is what nest is for: without it nest is many times slower.
    expect(printed.nest_speedup).toMatch(/^\d+(\.\d+)?×$/);
  }, 180_000);

  test("without gcc the yardstick's cells are dashes, so the tables still have every figure", () => {
    const m: Measured = { program: "nest", ms: { opt: 300, fast: 1, unchecked: 1 }, codeSize: { opt: 600, fast: 1000 }, runs: 1 };
    const compile = { plusColdMs: 50, plusWarmMs: 1, big: "nest", first: { parse: 1, lower: 1, passes: 5, linear: 1, codegen: 4 }, fifth: { parse: 1, lower: 1, passes: 1, linear: 1, codegen: 1 } };
    const f = figures([m], compile, false);
    expect([f.nest_gcc, f.nest_vsGcc, f.nest_optVsGcc]).toEqual(["–", "–", "–"]);
    expect(f.nest_speedup).toBe("300×");
    expect(f.bigFirstLargest).toBe("chapter 9's passes");
    expect(f.checksMost).toBe("–"); // no run long enough to tell
  });

  test("the figures' formats", () => {
    expect([time(2345), time(123.4), time(12.34), time(1.234)]).toEqual(["2.35 s", "123 ms", "12.3 ms", "1.23 ms"]);
    expect([times(300, 1), times(5, 2), times(105, 100)]).toEqual(["300×", "2.5×", "1.05×"]);
    expect([percent(100, 107), percent(100, 88), percent(100, 100)]).toEqual(["+7 %", "−12 %", "±0 %"]);
  });

  test("the programs made for the chapter have long.b's shape and strided scans", () => {
    expect(nestSource([1, 1, 1, 1])).toBe(">+[>+[>+[>+[<<<<+++>>>>->>>+++[->+++++<]>[-]<<<<]<-]<-]<-]<.");
    expect(sweepSource([1, 1], 250)).toContain("[-<[>>]<<[<<]>>>]");
  });
});
