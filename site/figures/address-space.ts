// Chapter 1's pictures: where its pages land in the address space /proc/self/maps describes, and
// what each of the demo's calls does to the permissions of its two pages. The permission letters come
// from chapter 1's PROT constants through the same protString the trace uses, so they say what the
// code asks for.
import { PROT } from "../../chapters/01-pages/pages.ts";
import { protString } from "../../shared/trace.ts";
import { rect, svg, text } from "../svg.ts";
import { arrow } from "./draw.ts";

interface Region {
  readonly name: string;
  readonly prot: number;
  /** What the path column of /proc/self/maps shows. */
  readonly path: string;
  /** The chapter's own allocation in this region, drawn in the accent colour. */
  readonly ours?: { readonly call: string; readonly prot: number };
  readonly height: number;
}

const RW = PROT.READ | PROT.WRITE;
const RX = PROT.READ | PROT.EXEC;

/** High addresses first, as the picture is drawn; /proc/self/maps lists them the other way round. */
export const REGIONS: readonly Region[] = [
  { name: "stack", prot: RW, path: "[stack]", height: 46 },
  { name: "(unmapped)", prot: PROT.NONE, path: "", height: 26 },
  { name: "libc, ld.so", prot: RX, path: "/usr/lib/…/libc.so.6", height: 40 },
  {
    name: "anonymous mappings",
    prot: RW,
    path: "",
    ours: { call: "mapPages(2 pages, PROT.READ | PROT.WRITE)", prot: RW },
    height: 64,
  },
  { name: "(unmapped)", prot: PROT.NONE, path: "", height: 26 },
  { name: "heap", prot: RW, path: "[heap]", ours: { call: "allocAligned(2 pages, page size)", prot: RW }, height: 64 },
  { name: "program data", prot: RW, path: "/…/bun", height: 30 },
  { name: "program text", prot: RX, path: "/…/bun", height: 40 },
];

/** The letters /proc/self/maps shows for a private mapping with this protection. */
export const mapsPerms = (prot: number, shared = false) => protString(prot) + (shared ? "s" : "p");

export function addressSpaceSvg(): string {
  const W = 700;
  const colX = 170;
  const colW = 180;
  const permsX = colX + colW + 16;
  const pathX = permsX + 50;
  const parts: string[] = [];
  let y = 34;
  parts.push(text(colX + colW / 2, 18, "high addresses", { class: "fig-note", "text-anchor": "middle" }));
  parts.push(text(permsX, 18, "perms", { class: "fig-note" }));
  parts.push(text(pathX, 18, "path", { class: "fig-note" }));
  for (const r of REGIONS) {
    if (r.prot === PROT.NONE) {
      parts.push(rect(colX, y, colW, r.height, { class: "fig-gap" }));
      parts.push(text(colX + colW / 2, y + r.height / 2 + 4, "not mapped", { class: "fig-note", "text-anchor": "middle" }));
      y += r.height;
      continue;
    }
    parts.push(rect(colX, y, colW, r.height, { class: "fig-box" }));
    parts.push(text(colX - 10, y + r.height / 2 + 4, r.name, { class: "fig-label", "text-anchor": "end" }));
    const mid = y + r.height / 2 + 4;
    const shift = r.ours ? -8 : 0;
    parts.push(text(permsX, mid + shift, mapsPerms(r.prot), { class: "fig-mono" }));
    parts.push(text(pathX, mid + shift, r.path === "" ? "(anonymous)" : r.path, { class: "fig-mono fig-note" }));
    if (r.ours) {
      const oy = y + 12;
      const oh = r.height - 24;
      parts.push(rect(colX + 30, oy, colW - 60, oh, { rx: 3, class: "fig-box-accent" }));
      parts.push(text(colX + colW / 2, oy + oh / 2 + 4, `2 pages, ${mapsPerms(r.ours.prot)}`, { class: "fig-mono", "text-anchor": "middle" }));
      parts.push(arrow(permsX - 4, mid + 10, colX + colW - 28, mid + 6, "fig-edge-accent"));
      parts.push(text(permsX, mid + 14, r.ours.call, { class: "fig-mono fig-accent" }));
    }
    y += r.height;
  }
  parts.push(text(colX + colW / 2, y + 18, "low addresses", { class: "fig-note", "text-anchor": "middle" }));
  const title =
    "The address space of a process as /proc/self/maps lists it: program text and data, the heap, anonymous mappings, " +
    "shared libraries and the stack, with the two pages chapter 1 gets from posix_memalign (inside the heap) and from mmap (a mapping of their own).";
  return svg(W, y + 30, title, parts.join(""), "figure-svg fig-address-space");
}

interface Step {
  readonly call: string;
  /** null: the pages are gone. */
  readonly prot: number | null;
}

/** The demo's calls on its two mmap'd pages, in order (chapters/01-pages/main.ts). */
export const PERMISSION_STEPS: readonly Step[] = [
  { call: "mapPages(2 pages, PROT.READ | PROT.WRITE)", prot: PROT.READ | PROT.WRITE },
  { call: "protect(…, PROT.READ)", prot: PROT.READ },
  { call: "protect(…, PROT.READ | PROT.EXEC)", prot: PROT.READ | PROT.EXEC },
  { call: "unmapPages(…)", prot: null },
];

/** The three x86-64 page-table bits a protection becomes: present, writable, no-execute. */
export function pageTableBits(prot: number): { readonly P: boolean; readonly RW: boolean; readonly NX: boolean } {
  return { P: prot !== PROT.NONE, RW: (prot & PROT.WRITE) !== 0, NX: (prot & PROT.EXEC) === 0 };
}

export function pagePermissionsSvg(): string {
  const W = 700;
  const rowH = 46;
  const top = 44;
  const parts: string[] = [];
  const cols = { call: 10, pages: 330, maps: 490, pte: 550 };
  parts.push(text(cols.call, 20, "the demo calls", { class: "fig-note" }));
  parts.push(text(cols.pages + 30, 20, "page 0", { class: "fig-note", "text-anchor": "middle" }));
  parts.push(text(cols.pages + 100, 20, "page 1", { class: "fig-note", "text-anchor": "middle" }));
  ["r", "w", "x"].forEach((b, k) => {
    for (const p of [0, 1]) parts.push(text(cols.pages + p * 70 + k * 20 + 10, 36, b, { class: "fig-note", "text-anchor": "middle" }));
  });
  parts.push(text(cols.maps, 20, "maps", { class: "fig-note" }));
  parts.push(text(cols.pte, 20, "page-table bits", { class: "fig-note" }));
  const pteNames = ["P", "R/W", "NX"] as const;
  pteNames.forEach((n, i) => parts.push(text(cols.pte + 18 + i * 40, 36, n, { class: "fig-field", "text-anchor": "middle" })));
  PERMISSION_STEPS.forEach((s, i) => {
    const y = top + i * rowH;
    parts.push(text(cols.call, y + 22, s.call, { class: "fig-mono" }));
    for (let p = 0; p < 2; p++) {
      const px = cols.pages + p * 70;
      if (s.prot === null) {
        parts.push(rect(px, y + 4, 60, 28, { class: "fig-gap" }));
        continue;
      }
      // One cell per permission bit, lit when the protection has it.
      (["READ", "WRITE", "EXEC"] as const).forEach((bit, k) => {
        const on = (s.prot! & PROT[bit]) !== 0;
        parts.push(rect(px + k * 20, y + 4, 20, 28, { class: on ? "fig-bit-on" : "fig-bit-off" }));
        parts.push(text(px + k * 20 + 10, y + 23, on ? "rwx"[k]! : "-", { class: on ? "fig-mono fig-strong" : "fig-mono fig-bit-off", "text-anchor": "middle" }));
      });
    }
    parts.push(text(cols.maps, y + 22, s.prot === null ? "(none)" : mapsPerms(s.prot), { class: "fig-mono" }));
    if (s.prot === null) {
      parts.push(text(cols.pte + 4, y + 22, "no entry: a touch faults", { class: "fig-note" }));
      return;
    }
    const bits = pageTableBits(s.prot);
    pteNames.forEach((n, k) => {
      const on = bits[n === "R/W" ? "RW" : n];
      parts.push(rect(cols.pte + 4 + k * 40, y + 4, 28, 28, { class: on ? "fig-bit-on" : "fig-bit-off" }));
      parts.push(text(cols.pte + 18 + k * 40, y + 23, on ? "1" : "0", { class: on ? "fig-mono fig-strong" : "fig-mono fig-bit-off", "text-anchor": "middle" }));
    });
  });
  const h = top + PERMISSION_STEPS.length * rowH + 4;
  const title =
    "The permissions of the demo's two pages after each call: the PROT bits asked for, the letters /proc/self/maps shows, " +
    "and the x86-64 page-table bits they become (present, writable, no-execute). Every page of a mapping gets the same bits.";
  return svg(W, h, title, parts.join(""), "figure-svg fig-page-permissions");
}
