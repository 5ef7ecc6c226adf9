// Chapter 12's fuel check, drawn from the code it makes: the template JIT compiles a small loop with
// Fuel at its hook when the site is built, and the picture shows that listing's loop test (the inline
// decrement and its branch), the out-of-line stub it branches to, and the context block fields the
// two read and write, named from FUEL_CTX and CTX by their offsets from the context register.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "../../shared/child.ts";
import { Asm } from "../../chapters/05-control-flow/labels.ts";
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { CONTEXT_SIZE, CTX, REG } from "../../chapters/07-template-jit/context.ts";
import { templateCode } from "../../chapters/07-template-jit/template-jit.ts";
import { Fuel, FUEL_CTX, FUEL_SLICE } from "../../chapters/12-hostile-programs/fuel.ts";
import { line, rect, svg, text } from "../svg.ts";
import { arrow } from "./draw.ts";

export class FuelFigureError extends Error {
  override name = "FuelFigureError";
}

/** The program compiled for the picture: one loop, whose `]` is the loop test drawn. */
export const FUEL_SAMPLE = "+[-]";

export interface CodeLine {
  /** An instruction's Intel text, or a label's name with its colon. */
  readonly text: string;
  readonly label: boolean;
  /** The context block field the instruction reads or writes, by name, if any. */
  readonly field: string | null;
}

/** Every context block field by offset: chapter 7's, then fuel's. */
function fieldsByOffset(): Map<number, string> {
  const out = new Map<number, string>();
  for (const [name, offset] of Object.entries(CTX)) out.set(offset, `CTX.${name}`);
  for (const [name, offset] of Object.entries(FUEL_CTX)) out.set(offset, `FUEL_CTX.${name}`);
  return out;
}

/** The fueled code of FUEL_SAMPLE, as the assembler lists it: the loop's body and test, and the test's stub. */
export function fuelListing(source = FUEL_SAMPLE): { readonly loop: CodeLine[]; readonly stub: CodeLine[] } {
  const a = new Asm();
  templateCode(parse(source), a, new Fuel(a));
  const fields = fieldsByOffset();
  const ctxOperand = new RegExp(`\\[${REG.ctx.name}\\+(\\d+)\\]`);
  const lines: CodeLine[] = a
    .toString()
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      if (/^\S+:$/.test(l)) return { text: l, label: true, field: null };
      // "0020  49 83 6e 68 01      sub qword ptr [r14+104], 1": offset, bytes, then the text.
      const text = /^[0-9a-f]{4}  (?:[0-9a-f]{2} )*[0-9a-f]{2}\s{2,}(.*)$/.exec(l)?.[1] ?? l;
      const m = ctxOperand.exec(text);
      return { text, label: false, field: m ? (fields.get(Number(m[1])) ?? null) : null };
    });
  const from = (label: string, until: (l: CodeLine, i: number) => boolean): CodeLine[] => {
    const start = lines.findIndex((l) => l.label && l.text === `${label}:`);
    if (start < 0) throw new FuelFigureError(`site/figures/fuel.ts: the fueled listing of ${source} has no label ${label}: update fuelListing to the code's new shape`);
    const end = lines.findIndex((l, i) => i > start && until(l, i));
    return lines.slice(start, end < 0 ? lines.length : end);
  };
  const loops = lines.filter((l) => l.label && /^loop_\d+:$/.test(l.text));
  const loopName = loops[loops.length - 1]?.text.slice(0, -1);
  if (loopName === undefined) throw new FuelFigureError(`site/figures/fuel.ts: the fueled listing of ${source} has no loop`);
  const loop = from(loopName, (l) => l.label && l.text.startsWith("end_"));
  const stubName = loop.find((l) => /^jb fuel_\d+$/.test(l.text))?.text.slice(3);
  if (stubName === undefined) throw new FuelFigureError(`site/figures/fuel.ts: the loop test of ${source} has no 'jb fuel_N' to its stub`);
  const stub = from(stubName, (l) => l.label);
  return { loop, stub };
}

/** Each fuel field's role, from the "in:", "out:", "in/out:" or "scratch:" doc comment above it in fuel.ts. */
export function fuelRoles(source = readFileSync(resolve(ROOT, "chapters/12-hostile-programs/fuel.ts"), "utf8")): Map<string, string> {
  const roles = new Map<string, string>();
  const start = source.indexOf("export const FUEL_CTX");
  const body = source.slice(start, source.indexOf("} as const", start));
  let role = "";
  for (const l of body.split("\n")) {
    const doc = /\/\*\*\s*(in\/out|in|out|scratch):/.exec(l);
    if (doc) role = doc[1]!;
    const field = /^\s*(\w+):\s*CONTEXT_SIZE/.exec(l);
    if (field) roles.set(field[1]!, role);
  }
  return roles;
}

export function fuelCheckSvg(): string {
  const { loop, stub } = fuelListing();
  const W = 720;
  const lh = 17;
  const parts: string[] = [];
  const panel = (x: number, w: number, title: string, code: readonly CodeLine[], top: number): Map<string, number> => {
    const ys = new Map<string, number>();
    parts.push(text(x, top - 8, title, { class: "fig-label" }));
    parts.push(rect(x, top, w, code.length * lh + 12, { rx: 4, class: "fig-panel" }));
    code.forEach((l, i) => {
      const y = top + 18 + i * lh;
      ys.set(l.text, y);
      const fuel = l.field?.startsWith("FUEL_CTX.") || /fuel_\d+|refuel|halt/.test(l.text);
      parts.push(text(x + (l.label ? 8 : 22), y, l.text, { class: `fig-code${fuel ? " fig-accent" : ""}` }));
      if (l.field) parts.push(text(x + w - 8, y, l.field, { class: "fig-note", "text-anchor": "end" }));
    });
    return ys;
  };
  const top = 30;
  const left = panel(10, 370, `the loop test of "${FUEL_SAMPLE}" (the ] of its loop), inline`, loop, top);
  const right = panel(410, 300, "its stub, out of line", stub, top);
  // The branch out when the slice is spent, and the way back when refuel hands out another.
  const jb = [...left.entries()].find(([t]) => t.startsWith("jb fuel_"));
  if (jb) parts.push(arrow(383, jb[1] - 4, 408, top + 14, "fig-edge-accent"));
  const jz = [...right.entries()].find(([t]) => t.startsWith("jz fuel_"));
  const resume = [...left.entries()].find(([t]) => /^fuel_\d+_resume:$/.test(t));
  if (jz && resume) parts.push(arrow(408, jz[1] - 4, 383, resume[1] - 4));

  // The fields fuel adds after chapter 7's context block.
  const roles = fuelRoles();
  const fields = Object.entries(FUEL_CTX).sort((a, b) => a[1] - b[1]);
  let y = top + Math.max(loop.length, stub.length) * lh + 44;
  parts.push(text(10, y, `the context block, from CONTEXT_SIZE (${CONTEXT_SIZE}) on: the fields fuel adds to chapter 7's`, { class: "fig-label" }));
  y += 10;
  const bw = (W - 20) / fields.length;
  const used = new Set([...loop, ...stub].map((l) => l.field));
  fields.forEach(([name, offset], i) => {
    const x = 10 + i * bw;
    const hot = used.has(`FUEL_CTX.${name}`);
    parts.push(rect(x, y, bw - 6, 42, { rx: 3, class: hot ? "fig-box-accent" : "fig-box" }));
    parts.push(text(x + (bw - 6) / 2, y + 17, name, { class: "fig-mono fig-strong", "text-anchor": "middle" }));
    parts.push(text(x + (bw - 6) / 2, y + 33, `+${offset}  ${roles.get(name) ?? ""}`, { class: "fig-note", "text-anchor": "middle" }));
  });
  y += 62;
  parts.push(line(10, y - 12, W - 10, y - 12, { class: "fig-grid" }));
  parts.push(text(10, y, `refuel runs once a slice (${FUEL_SLICE.toLocaleString("en-US")} loop tests): a new slice from the reserve, and the clock against the deadline.`, { class: "fig-note" }));
  const title =
    `Fuel at a loop test, from the template JIT's code for ${FUEL_SAMPLE}: ` +
    loop.filter((l) => !l.label).map((l) => l.text).join("; ") +
    `. When the subtraction borrows, the code branches out of line to its stub: ` +
    stub.filter((l) => !l.label).map((l) => l.text).join("; ") +
    `. The fields fuel adds to the context block: ${fields.map(([n, o]) => `${n} at ${o}`).join(", ")}.`;
  return svg(W, y + 10, title, parts.join(""), "figure-svg fig-fuel-check");
}
