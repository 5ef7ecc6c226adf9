// Chapter 13's module, section by section: the sample program compiled by lirToWasm when the site is
// built, and read back with the chapter's own decoder, so the sections, their order, ids and sizes
// are the ones the backend writes.
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { optimize } from "../../chapters/09-optimizer/optimize.ts";
import { decodeModule, type DecodedModule } from "../../chapters/13-wasm-backend/decode.ts";
import { lirToWasm } from "../../chapters/13-wasm-backend/lir-to-wasm.ts";
import { HEADER, SECTION } from "../../chapters/13-wasm-backend/module.ts";
import { rect, svg, text } from "../svg.ts";
import { SAMPLE } from "./pipeline.ts";

export interface SectionRow {
  readonly id: number;
  readonly name: string;
  readonly bytes: number;
  readonly holds: string;
}

const SECTION_NAMES = new Map<number, string>(Object.entries(SECTION).map(([name, id]) => [id, name]));

/** The sections of the sample's module, in the order they are in the bytes. */
export function wasmSections(source = SAMPLE): { readonly total: number; readonly rows: SectionRow[] } {
  const { bytes } = lirToWasm(optimize(lower(parse(source))).lir);
  const m = decodeModule(bytes);
  const rows = m.sections.map((s) => {
    const kind = SECTION_NAMES.get(s.id) ?? `id ${s.id}`;
    return { id: s.id, name: s.id === SECTION.custom ? `custom "${s.name}"` : kind, bytes: s.end - s.start, holds: holds(kind, m) };
  });
  return { total: bytes.length, rows };
}

function holds(kind: string, m: DecodedModule): string {
  const list = (xs: readonly string[]) => xs.join(", ");
  switch (kind) {
    case "type":
      return list(m.types.map((t) => `(${t.params.join(", ")}) → ${t.results.length ? t.results.join(", ") : "()"}`));
    case "import":
      return list(m.imports.map((i) => `${i.module}.${i.name}`));
    case "function":
      return `${m.functions.length} function${m.functions.length === 1 ? "" : "s"}, by signature`;
    case "global":
      return `${m.globals.length} mutable globals: ${list(m.globals.map((g) => g.type))}`;
    case "export":
      return list(m.exports.map((e) => e.name));
    case "code":
      return `${m.functions.length} bodies: locals and instructions`;
    case "custom":
      return `names of ${m.functionNames.size} functions and their locals`;
    default:
      return "";
  }
}

export function wasmSectionsSvg(): string {
  const { total, rows } = wasmSections();
  const W = 720;
  const rowH = 34;
  const x = 20;
  const parts: string[] = [];
  parts.push(text(x + 44, 18, "id", { class: "fig-note", "text-anchor": "middle" }));
  parts.push(text(x + 100, 18, "section", { class: "fig-note" }));
  parts.push(text(x + 250, 18, "holds", { class: "fig-note" }));
  parts.push(text(W - 20, 18, "bytes", { class: "fig-note", "text-anchor": "end" }));
  let y = 28;
  const header = HEADER.map((b) => b.toString(16).padStart(2, "0")).join(" ");
  parts.push(rect(x, y, W - 2 * x, rowH - 4, { rx: 4, class: "fig-box fig-optional" }));
  parts.push(text(x + 100, y + 20, "header", { class: "fig-label" }));
  parts.push(text(x + 250, y + 20, `${header}   "\\0asm", version 1`, { class: "fig-mono" }));
  parts.push(text(W - 28, y + 20, String(HEADER.length), { class: "fig-mono", "text-anchor": "end" }));
  y += rowH;
  for (const r of rows) {
    parts.push(rect(x, y, W - 2 * x, rowH - 4, { rx: 4, class: r.id === SECTION.code ? "fig-box-accent" : "fig-box" }));
    parts.push(rect(x + 30, y + 5, 28, rowH - 14, { rx: 3, class: "fig-cell" }));
    parts.push(text(x + 44, y + 20, String(r.id), { class: "fig-mono fig-strong", "text-anchor": "middle" }));
    parts.push(text(x + 100, y + 20, r.name, { class: "fig-label" }));
    parts.push(text(x + 250, y + 20, r.holds.length > 52 ? `${r.holds.slice(0, 51)}…` : r.holds, { class: "fig-mono fig-note" }));
    parts.push(text(W - 28, y + 20, String(r.bytes), { class: "fig-mono", "text-anchor": "end" }));
    y += rowH;
  }
  parts.push(text(W - 28, y + 14, `${total} in all`, { class: "fig-mono fig-note", "text-anchor": "end" }));
  const title =
    `The WebAssembly module chapter 13 makes of ${SAMPLE}, in order: the 8-byte header, then ` +
    rows.map((r) => `section ${r.id} ${r.name} (${r.bytes} bytes: ${r.holds})`).join(", ") + `; ${total} bytes in all.`;
  return svg(W, y + 24, title, parts.join(""), "figure-svg fig-wasm-sections");
}
