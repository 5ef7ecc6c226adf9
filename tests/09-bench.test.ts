// npm run bench -- bf with chapter 9's tiers: a failed cell, a run over its limit, the command line and
// its JSON. Every tier side by side, chapters 6 to 13, is tests/13-bench.test.ts: a chapter's tests
// never run a later chapter's code. Never a timed assertion: only that it runs, checks the output, and
// writes what it says.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseBench } from "../site/bench-chart.ts";
import { formatBfTable, parseBenchArgs, runBfBench, toBenchFile } from "../shared/bf-bench.ts";
import { BENCH_PROGRAM_NAMES } from "../shared/programs.ts";
import { UsageError } from "../shared/cli.ts";
import { runBun } from "../shared/child.ts";

setDefaultTimeout(120_000);

// Two programs in a folder of their own, under the names of the conformance set: "bench" prints A,
// and "long" has an expected output that is wrong, so every tier must fail on it.
const dir = mkdtempSync(join(tmpdir(), "bf-bench-"));
writeFileSync(join(dir, "bench.b"), "++++++++[>++++++++<-]>+.");
writeFileSync(join(dir, "bench.out"), "A");
writeFileSync(join(dir, "long.b"), "+++[>+++++<-]>[<++>-]<.");
writeFileSync(join(dir, "long.out"), "nope");
writeFileSync(join(dir, "factor.b"), "+[]"); // forever
writeFileSync(join(dir, "factor.in"), "");
writeFileSync(join(dir, "factor.out"), "");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run bench -- bf", () => {
  test("a wrong output fails the cell, with a note; a run over the limit is stopped", async () => {
    const report = await runBfBench({ runs: 1, programs: ["long"], dir, tiers: ["opt"], cacheDir: join(dir, "gcc") });
    expect(report.cells[0]).toMatchObject({ status: "failed", note: "wrong output (1 bytes, expected 4)" });
    expect(formatBfTable(report)).toMatch(/\| long +\| optimizing JIT +\| +failed \|/);
    expect(formatBfTable(report)).toEndWith("\nlong, optimizing JIT: wrong output (1 bytes, expected 4)");
    const forever = await runBfBench({ runs: 3, programs: ["factor"], dir, tiers: ["opt"], limitSeconds: 0.5, cacheDir: join(dir, "gcc") });
    expect(forever.cells[0]).toMatchObject({ status: "over", note: "stopped after 0.50 s", processMs: [] });
    expect(formatBfTable(forever)).toMatch(/\| factor +\| optimizing JIT +\| +> 0.50 s \|/);
  });

  test("the command line: options, a table, and the JSON file", async () => {
    const out = join(dir, "bf.json");
    const r = await runBun("shared/bench.ts", ["bf", "--quick", "--tiers", "interp,opt", "--dir", dir, "--out", out, "bench"], { timeoutMs: 110_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("== bf: chapters 6-13");
    expect(r.stdout).toMatch(/\| +\| optimizing JIT \| +[\d.]+ s \|/);
    expect(parseBench(JSON.parse(readFileSync(out, "utf8"))).results.map((x) => x.tier)).toEqual(["interpreter", "optimizing JIT"]);
    expect(parseBenchArgs(["--quick"])!.options).toMatchObject({ runs: 1, limitSeconds: 10 });
    expect(parseBenchArgs([])!.options).toMatchObject({ runs: 3, limitSeconds: null, programs: BENCH_PROGRAM_NAMES, peers: [] });
    expect(parseBenchArgs(["--peer", "cat=cat {prog}", "--peer", "x=y {prog}"])!.options.peers).toEqual([
      { name: "cat", command: "cat {prog}" },
      { name: "x", command: "y {prog}" },
    ]);
    expect(() => parseBenchArgs(["--peer", "cat"])).toThrow("--peer cat: write it NAME='command {prog}'");
    expect(() => parseBenchArgs(["--frob"])).toThrow(UsageError);
    const bad = await runBun("shared/bench.ts", ["bf", "--tiers", "warp", "--dir", dir]);
    expect([bad.exitCode, bad.stderr]).toEqual([1, expect.stringContaining("unknown tier(s) warp")]);
    const missing = await runBun("shared/bench.ts", ["bf", "--dir", join(dir, "nowhere")]);
    expect(missing.stdout).toContain(`there is no folder ${join(dir, "nowhere")}`);
    const help = await runBun("shared/bench.ts", ["bf", "--help"]);
    expect([help.exitCode, help.stdout]).toEqual([0, expect.stringContaining("--peer NAME=CMD")]);
  });

  test("a peer is a column beside the tiers: any command, {prog} the program's path, the input on stdin", async () => {
    // A stand-in for another Brainfuck implementation: one that prints the right answer (cat of the
    // .out next to the program) and one that prints the wrong one.
    const report = await runBfBench({
      runs: 1,
      programs: ["bench"],
      dir,
      tiers: ["opt"],
      peers: [
        { name: "oracle", command: "cat \"$(dirname {prog})/bench.out\"" },
        { name: "liar", command: "echo nope" },
      ],
      cacheDir: join(dir, "gcc"),
    });
    expect(report.tiers).toEqual(["opt", "peer:oracle", "peer:liar"]);
    expect(report.cells.map((c) => [c.tier, c.status])).toEqual([["opt", "ok"], ["peer:oracle", "ok"], ["peer:liar", "failed"]]);
    expect(toBenchFile(report).tiers).toEqual(["optimizing JIT", "oracle", "liar"]);
    // A peer's time is its whole command's: no start-up of Bun's to take off, no compile of its own.
    expect(formatBfTable(report)).toMatch(/\| +\| oracle +\| +[\d.]+ s \| +- \| +[\d.]+ s \| +- \|/);
  });
});
