// A third kind of fence, for pictures the builder draws:
//
//   ```figure rex-modrm-sib          the REX/ModRM/SIB layout (chapter 4)
//   ```
//
//   ```figure bench-chart            the benchmark chart, from the JSON the benchmark wrote
//   .cache/bench/bf.json
//   ```
//
// Like include and run, a figure that cannot be drawn fails the build with the README line.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "../shared/child.ts";
import { benchChartSvg, benchTableHtml, parseBench, type BenchFile } from "./bench-chart.ts";
import { escapeHtml } from "./html.ts";
import { addressSpaceSvg, pagePermissionsSvg } from "./figures/address-space.ts";
import { contextBlockSvg } from "./figures/context-block.ts";
import { dualMappingSvg } from "./figures/dual-mapping.ts";
import { FUEL_SAMPLE, fuelCheckSvg } from "./figures/fuel.ts";
import { passesSvg, pipelineSvg, SAMPLE } from "./figures/pipeline.ts";
import { REGISTER_LOOP_SAMPLE, registerLoopSvg } from "./figures/register-loop.ts";
import { firstOutputSvg, osrStateSvg, parseFirstOutput } from "./figures/tiering.ts";
import { stackFrameSvg } from "./figures/stack-frame.ts";
import { wasmSectionsSvg } from "./figures/wasm-sections.ts";
import { EXAMPLE, rexModrmSibSvg } from "./rex-modrm-sib.ts";

export class FigureError extends Error {
  override name = "FigureError";
}

export interface FigureDirective {
  readonly kind: "figure";
  readonly line: number;
  readonly name: string;
  /** The fence's body: the input file for figures that read one. */
  readonly body: string;
}

/** Files a figure may read that a live command produced earlier in the build. */
export type ArtifactLookup = (path: string) => string | null;

interface FigureKind {
  readonly caption: string;
  /** The drawing, and HTML to put after its caption (the benchmark's numbers as a table). */
  render(body: string, artifacts: ArtifactLookup, line: number): { readonly drawing: string; readonly after?: string };
}

const FIGURES: Record<string, FigureKind> = {
  "address-space": {
    caption: "Where chapter 1's pages land: the regions <code>/proc/self/maps</code> lists, highest address at the top (not to scale).",
    render: () => ({ drawing: addressSpaceSvg() }),
  },
  "page-permissions": {
    caption: "The demo's two pages after each call: the protection asked for, what <code>/proc/self/maps</code> shows, and the page-table bits the kernel sets (x86-64 has no separate read bit: a present page is readable).",
    render: () => ({ drawing: pagePermissionsSvg() }),
  },
  "dual-mapping": {
    caption: "One memory file, two views: the code is written through one address and run through the other, and both reach the same physical pages.",
    render: () => ({ drawing: dualMappingSvg() }),
  },
  "stack-frame": {
    caption: "Frames drawn from chapter 5's <code>Frame</code>: what each push and the <code>sub rsp</code> leave below the caller's <code>rsp</code>, and where <code>rsp</code> stands against 16.",
    render: () => ({ drawing: stackFrameSvg() }),
  },
  "context-block": {
    caption: "What the generated code works on: its five registers, the tape they point into, and the context block the host and the code share, every field at its offset (from <code>context.ts</code>).",
    render: () => ({ drawing: contextBlockSvg() }),
  },
  "lir-pipeline": {
    caption: `From source to a callable page: the stages of chapter 8's LIR JIT, run on <code>${escapeHtml(SAMPLE)}</code> when the site was built.`,
    render: () => ({ drawing: pipelineSvg(false) }),
  },
  "opt-pipeline": {
    caption: `The optimizing JIT's stages, run on <code>${escapeHtml(SAMPLE)}</code> when the site was built: <code>optimize()</code> runs the passes in the order listed.`,
    render: () => ({ drawing: pipelineSvg(true) }),
  },
  passes: {
    caption: `The LIR of <code>${escapeHtml(SAMPLE)}</code> after each pass that changes it, printed by chapter 8's <code>print</code> when the site was built: <b>+</b> lines are new, struck-through lines are gone.`,
    render: () => ({ drawing: passesSvg() }),
  },
  "register-loop": {
    caption: `The loop of <code>${escapeHtml(REGISTER_LOOP_SAMPLE)}</code>, compiled by chapter 9 and by the fast tier when the site was built: the fast tier makes the bounds test and the loads once, before the loop, goes round in registers, and stores after it.`,
    render: () => ({ drawing: registerLoopSvg() }),
  },
  "osr-state": {
    caption: "The state an OSR entry hands over, read from <code>NativeLoop.run</code>: each value goes through its context block field into the register the compiled code keeps it in, and comes back the same way.",
    render: () => ({ drawing: osrStateSvg() }),
  },
  "first-output": {
    caption: "Why tier: when the first byte of output appears and when the process ends, for each way of running the same program, measured when the site was built (by chapter 11's <code>figures.ts</code>).",
    render: (body, artifacts, line) => ({ drawing: firstOutputSvg(parseFirstOutput(readArtifact("first-output", body, ".cache/bench/tiering.json", artifacts, line), body.trim() || ".cache/bench/tiering.json")) }),
  },
  "fuel-check": {
    caption: `Fuel at a loop test, from the code the template JIT makes of <code>${escapeHtml(FUEL_SAMPLE)}</code> with <code>Fuel</code> at its hook, when the site was built: one read-modify-write and a branch inline, a stub out of line, and the context block fields they use.`,
    render: () => ({ drawing: fuelCheckSvg() }),
  },
  "wasm-sections": {
    caption: `The module chapter 13 makes of <code>${escapeHtml(SAMPLE)}</code>, read back with its own decoder when the site was built: each section's id, what it holds, and its size with its id and length bytes.`,
    render: () => ({ drawing: wasmSectionsSvg() }),
  },
  "rex-modrm-sib": {
    caption: `The parts of an x86-64 instruction, and the bits of REX, ModRM and SIB in <code>${escapeHtml(EXAMPLE.asm)}</code>.`,
    render: () => ({ drawing: rexModrmSibSvg() }),
  },
  "bench-chart": {
    caption: "Time per run of each program, by tier (log scale: each gridline is ten times the last).",
    render(body, artifacts, line) {
      const bench = readBench(body, artifacts, line);
      const where = bench.machine ? `${bench.machine} · ${bench.measure}` : bench.measure;
      return {
        drawing: `${benchChartSvg(bench)}<p class="provenance">${escapeHtml(where)}</p>`,
        after: `<details class="bench-numbers"><summary>The numbers</summary>${benchTableHtml(bench)}</details>`,
      };
    },
  },
};

function readBench(body: string, artifacts: ArtifactLookup, line: number): BenchFile {
  return parseBench(readArtifact("bench-chart", body, ".cache/bench/bf.json", artifacts, line), body.trim() || ".cache/bench/bf.json");
}

/** The JSON a figure reads: the file its fence names (or `fallback`), as a live command left it. */
function readArtifact(figure: string, body: string, fallback: string, artifacts: ArtifactLookup, line: number): unknown {
  const path = body.trim() || fallback;
  const json = artifacts(path) ?? (existsSync(resolve(ROOT, path)) ? readFileSync(resolve(ROOT, path), "utf8") : null);
  if (json === null) {
    throw new FigureError(`line ${line}: figure ${figure} reads ${path}, which does not exist: a run block before it must run the command that writes it`);
  }
  try {
    return JSON.parse(json);
  } catch (e) {
    throw new FigureError(`line ${line}: ${path} is not JSON (${(e as Error).message})`);
  }
}

export const FIGURE_NAMES: readonly string[] = Object.keys(FIGURES);

/** The figure a fence stands for, or null for any other fence. */
export function figureOf(info: string, content: string, line: number): FigureDirective | null {
  const [kind, name, ...rest] = info.trim().split(/\s+/);
  if (kind !== "figure") return null;
  if (!name || rest.length > 0) throw new FigureError(`line ${line}: a figure fence is \`\`\`figure NAME, one of: ${FIGURE_NAMES.join(", ")}`);
  if (!(name in FIGURES)) throw new FigureError(`line ${line}: there is no figure '${name}' (known: ${FIGURE_NAMES.join(", ")})`);
  return { kind: "figure", line, name, body: content };
}

/** The figure as HTML: the drawing and its caption. */
export function renderFigure(f: FigureDirective, artifacts: ArtifactLookup): string {
  const { drawing, after = "" } = FIGURES[f.name]!.render(f.body, artifacts, f.line);
  return `<figure class="drawing" id="figure-${f.name}">${drawing}<figcaption>${FIGURES[f.name]!.caption}</figcaption>${after}</figure>`;
}
