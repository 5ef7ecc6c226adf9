// Chapter 7's runtime contract, drawn from context.ts: the registers the generated code keeps its
// state in (REG), the tape they point into, and the context block with every field at its offset
// (CTX), whatever fields the module exports when the site is built. Whether a field is written by the
// host, by the code or by both is read from the "in:" / "out:" comments above it in context.ts.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "../../shared/child.ts";
import { CONTEXT_SIZE, CTX, REG } from "../../chapters/07-template-jit/context.ts";
import { rect, svg, text } from "../svg.ts";
import { elbow } from "./draw.ts";

export type Role = "in" | "out" | "in/out" | "scratch" | "";

/** The context block's fields in offset order. */
export function contextFields(): { readonly name: string; readonly offset: number }[] {
  return Object.entries(CTX)
    .map(([name, offset]) => ({ name, offset }))
    .sort((a, b) => a.offset - b.offset);
}

/**
 * Each field's role, from the doc comment above it (a field without one shares the previous one's,
 * as inFd shares outFd's). Unknown when the comment does not start with a role.
 */
export function fieldRoles(source = readFileSync(resolve(ROOT, "chapters/07-template-jit/context.ts"), "utf8")): Map<string, Role> {
  const roles = new Map<string, Role>();
  const start = source.indexOf("export const CTX");
  const end = source.indexOf("} as const", start);
  if (start < 0 || end < 0) return roles;
  let role: Role = "";
  for (const l of source.slice(start, end).split("\n")) {
    const doc = /\/\*\*\s*(in\/out|in|out|scratch):/.exec(l);
    // "in: ... out: ..." is a field both sides write.
    if (doc) role = doc[1] === "in" && /\bout:/.test(l) ? "in/out" : (doc[1] as Role);
    else if (/\/\*\*/.test(l)) role = "";
    const field = /^\s*(\w+):\s*\d+,/.exec(l);
    if (field) roles.set(field[1]!, role);
  }
  return roles;
}

const TONE: Record<Role, string> = { in: "b", out: "r", "in/out": "x", scratch: "", "": "" };

/** A displacement from r14 takes one byte up to 127, four beyond: the fields the code uses most come first. */
const disp8 = (offset: number) => offset + 7 <= 127;

export function contextBlockSvg(): string {
  const W = 720;
  const parts: string[] = [];
  const roles = fieldRoles();
  const fields = contextFields();

  // The context block, one 8-byte row per field.
  const cx = 500;
  const cw = 160;
  const rowH = 19;
  const top = 44;
  parts.push(text(cx + cw / 2, 18, `context block (${CONTEXT_SIZE} bytes)`, { class: "fig-label", "text-anchor": "middle" }));
  parts.push(text(cx - 8, 36, "offset", { class: "fig-note", "text-anchor": "end" }));
  let crossed = false;
  fields.forEach((f, i) => {
    const y = top + i * rowH;
    if (!crossed && !disp8(f.offset)) {
      crossed = true;
      parts.push(text(cx + cw + 6, y + 4, "disp32", { class: "fig-note fig-accent" }));
      parts.push(rect(cx - 2, y - 1, cw + 4, 2, { class: "fig-box-accent" }));
    }
    const tone = TONE[roles.get(f.name) ?? ""];
    parts.push(rect(cx, y, cw, rowH, { class: tone ? `fig-cell fig-tone-${tone}` : "fig-cell" }));
    parts.push(text(cx - 8, y + 14, String(f.offset), { class: "fig-mono fig-note", "text-anchor": "end" }));
    parts.push(text(cx + 8, y + 14, f.name, { class: "fig-mono" }));
    const role = roles.get(f.name);
    if (role) parts.push(text(cx + cw - 6, y + 14, role, { class: `fig-note${tone ? ` fig-tone-${tone}` : ""}`, "text-anchor": "end" }));
  });
  const bottom = top + fields.length * rowH;
  parts.push(rect(cx, top, cw, fields.length * rowH, { class: "fig-outline" }));
  parts.push(text(cx + cw / 2, bottom + 18, "in: the host writes it · out: the code does", { class: "fig-note", "text-anchor": "middle" }));

  // The registers, from REG.
  const rx = 20;
  const rw = 128;
  const regs = Object.entries(REG) as [keyof typeof REG, (typeof REG)[keyof typeof REG]][];
  const regY = new Map<string, number>();
  parts.push(text(rx + rw / 2, 18, "registers (REG)", { class: "fig-label", "text-anchor": "middle" }));
  regs.forEach(([key, reg], i) => {
    const y = 44 + i * 56;
    regY.set(key, y + 16);
    parts.push(rect(rx, y, rw, 32, { rx: 4, class: "fig-box" }));
    parts.push(text(rx + 12, y + 21, reg.name, { class: "fig-mono fig-strong" }));
    parts.push(text(rx + rw - 10, y + 21, `REG.${key}`, { class: "fig-mono fig-note", "text-anchor": "end" }));
  });

  // The tape between its guard pages, and the output buffer.
  const tx = 200;
  const tw = 250;
  const ty = 76;
  const cells = 8;
  const cellW = (tw - 2 * 34) / cells;
  parts.push(text(tx + tw / 2, 18, "tape", { class: "fig-label", "text-anchor": "middle" }));
  parts.push(rect(tx, ty, 34, 30, { class: "fig-gap" }));
  parts.push(text(tx + 17, ty + 19, "guard", { class: "fig-note", "text-anchor": "middle" }));
  parts.push(rect(tx + tw - 34, ty, 34, 30, { class: "fig-gap" }));
  parts.push(text(tx + tw - 17, ty + 19, "guard", { class: "fig-note", "text-anchor": "middle" }));
  const current = 3;
  for (let c = 0; c < cells; c++) {
    parts.push(rect(tx + 34 + c * cellW, ty, cellW, 30, { class: c === current ? "fig-box-accent" : "fig-cell" }));
  }
  parts.push(rect(tx + 34, ty, tw - 68, 30, { class: "fig-outline" }));
  parts.push(text(tx + 34 + cellW / 2, ty - 6, "0", { class: "fig-mono fig-note", "text-anchor": "middle" }));
  parts.push(text(tx + 34 + current * cellW + cellW / 2, ty + 44, `${REG.tape.name} + ${REG.cell.name}`, { class: "fig-mono fig-accent", "text-anchor": "middle" }));
  parts.push(text(tx + tw - 34 - cellW / 2, ty - 6, `${REG.size.name} − 1`, { class: "fig-mono fig-note", "text-anchor": "middle" }));

  const by = 300;
  const bw = 200;
  parts.push(text(tx + bw / 2 + 25, by + 60, "output buffer", { class: "fig-label", "text-anchor": "middle" }));
  const used = 5;
  for (let c = 0; c < 10; c++) parts.push(rect(tx + 25 + (c * bw) / 10, by, bw / 10, 26, { class: c < used ? "fig-cell fig-tone-x" : "fig-cell" }));
  parts.push(rect(tx + 25, by, bw, 26, { class: "fig-outline" }));
  parts.push(text(tx + 25, by + 42, "outBuffer", { class: "fig-mono fig-note" }));
  parts.push(text(tx + 25 + bw, by + 42, "outEnd", { class: "fig-mono fig-note", "text-anchor": "end" }));

  // Where each register points.
  const at = (k: keyof typeof REG) => regY.get(k)!;
  parts.push(elbow([[rx + rw, at("tape")], [tx + 34, at("tape")], [tx + 34, ty + 30]], "fig-edge"));
  parts.push(elbow([[rx + rw, at("cell")], [tx + 34 + current * cellW + cellW / 2, at("cell")], [tx + 34 + current * cellW + cellW / 2, ty + 30]], "fig-edge-accent"));
  parts.push(elbow([[rx + rw, at("size")], [tx + tw - 34 - cellW / 2, at("size")], [tx + tw - 34 - cellW / 2, ty + 30]], "fig-edge"));
  parts.push(elbow([[rx + rw, at("ctx")], [cx - 44, at("ctx")], [cx - 44, top + 2], [cx, top + 2]], "fig-edge"));
  parts.push(elbow([[rx + rw, at("out")], [tx + 25 + (used * bw) / 10, at("out")], [tx + 25 + (used * bw) / 10, by - 2]], "fig-edge"));
  const title =
    `Chapter 7's runtime: the registers ${regs.map(([k, r]) => `${r.name} (${k})`).join(", ")}, the tape they point into, ` +
    `the output buffer, and the context block's fields at their offsets: ${fields.map((f) => `${f.name} at ${f.offset}`).join(", ")}.`;
  return svg(W, Math.max(bottom + 30, by + 70), title, parts.join(""), "figure-svg fig-context-block");
}
