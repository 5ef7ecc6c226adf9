// The prose quotes no measurement typed by hand: a time, a ratio or a measured size in a chapter's
// text must come from a live result (a ```run``` block, or a figure a `run figures=NAME` block printed,
// quoted as {{NAME.key}}), so that chapters cannot contradict each other or the code. Facts are not
// measurements (a 4096-byte page, a 30,000-cell tape): they carry no time unit and no decimals.
//
// The chapters still hold figures typed before this rule; each chapter's count may only go down. When
// a chapter's figures are all live, its entry goes.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CHAPTERS } from "../shared/chapters.ts";
import { ROOT } from "../shared/child.ts";

/** A time, a ratio or a percentage; or a size with decimals (a measured one). */
const MEASUREMENT =
  /(?<![\w.])\d[\d,]*(?:\.\d+)?\s?(?:ms|µs|us|ns|s|seconds?|minutes?|x|×|%)(?![\w])|(?<![\w.])\d+\.\d+\s?(?:KiB|MiB|GiB|KB|MB|GB)(?![\w])/g;

/** The prose of a README: without code blocks, inline code, and figures quoted from a run. */
export function proseOf(markdown: string): string {
  return markdown
    .replace(/^```[\s\S]*?^```/gm, "")
    .replace(/`[^`\n]*`/g, "")
    .replace(/\{\{[a-z][a-z0-9-]*\.[A-Za-z0-9_-]+\}\}/g, "");
}

export function measurementsIn(markdown: string): string[] {
  return [...proseOf(markdown).matchAll(MEASUREMENT)].map((m) => m[0]);
}

// Hand-typed figures left per chapter (a ceiling that only comes down).
const DEBT: Readonly<Record<string, number>> = {
};

describe("figures in the prose come from the code", () => {
  test("the rule: times, ratios and measured sizes are found; facts and quoted figures are not", () => {
    expect(measurementsIn("mandelbrot takes 16.6 s, 2.9x faster, 62.4 KiB of code")).toEqual(["16.6 s", "2.9x", "62.4 KiB"]);
    expect(measurementsIn("a 4096-byte page, 30,000 cells, 128 TiB, `0.5 s` in code, {{interp.mandelbrot}} quoted")).toEqual([]);
    expect(measurementsIn("```\n1.5 s\n```\nrax and 0x2a")).toEqual([]);
  });

  for (const c of CHAPTERS) {
    test(`chapter ${c.n}: no more hand-typed measurements than its ceiling (${DEBT[c.slug] ?? 0})`, () => {
      const found = measurementsIn(readFileSync(resolve(ROOT, "chapters", c.slug, "README.md"), "utf8"));
      const ceiling = DEBT[c.slug] ?? 0;
      if (found.length > ceiling) expect(found).toEqual([`at most ${ceiling}: quote these from a live result`]);
      expect(found.length).toBeLessThanOrEqual(ceiling);
    });
  }
});
