// Chapter 10's figures: the script runs with its smallest budget, as a reader without the classic
// programs runs it, and prints every figure the chapter's prose quotes. A {{fast.key}} in the README
// that the script does not print fails here (and fails the site's build).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PIECE } from "../chapters/10-faster-code/pieces.ts";
import { ROOT, runBun } from "../shared/child.ts";
import { FIGURE_REF, parseDirectives, parseFigures } from "../shared/directives.ts";
import { CLASSIC_ENV, emptyClassicDir } from "../shared/programs.ts";

const README = readFileSync(resolve(ROOT, "chapters/10-faster-code/README.md"), "utf8");

describe("chapter 10's figures", () => {
  test("figures.ts --budget 0 prints every figure the prose quotes, without the classic programs", async () => {
    // The README has five figures runs, fast, engine, startup, pieces and pages (the tests below, and the
    // given file's for startup), and quotes them
    // outside inline code (where a figure is shown as written, not quoted).
    const runs = parseDirectives(README).filter((d) => d.kind === "run" && d.figures !== null);
    expect(runs.map((d) => (d.kind === "run" ? d.figures : null))).toEqual(["fast", "engine", "startup", "pieces", "pages"]);
    expect(README.match(/`[^`\n]*\{\{[^`\n]*`/g) ?? []).toEqual([]);
    const r = await runBun("chapters/10-faster-code/figures.ts", ["--budget", "0"], { timeoutMs: 170_000, env: { [CLASSIC_ENV]: emptyClassicDir(), JIT_TRACE: "0" } });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
    const printed = parseFigures(r.stdout, "figures.ts");
    const quoted = [...README.matchAll(FIGURE_REF)].map((m) => ({ ref: m[0], set: m[1]!, key: m[2]! }));
    expect(quoted.filter((q) => !["fast", "engine", "startup", "pieces", "pages"].includes(q.set)).map((q) => q.ref)).toEqual([]);
    expect(quoted.filter((q) => q.set === "fast" && printed[q.key] === undefined).map((q) => q.ref)).toEqual([]);
    // The linear-loop pass is what nest is for: without it nest is many times slower.
    expect(printed.nest_speedup).toMatch(/^\d+(\.\d+)?×$/);
  }, 180_000);

  test("engine-figures.ts prints every engine figure the prose quotes", async () => {
    const printed = await printsEveryQuoted("engine-figures.ts", ["--runs", "1", "--kib", "4"], "engine");
    expect(printed.program).toBe("4 KiB of generated loops");
  }, 70_000);

  test("piece-figures.ts prints every piece figure the prose quotes, PIECE among the sizes", async () => {
    const printed = await printsEveryQuoted("piece-figures.ts", ["--runs", "1", "--kib", "16"], "pieces");
    expect(printed.program).toBe("16 KiB of generated loops");
    expect(printed.piece).toBe(PIECE.toLocaleString("en-US"));
    expect(printed[`change${PIECE}`]).toBe("±0 %");
  }, 70_000);

  test("page-figures.ts prints every page figure the prose quotes", async () => {
    const printed = await printsEveryQuoted("page-figures.ts", ["--kib", "16"], "pages");
    expect(printed.program).toBe("16 KiB of generated loops");
    expect(printed.faults).toMatch(/^[\d,]+$/);
  }, 70_000);
});

/** Runs one of the chapter's figure scripts, checks it prints every {{set.key}} the README quotes, and returns what it printed. */
async function printsEveryQuoted(script: string, args: string[], set: string): Promise<Record<string, string>> {
  const r = await runBun(`chapters/10-faster-code/${script}`, args, { timeoutMs: 60_000, env: { JIT_TRACE: "0" } });
  expect(r.stderr).toBe("");
  expect(r.exitCode).toBe(0);
  const printed = parseFigures(r.stdout, script);
  const quoted = [...README.matchAll(FIGURE_REF)].filter((m) => m[1] === set);
  expect(quoted.length).toBeGreaterThan(0);
  expect(quoted.filter((m) => printed[m[2]!] === undefined).map((m) => m[0])).toEqual([]);
  return printed;
}
