// Chapter 10's figures: what the workbook gives (the formats, the tables without gcc, the programs made
// for the chapter).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT, runBun } from "../shared/child.ts";
import { FIGURE_REF, parseFigures } from "../shared/directives.ts";
import { engineCompiles } from "../chapters/10-faster-code/engine-figures.ts";
import { shareWords, threadFaults } from "../chapters/10-faster-code/page-figures.ts";
import { figures, nestSource, percent, sweepSource, time, times, type Measured } from "../chapters/10-faster-code/figures.ts";

describe("chapter 10's figures", () => {
  test("start-up-figures.ts prints every start-up figure the prose quotes", async () => {
    const r = await runBun("chapters/10-faster-code/start-up-figures.ts", ["--runs", "3"], { timeoutMs: 60_000, env: { JIT_TRACE: "0" } });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const printed = parseFigures(r.stdout, "start-up-figures.ts");
    const readme = readFileSync(resolve(ROOT, "chapters/10-faster-code/README.md"), "utf8");
    const quoted = [...readme.matchAll(FIGURE_REF)].filter((m) => m[1] === "startup");
    expect(quoted.length).toBeGreaterThan(0);
    expect(quoted.filter((m) => printed[m[2]!] === undefined).map((m) => m[0])).toEqual([]);
    expect(Number(printed.modules)).toBeGreaterThan(50);
  }, 70_000);

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

  test("what the engine compiled, from its reports: DFG and FTL lines added up, anything else ignored", () => {
    const report = [
      "Optimized fitsBits#CmED2a:[0x4c6, NoneFunctionCall, 129 (StrictMode)] using DFG with DFG into 736 bytes in 0.25 ms.",
      "Optimized step#Aj7MI8:[0x5a1, NoneFunctionCall, 280 (StrictMode)] using FTL with FTL into 1632 bytes in 4.5 ms (DFG: 2.5, B3: 2.0).",
      '{"tier":"fast","compileMs":12}',
      "Optimized waitingStarts#ALKi4w:[0x4c6, NoneFunctionCall, 47 (StrictMode)] using DFG with DFG into 928 bytes in 0.5 ms.",
      "a line of the program's own",
    ].join("\n");
    expect(engineCompiles(report)).toEqual({ dfg: { count: 2, ms: 0.75 }, ftl: { count: 1, ms: 4.5 } });
    expect(engineCompiles("")).toEqual({ dfg: { count: 0, ms: 0 }, ftl: { count: 0, ms: 0 } });
  });

  test("a report written in pieces, cut by another line, or of a compile for a loop's entry still counts", () => {
    const cut = 'Optimized loop#Bx:[0x1, NoneFunctionCall, 9 (StrictMode)] using FTLForOSREntry with FTL into 64 bytes in 2 ms (DFG: 1, B3: 1).Optimized a#A:[0x2] using ';
    const rest = 'DFG with DFG{"tier":"fast","compileMs":3}\n into 32 bytes in 0.5 ms.\n';
    expect(engineCompiles(cut + rest)).toEqual({ dfg: { count: 1, ms: 0.5 }, ftl: { count: 1, ms: 2 } });
  });

  test("engine-figures.ts refuses a count it cannot use, before it runs anything", async () => {
    const r = await runBun("chapters/10-faster-code/engine-figures.ts", ["--runs", "0"], { env: { JIT_TRACE: "0" } });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("--runs must be a whole number of processes, 1 or more, not '0'");
  });

  test("piece-figures.ts refuses a count or a piece it cannot use, before it compiles anything", async () => {
    const runs = await runBun("chapters/10-faster-code/piece-figures.ts", ["--runs", "0"], { env: { JIT_TRACE: "0" } });
    expect(runs.exitCode).not.toBe(0);
    expect(runs.stderr).toContain("--runs must be a whole number of processes, 1 or more, not '0'");
    const size = await runBun("chapters/10-faster-code/piece-figures.ts", ["--compile", "x.b", "--size", "0"], { env: { JIT_TRACE: "0" } });
    expect(size.exitCode).not.toBe(0);
    expect(size.stderr).toContain("--size must be a whole number of commands, 1 or more, not '0'");
  });

  test("page-figures.ts refuses a size it cannot use, before it compiles anything", async () => {
    const r = await runBun("chapters/10-faster-code/page-figures.ts", ["--kib", "0"], { env: { JIT_TRACE: "0" } });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("--kib must be a whole number of KiB, 1 or more, not '0'");
  });

  test("a thread's page faults are counted, and the share of a compile they take is put in words", () => {
    const before = threadFaults();
    const fresh = new Uint8Array(8 * 2 ** 20);
    for (let i = 0; i < fresh.length; i += 4096) fresh[i] = 1;
    expect(threadFaults()).toBeGreaterThan(before);
    expect([shareWords(40), shareWords(10), shareWords(3)]).toEqual(["a large part of the compile", "a noticeable part of the compile", "a small part of the compile"]);
  });
});
