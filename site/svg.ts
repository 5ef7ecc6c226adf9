// Tiny SVG builders for the build-time figures. Colours come from CSS classes (site/assets/style.css),
// so an inline figure follows the page into dark mode and onto paper.
import { escapeHtml } from "./html.ts";

type Attrs = Record<string, string | number | undefined>;

const attrs = (a: Attrs) =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(String(v))}"`)
    .join("");

export const rect = (x: number, y: number, width: number, height: number, a: Attrs = {}) =>
  `<rect${attrs({ x, y, width, height, ...a })}/>`;

export const text = (x: number, y: number, content: string, a: Attrs = {}) =>
  `<text${attrs({ x, y, ...a })}>${escapeHtml(content)}</text>`;

export const line = (x1: number, y1: number, x2: number, y2: number, a: Attrs = {}) =>
  `<line${attrs({ x1, y1, x2, y2, ...a })}/>`;

export const path = (d: string, a: Attrs = {}) => `<path${attrs({ d, ...a })}/>`;

/** An <svg> that scales to its container, with a title for screen readers. */
export function svg(width: number, height: number, title: string, body: string, cls: string): string {
  return (
    `<svg class="${cls}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${body}</svg>`
  );
}
