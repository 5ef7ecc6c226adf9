// The figure chapter 4 points at: the layout of an x86-64 instruction, the bit fields of REX, ModRM
// and SIB, and which REX bit extends which field, drawn on one real instruction so every bit can be
// checked: add rax, qword [rbx + rcx*8 + 0x10] = 48 03 44 cb 10.
import { gpr } from "../chapters/04-encoder/registers.ts";
import { line, path, rect, svg, text } from "./svg.ts";

/** The instruction the figure takes apart, with its bytes. */
export const EXAMPLE = { asm: "add rax, qword [rbx + rcx*8 + 0x10]", bytes: [0x48, 0x03, 0x44, 0xcb, 0x10] } as const;

interface Field {
  readonly name: string;
  readonly bits: number;
  /** What this field holds in the example, shown under it. */
  readonly meaning: string;
  /** Class suffix: fields a REX bit extends share a colour with that bit. */
  readonly tone?: "r" | "x" | "b";
}

interface Byte {
  readonly name: string;
  readonly value: number;
  readonly fields: readonly Field[];
}

// What the register fields name: the REX bit on top of the three bits below, looked up in chapter 4's
// register table, so the labels are the encoder's own names.
const [rexByte, , modrmByte, sibByte] = EXAMPLE.bytes;
const regName = (rexBit: number, low3: number) => gpr(64, (((rexByte >> rexBit) & 1) << 3) | (low3 & 7)).name;

const REX: Byte = {
  name: "REX",
  value: EXAMPLE.bytes[0],
  fields: [
    { name: "0100", bits: 4, meaning: "fixed" },
    { name: "W", bits: 1, meaning: "64-bit" },
    { name: "R", bits: 1, meaning: "", tone: "r" },
    { name: "X", bits: 1, meaning: "", tone: "x" },
    { name: "B", bits: 1, meaning: "", tone: "b" },
  ],
};
const MODRM: Byte = {
  name: "ModRM",
  value: EXAMPLE.bytes[2],
  fields: [
    { name: "mod", bits: 2, meaning: "disp8" },
    { name: "reg", bits: 3, meaning: regName(2, modrmByte >> 3), tone: "r" },
    { name: "r/m", bits: 3, meaning: "SIB follows" },
  ],
};
const SIB: Byte = {
  name: "SIB",
  value: EXAMPLE.bytes[3],
  fields: [
    { name: "scale", bits: 2, meaning: `×${1 << (sibByte >> 6)}` },
    { name: "index", bits: 3, meaning: regName(1, sibByte >> 3), tone: "x" },
    { name: "base", bits: 3, meaning: regName(0, sibByte), tone: "b" },
  ],
};

const LAYOUT: readonly { name: string; size: string; example: string; width: number }[] = [
  { name: "prefixes", size: "0–4 bytes", example: "–", width: 92 },
  { name: "REX", size: "0–1", example: "48", width: 78 },
  { name: "opcode", size: "1–3", example: "03", width: 92 },
  { name: "ModRM", size: "0–1", example: "44", width: 78 },
  { name: "SIB", size: "0–1", example: "cb", width: 78 },
  { name: "displacement", size: "0, 1, 2 or 4", example: "10", width: 124 },
  { name: "immediate", size: "0, 1, 2, 4 or 8", example: "–", width: 124 },
];

const CELL = 26;
const W = 760;

/** The figure as an inline SVG element. */
export function rexModrmSibSvg(): string {
  const parts: string[] = [];
  // Row 1: the instruction's parts, with the example's bytes.
  const gap = 6;
  const total = LAYOUT.reduce((s, p) => s + p.width, 0) + gap * (LAYOUT.length - 1);
  let x = (W - total) / 2;
  const boxAt = new Map<string, { x: number; w: number }>();
  for (const p of LAYOUT) {
    const optional = p.name !== "opcode";
    parts.push(rect(x, 34, p.width, 44, { rx: 5, class: optional ? "fig-box fig-optional" : "fig-box" }));
    parts.push(text(x + p.width / 2, 52, p.name, { class: "fig-label", "text-anchor": "middle" }));
    parts.push(text(x + p.width / 2, 70, p.example, { class: "fig-mono fig-strong", "text-anchor": "middle" }));
    parts.push(text(x + p.width / 2, 94, p.size, { class: "fig-note", "text-anchor": "middle" }));
    boxAt.set(p.name, { x, w: p.width });
    x += p.width + gap;
  }
  parts.push(text(W / 2, 18, `${EXAMPLE.asm}   =   ${hex(EXAMPLE.bytes)}`, { class: "fig-mono fig-title", "text-anchor": "middle" }));

  // Row 2: REX, ModRM and SIB taken apart bit by bit.
  const bytes = [REX, MODRM, SIB];
  const byteWidth = 8 * CELL;
  const spacing = (W - 3 * byteWidth) / 4;
  const top = 150;
  const cellsOf = new Map<string, { x: number; w: number }>();
  bytes.forEach((b, i) => {
    const bx = spacing + i * (byteWidth + spacing);
    const from = boxAt.get(b.name)!;
    // The zoom lines from the byte in row 1 to its bits in row 2.
    parts.push(line(from.x, 100, bx, top - 42, { class: "fig-zoom" }));
    parts.push(line(from.x + from.w, 100, bx + byteWidth, top - 42, { class: "fig-zoom" }));
    parts.push(text(bx + byteWidth / 2, top - 28, `${b.name} = ${hex([b.value])}`, { class: "fig-label", "text-anchor": "middle" }));
    let bit = 7;
    let fx = bx;
    for (const f of b.fields) {
      const fw = f.bits * CELL;
      const tone = f.tone ? ` fig-tone-${f.tone}` : "";
      parts.push(text(fx + fw / 2, top - 6, f.name === "0100" ? "" : f.name, { class: `fig-field${tone}`, "text-anchor": "middle" }));
      for (let k = 0; k < f.bits; k++, bit--) {
        parts.push(rect(fx + k * CELL, top, CELL, CELL, { class: `fig-cell${tone}` }));
        parts.push(text(fx + k * CELL + CELL / 2, top + 18, String((b.value >> bit) & 1), { class: "fig-mono", "text-anchor": "middle" }));
      }
      if (f.meaning) parts.push(text(fx + fw / 2, top + CELL + 16, f.meaning, { class: "fig-note", "text-anchor": "middle" }));
      cellsOf.set(`${b.name}.${f.name}`, { x: fx, w: fw });
      fx += fw;
    }
    parts.push(rect(bx, top, byteWidth, CELL, { class: "fig-outline" }));
  });

  // Row 3: each REX bit is the fourth, high bit of a register number in ModRM or SIB.
  const arcs: [string, string, string, number][] = [
    ["REX.R", "ModRM.reg", "R extends ModRM.reg", 1],
    ["REX.X", "SIB.index", "X extends SIB.index", 2],
    ["REX.B", "SIB.base", "B extends SIB.base (or ModRM.r/m when there is no SIB)", 3],
  ];
  for (const [fromName, toName, label, depth] of arcs) {
    const from = cellsOf.get(fromName)!;
    const to = cellsOf.get(toName)!;
    const tone = fromName.slice(-1).toLowerCase();
    const x1 = from.x + from.w / 2;
    const x2 = to.x + to.w / 2;
    const y0 = top + CELL + 24;
    const y = y0 + depth * 22;
    parts.push(path(`M ${x1} ${top + CELL} V ${y} H ${x2} V ${y0}`, { class: `fig-arc fig-tone-${tone}` }));
    parts.push(path(`M ${x2 - 4} ${y0 + 7} L ${x2} ${y0} L ${x2 + 4} ${y0 + 7}`, { class: `fig-arc fig-tone-${tone}` }));
    parts.push(text(x1 + 6, y - 5, label, { class: `fig-note fig-tone-${tone}` }));
  }
  const height = top + CELL + 24 + 3 * 22 + 14;
  return svg(W, height, `Layout of an x86-64 instruction with the REX, ModRM and SIB bit fields, for ${EXAMPLE.asm}`, parts.join(""), "figure-svg fig-rex");
}

const hex = (bytes: readonly number[]) => bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
