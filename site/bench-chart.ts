// The benchmark chart: how long each Brainfuck program takes in each tier, on a log scale (the tiers
// differ by orders of magnitude). The BF benchmark writes its results to .cache/bench/bf.json in the
// format below; a chapter shows them with a ```figure bench-chart``` fence.
import { escapeHtml } from "./html.ts";
import { line, rect, svg, text } from "./svg.ts";

// #region bench-format
/** What the BF benchmark writes to .cache/bench/bf.json. */
export interface BenchFile {
  readonly format: "jit-bench/1";
  /** What one number is, for the caption: "median of 5 runs, wall time". */
  readonly measure: string;
  /** The tiers in the order the book introduces them: one bar each, per program. */
  readonly tiers: readonly string[];
  /** The programs, in the order to show them. */
  readonly programs: readonly string[];
  /** One entry per (program, tier) measured; a pair left out is shown as "not run". */
  readonly results: readonly BenchResult[];
  /** Where it was measured, when the benchmark knows: "Bun 1.4.5 · Linux x86_64 · Xeon …". */
  readonly machine?: string;
}

export interface BenchResult {
  readonly program: string;
  readonly tier: string;
  /** Milliseconds for one run of the program in this tier. */
  readonly ms: number;
}
// #endregion

export class BenchFormatError extends Error {
  override name = "BenchFormatError";
}

/** Check that `data` (parsed JSON) is a BenchFile, naming the first thing that is not. */
export function parseBench(data: unknown, source = "bench results"): BenchFile {
  const fail = (what: string): never => {
    throw new BenchFormatError(`${source}: ${what}. The format is BenchFile in site/bench-chart.ts ({ format: "jit-bench/1", measure, tiers, programs, results }).`);
  };
  if (typeof data !== "object" || data === null) return fail("not a JSON object");
  const d = data as Record<string, unknown>;
  if (d.format !== "jit-bench/1") fail(`format is ${JSON.stringify(d.format)}, expected "jit-bench/1"`);
  if (typeof d.measure !== "string") fail("measure must be a string");
  const strings = (k: string) => {
    const v = d[k];
    if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === "string")) fail(`${k} must be a non-empty array of strings`);
    return v as string[];
  };
  const tiers = strings("tiers");
  const programs = strings("programs");
  if (!Array.isArray(d.results)) fail("results must be an array");
  const results = d.results as unknown[];
  results.forEach((r, i) => {
    const e = r as Partial<BenchResult> | null;
    if (!e || typeof e.program !== "string" || typeof e.tier !== "string" || typeof e.ms !== "number") {
      fail(`results[${i}] must be { program: string, tier: string, ms: number }`);
    }
    if (!programs.includes(e!.program!)) fail(`results[${i}] names program "${e!.program}", which is not in programs`);
    if (!tiers.includes(e!.tier!)) fail(`results[${i}] names tier "${e!.tier}", which is not in tiers`);
    if (!(e!.ms! > 0) || !Number.isFinite(e!.ms!)) fail(`results[${i}].ms must be a positive number of milliseconds (got ${e!.ms})`);
  });
  if (d.machine !== undefined && typeof d.machine !== "string") fail("machine, when present, must be a string");
  return data as BenchFile;
}

/** "0.42 ms", "12 ms", "1.3 s": two significant digits, in the unit that reads best. */
export function formatMs(ms: number): string {
  const two = (v: number) => (v >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(2))));
  if (ms >= 1000) return `${two(ms / 1000)} s`;
  if (ms >= 1) return `${two(ms)} ms`;
  if (ms >= 0.001) return `${two(ms * 1000)} µs`;
  return `${two(ms * 1e6)} ns`;
}

const LABEL_W = 150;
const PLOT_W = 520;
const VALUE_W = 70;
const BAR_H = 13;
const BAR_GAP = 3;
const GROUP_GAP = 14;
const TOP = 48;

/** The chart as an inline SVG: one group of bars per program, one bar per tier, log-scaled time. */
export function benchChartSvg(bench: BenchFile): string {
  const times = bench.results.map((r) => r.ms);
  const lo = Math.floor(Math.log10(Math.min(...times)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...times))));
  const xOf = (ms: number) => LABEL_W + ((Math.log10(ms) - lo) / (hi - lo)) * PLOT_W;
  const groupH = bench.tiers.length * (BAR_H + BAR_GAP) - BAR_GAP;
  const plotH = bench.programs.length * (groupH + GROUP_GAP) - GROUP_GAP;
  const width = LABEL_W + PLOT_W + VALUE_W;
  const height = TOP + plotH + 34;
  const parts: string[] = [];

  // Legend: one swatch per tier, in the book's order.
  let lx = LABEL_W;
  bench.tiers.forEach((t, i) => {
    parts.push(rect(lx, 10, 12, 12, { rx: 2, class: `bench-s${i % 6}` }));
    parts.push(text(lx + 17, 20, t, { class: "fig-note" }));
    lx += 34 + t.length * 6.6;
  });

  // Decade gridlines: 0.1 ms, 1 ms, 10 ms, ...
  for (let e = lo; e <= hi; e++) {
    const x = xOf(10 ** e);
    parts.push(line(x, TOP - 6, x, TOP + plotH + 4, { class: e === lo ? "fig-axis" : "fig-grid" }));
    parts.push(text(x, TOP + plotH + 20, formatMs(10 ** e), { class: "fig-note", "text-anchor": "middle" }));
  }

  bench.programs.forEach((program, g) => {
    const gy = TOP + g * (groupH + GROUP_GAP);
    parts.push(text(LABEL_W - 10, gy + groupH / 2 + 4, program, { class: "fig-label", "text-anchor": "end" }));
    bench.tiers.forEach((tier, i) => {
      const y = gy + i * (BAR_H + BAR_GAP);
      const r = bench.results.find((r) => r.program === program && r.tier === tier);
      if (!r) {
        parts.push(text(LABEL_W + 4, y + BAR_H - 3, "not run", { class: "fig-note fig-muted" }));
        return;
      }
      const x = xOf(r.ms);
      parts.push(rect(LABEL_W, y, Math.max(1, x - LABEL_W), BAR_H, { class: `bench-s${i % 6}` }));
      parts.push(text(x + 5, y + BAR_H - 3, formatMs(r.ms), { class: "fig-note" }));
    });
  });
  const title = `Run time of ${bench.programs.length} Brainfuck programs in ${bench.tiers.length} tiers, log scale`;
  return svg(width, height, title, parts.join(""), "figure-svg bench-chart");
}

/** The same numbers as a table, for readers who want the digits (and for screen readers). */
export function benchTableHtml(bench: BenchFile): string {
  const head = `<tr><th>program</th>${bench.tiers.map((t) => `<th>${escapeHtml(t)}</th>`).join("")}</tr>`;
  const rows = bench.programs.map((p) => {
    const cells = bench.tiers.map((t) => {
      const r = bench.results.find((r) => r.program === p && r.tier === t);
      return `<td>${r ? formatMs(r.ms) : "–"}</td>`;
    });
    return `<tr><th>${escapeHtml(p)}</th>${cells.join("")}</tr>`;
  });
  return `<table class="bench-table"><thead>${head}</thead><tbody>${rows.join("")}</tbody></table>`;
}
