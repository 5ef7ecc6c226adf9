// npm run bench -- bf: every tier side by side (chapters 6 to 13, and gcc) on a tiny program (the real
// ones take minutes), its table, and the JSON the site's chart reads. It runs every chapter's tier, so
// it is the last chapter's test. Never a timed assertion: only that it runs and checks the output.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseBench } from "../site/bench-chart.ts";
import { BF_TIERS, formatBfTable, hasGcc, median, runBfBench, toBenchFile } from "../shared/bf-bench.ts";

setDefaultTimeout(120_000);

// "bench" prints A, under the name of a program of the conformance set, in a folder of its own.
const dir = mkdtempSync(join(tmpdir(), "bf-bench-"));
writeFileSync(join(dir, "bench.b"), "++++++++[>++++++++<-]>+.");
writeFileSync(join(dir, "bench.out"), "A");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run bench -- bf", () => {
  test("every tier runs the program as a whole process, its output checked; the figures become a BenchFile", async () => {
    const report = await runBfBench({ runs: 2, programs: ["bench"], dir, cacheDir: join(dir, "gcc") });
    const tiers = hasGcc() ? BF_TIERS : BF_TIERS.filter((t) => t !== "gcc");
    expect(report.cells.filter((c) => c.status === "ok").map((c) => c.tier)).toEqual([...tiers]);
    for (const c of report.cells.filter((c) => c.status === "ok")) {
      expect(c.processMs).toHaveLength(2);
      expect(c.runMs).toHaveLength(2);
      expect(median(c.processMs)).toBeGreaterThan(0);
    }
    const opt = report.cells.find((c) => c.tier === "opt")!;
    expect(opt.codeSize).toBeGreaterThan(100);
    expect(opt.compileMs).toBeGreaterThan(0);
    const file = parseBench(JSON.parse(JSON.stringify(toBenchFile(report))));
    expect(file.programs).toEqual(["bench"]);
    expect(file.tiers.slice(0, 4)).toEqual(["interpreter", "template JIT", "LIR JIT", "optimizing JIT"]);
    expect(file.measure).toBe(
      "median of 2 runs, whole process (Bun's start-up and the compile included; gcc: the compiled binary alone; " +
        '"fast code (ch. 10)" and "fast, one bounds test per block": started from a bytecode bundle (shared/start-up.ts), the other tiers from source)',
    );
    const table = formatBfTable(report).split("\n");
    expect(table[0]).toMatch(/^\| program +\| tier +\| +process \| over Bun \| +run \| compile \| +code \| vs interp\. \| vs gcc \|$/);
    expect(table[2]).toMatch(/^\| bench +\| interpreter +\| +[\d.]+ s \|/);
    expect(table.find((l) => l.includes("optimizing JIT"))).toMatch(/\| +[\d.]+x \|/);
    // Bun's own start-up, once a round: each tier's time over it is what the book's code costs.
    expect(report.startupMs).toHaveLength(2);
    const startup = median(report.startupMs);
    expect(startup).toBeGreaterThan(0);
    const optRow = table.find((l) => l.includes("optimizing JIT"))!.split("|").map((c) => c.trim());
    // Shown to 2 or 3 decimals of a second: within half of the last one.
    expect(Math.abs(Number.parseFloat(optRow[4]!) - (median(opt.processMs) - startup) / 1000)).toBeLessThanOrEqual(0.0051);
  });
});
