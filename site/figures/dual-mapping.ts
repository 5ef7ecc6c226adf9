// Chapter 3's dual mapping: one memfd, two virtual views of the same physical pages. The view's
// protections are the ones DualMapping.create asks chapter 1's mapPages for, and the method names
// are taken from the class, so a rename shows up here.
import { PROT } from "../../chapters/01-pages/pages.ts";
import { DualMapping, MFD, memfdFlagNames } from "../../chapters/03-w-xor-x/dual-mapping.ts";
import { line, rect, svg, text } from "../svg.ts";
import { mapsPerms } from "./address-space.ts";
import { arrow } from "./draw.ts";

/** The two views: what each allows, and what a caller does through it. */
export const VIEWS = [
  { name: "writeAddress", prot: PROT.READ | PROT.WRITE, use: `${DualMapping.prototype.write.name}(bytes): the code is written here` },
  { name: "execAddress", prot: PROT.READ | PROT.EXEC, use: `${DualMapping.prototype.fn.name}(signature): the code runs from here` },
] as const;

const PAGES = 3;

export function dualMappingSvg(): string {
  const W = 700;
  const pageW = 64;
  const viewW = PAGES * pageW;
  const parts: string[] = [];
  const viewY = 48;
  const physY = 236;
  const physX = (W - viewW) / 2;
  const viewXs = [40, W - 40 - viewW];
  VIEWS.forEach((v, i) => {
    const x = viewXs[i]!;
    parts.push(text(x + viewW / 2, 18, `${v.name}   ${mapsPerms(v.prot, true)}`, { class: "fig-mono fig-strong", "text-anchor": "middle" }));
    parts.push(text(x + viewW / 2, 36, v.use, { class: "fig-note", "text-anchor": "middle" }));
    for (let p = 0; p < PAGES; p++) {
      const tone = v.prot & PROT.WRITE ? "fig-cell fig-tone-r" : "fig-cell fig-tone-b";
      parts.push(rect(x + p * pageW, viewY, pageW, 40, { class: tone }));
      parts.push(text(x + p * pageW + pageW / 2, viewY + 25, `page ${p}`, { class: "fig-note", "text-anchor": "middle" }));
      // Each virtual page is backed by the same physical page as its twin in the other view.
      parts.push(arrow(x + p * pageW + pageW / 2, viewY + 42, physX + p * pageW + pageW / 2, physY - 4, `fig-arc fig-tone-${v.prot & PROT.WRITE ? "r" : "b"}`));
    }
    parts.push(rect(x, viewY, viewW, 40, { class: "fig-outline" }));
  });
  for (let p = 0; p < PAGES; p++) {
    parts.push(rect(physX + p * pageW, physY, pageW, 40, { class: "fig-box" }));
    parts.push(text(physX + p * pageW + pageW / 2, physY + 25, `page ${p}`, { class: "fig-note", "text-anchor": "middle" }));
  }
  parts.push(rect(physX, physY, viewW, 40, { class: "fig-outline" }));
  parts.push(text(W / 2, physY + 62, "physical pages: one memfd, mapped MAP_SHARED twice", { class: "fig-label", "text-anchor": "middle" }));
  parts.push(text(W / 2, physY + 80, `memfd_create(…, ${memfdFlagNames(MFD.CLOEXEC | MFD.NOEXEC_SEAL)})`, { class: "fig-mono fig-note", "text-anchor": "middle" }));
  parts.push(line(20, physY - 26, W - 20, physY - 26, { class: "fig-zoom" }));
  parts.push(text(20, physY - 32, "virtual addresses", { class: "fig-note" }));
  parts.push(text(20, physY - 12, "memory", { class: "fig-note" }));
  const title =
    "The dual mapping: one memfd's physical pages mapped twice, a writable view at writeAddress (rw-s) and an executable view " +
    "at execAddress (r-xs). A byte written through one is at once visible through the other; no address is writable and executable.";
  return svg(W, physY + 92, title, parts.join(""), "figure-svg fig-dual-mapping");
}
