// Small drawing pieces the chapter figures share: a labelled box, an arrow, a brace of text lines.
// Every colour is a class from site/assets/style.css, so the figures follow dark mode and print.
import { path, rect, text } from "../svg.ts";

/** A box with up to two lines of text centred in it. */
export function box(x: number, y: number, w: number, h: number, label: string, opts: { sub?: string; cls?: string; labelCls?: string } = {}): string {
  const cy = y + h / 2;
  const parts = [rect(x, y, w, h, { rx: 4, class: opts.cls ?? "fig-box" })];
  if (opts.sub) {
    parts.push(text(x + w / 2, cy - 3, label, { class: opts.labelCls ?? "fig-label", "text-anchor": "middle" }));
    parts.push(text(x + w / 2, cy + 12, opts.sub, { class: "fig-note", "text-anchor": "middle" }));
  } else {
    parts.push(text(x + w / 2, cy + 4, label, { class: opts.labelCls ?? "fig-label", "text-anchor": "middle" }));
  }
  return parts.join("");
}

/** A straight arrow from (x1, y1) to (x2, y2), its head at the end. */
export function arrow(x1: number, y1: number, x2: number, y2: number, cls = "fig-edge"): string {
  const a = Math.atan2(y2 - y1, x2 - x1);
  const head = (da: number) => `${x2 - 7 * Math.cos(a + da)} ${y2 - 7 * Math.sin(a + da)}`;
  return path(`M ${x1} ${y1} L ${x2} ${y2}`, { class: cls }) + path(`M ${head(0.45)} L ${x2} ${y2} L ${head(-0.45)}`, { class: cls });
}

/** An arrow along a polyline of points, its head at the last one. */
export function elbow(points: readonly (readonly [number, number])[], cls = "fig-edge"): string {
  const d = points.map(([x, y], i) => `${i === 0 ? "M" : "L"} ${x} ${y}`).join(" ");
  const [x1, y1] = points[points.length - 2]!;
  const [x2, y2] = points[points.length - 1]!;
  const a = Math.atan2(y2 - y1, x2 - x1);
  const head = (da: number) => `${x2 - 7 * Math.cos(a + da)} ${y2 - 7 * Math.sin(a + da)}`;
  return path(d, { class: cls }) + path(`M ${head(0.45)} L ${x2} ${y2} L ${head(-0.45)}`, { class: cls });
}

/** Round to one decimal, for coordinates that come out of divisions. */
export const r1 = (n: number) => Math.round(n * 10) / 10;
