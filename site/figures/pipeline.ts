// The compiler's pipeline, chapters 8 and 9: a Brainfuck program through parse, lower, (the passes,)
// code generation and a sealed page. The stages call the chapters' own functions on one small
// program at build time, so the sizes under each box are what the code makes of it; chapter 9's
// version lists the passes in DEFAULT_PIPELINE's order. Also the LIR of that program after each pass.
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { CodeBuffer } from "../../chapters/03-w-xor-x/code-buffer.ts";
import { lirToX86 } from "../../chapters/08-lir/codegen-x86.ts";
import { countOps, type Lir } from "../../chapters/08-lir/lir.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { print } from "../../chapters/08-lir/print.ts";
import { optToX86 } from "../../chapters/09-optimizer/codegen-opt.ts";
import { DEFAULT_PIPELINE, optimize } from "../../chapters/09-optimizer/optimize.ts";
import { diffLines } from "../playground/diff.ts";
import { PLACEHOLDER_IMPORTS } from "../playground/x86.ts";
import { rect, svg, text } from "../svg.ts";
import { arrow, box } from "./draw.ts";

/** The program both figures follow: a multiply loop, a scan and an output, small enough to print whole. */
export const SAMPLE = "+>>+[>+<-]<[<]>.";

interface Stage {
  readonly label: string;
  readonly sub: string;
  /** The function that makes the next stage from this one, written on the arrow. */
  readonly via?: string;
}

export function pipelineStages(withPasses: boolean): Stage[] {
  const program = parse(SAMPLE);
  const lir = lower(program);
  const stages: Stage[] = [
    { label: "source", sub: `${SAMPLE.length} characters`, via: `${parse.name}()` },
    { label: "Program", sub: `${program.length} commands`, via: `${lower.name}()` },
    { label: "LIR", sub: `${countOps(lir.ops)} ops`, via: withPasses ? `${optimize.name}()` : `${lirToX86.name}()` },
  ];
  let code: Uint8Array;
  if (withPasses) {
    const opt = optimize(lir);
    stages.push({ label: "optimized", sub: `${countOps(opt.lir.ops)} ops`, via: `${optToX86.name}()` });
    code = optToX86(opt.lir, PLACEHOLDER_IMPORTS).asm.finish();
  } else {
    code = lirToX86(lir, PLACEHOLDER_IMPORTS).asm.finish();
  }
  stages.push({ label: "x86-64", sub: `${code.length} bytes`, via: `${CodeBuffer.prototype.write.name}(), ${CodeBuffer.prototype.seal.name}()` });
  stages.push({ label: "sealed page", sub: "r-x: call it" });
  return stages;
}

export function pipelineSvg(withPasses: boolean): string {
  const stages = pipelineStages(withPasses);
  const W = 720;
  const n = stages.length;
  const gap = 34;
  const bw = (W - 20 - gap * (n - 1)) / n;
  const y = 34;
  const bh = 46;
  const parts: string[] = [text(W / 2, 16, `the stages, on ${SAMPLE}`, { class: "fig-mono fig-note", "text-anchor": "middle" })];
  stages.forEach((s, i) => {
    const x = 10 + i * (bw + gap);
    parts.push(box(x, y, bw, bh, s.label, { sub: s.sub, cls: i === n - 1 ? "fig-box-accent" : "fig-box" }));
    if (s.via) {
      parts.push(arrow(x + bw + 2, y + bh / 2, x + bw + gap - 2, y + bh / 2));
      // The function's name under the arrow, alternating rows so long names do not collide.
      parts.push(text(x + bw + gap / 2, y + bh + 18 + (i % 2) * 15, s.via, { class: "fig-mono fig-note", "text-anchor": "middle" }));
    }
  });
  let h = y + bh + 58;
  if (withPasses) {
    // The passes inside optimize(), in the order they run.
    const px = 40;
    const listY = h + 4;
    parts.push(text(px, listY, `the passes ${optimize.name}() runs, in order (DEFAULT_PIPELINE):`, { class: "fig-note" }));
    DEFAULT_PIPELINE.forEach((p, i) => {
      const col = i % 4;
      const row = Math.floor(i / 4);
      parts.push(text(px + col * 165, listY + 18 + row * 16, `${i + 1}. ${p}`, { class: "fig-mono" }));
    });
    h = listY + 18 + Math.ceil(DEFAULT_PIPELINE.length / 4) * 16 + 4;
  }
  const title =
    `The pipeline on the program ${SAMPLE}: ` + stages.map((s) => `${s.label} (${s.sub})${s.via ? `, then ${s.via}` : ""}`).join(", ") +
    (withPasses ? `. The passes, in order: ${DEFAULT_PIPELINE.join(", ")}.` : ".");
  return svg(W, h, title, parts.join(""), "figure-svg fig-pipeline");
}

interface PassStep {
  readonly pass: string;
  readonly ops: number;
  readonly lir: Lir;
  readonly changed: boolean;
}

/** The sample's LIR before the passes and after each one, with optimize()'s op counts. */
export function passSteps(source = SAMPLE): PassStep[] {
  let lir = lower(parse(source));
  const steps: PassStep[] = [{ pass: "lowered", ops: countOps(lir.ops), lir, changed: true }];
  for (const name of DEFAULT_PIPELINE) {
    const r = optimize(lir, { passes: [name] });
    steps.push({ pass: name, ops: r.stats[r.stats.length - 1]!.ops, lir: r.lir, changed: print(r.lir) !== print(lir) });
    lir = r.lir;
  }
  return steps;
}

export function passesSvg(): string {
  const steps = passSteps();
  const shown = steps.filter((s) => s.changed);
  const unchanged = steps.filter((s) => !s.changed).map((s) => s.pass);
  const W = 720;
  const perRow = 3;
  const pw = (W - 20 - 12 * (perRow - 1)) / perRow;
  const lineH = 14;
  const parts: string[] = [];
  let y = 10;
  let prevText: string | null = null;
  const panels = shown.map((s) => {
    const now = print(s.lir);
    const lines = prevText === null ? now.replace(/\n$/, "").split("\n").map((t) => ({ op: "same" as const, text: t })) : diffLines(prevText, now);
    prevText = now;
    return { s, lines };
  });
  for (let r = 0; r * perRow < panels.length; r++) {
    const row = panels.slice(r * perRow, r * perRow + perRow);
    const rowH = 30 + Math.max(...row.map((p) => p.lines.length)) * lineH + 8;
    row.forEach((p, i) => {
      const x = 10 + i * (pw + 12);
      parts.push(rect(x, y, pw, rowH, { rx: 4, class: "fig-panel" }));
      const label = p.s.pass === "lowered" ? `lowered (${p.s.ops} ops)` : `after ${p.s.pass} (${p.s.ops} ops)`;
      parts.push(text(x + 8, y + 18, label, { class: "fig-label" }));
      p.lines.forEach((l, k) => {
        const cls = l.op === "added" ? "fig-code fig-changed" : l.op === "removed" ? "fig-code fig-removed" : "fig-code";
        const mark = l.op === "added" ? "+ " : l.op === "removed" ? "- " : "  ";
        parts.push(text(x + 8, y + 36 + k * lineH, mark + l.text, { class: cls, "xml:space": "preserve" }));
      });
    });
    y += rowH + 12;
  }
  if (unchanged.length > 0) {
    parts.push(text(W / 2, y + 8, `no change to this program: ${unchanged.join(", ")}`, { class: "fig-note", "text-anchor": "middle" }));
    y += 20;
  }
  const title =
    `The LIR of ${SAMPLE} as lowered, then after each pass of the default pipeline that changes it (${shown.slice(1).map((s) => s.pass).join(", ")}), ` +
    `lines a pass added marked +, lines it removed marked -.` + (unchanged.length > 0 ? ` Unchanged by: ${unchanged.join(", ")}.` : "");
  return svg(W, y, title, parts.join(""), "figure-svg fig-passes");
}
