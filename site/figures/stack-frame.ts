// Chapter 5's stack frame, as its Frame class lays it out: the return address the call pushed, the
// callee-saved registers in the order the prologue pushes them, the locals and the padding, with
// rsp's remainder mod 16 at each step. Everything comes from a real Frame, so the padding is the
// one alignmentPadding computes.
import { r12, r13, r14, rbp, rbx } from "../../chapters/04-encoder/registers.ts";
import { Frame } from "../../chapters/05-control-flow/frame.ts";
import { rect, svg, text } from "../svg.ts";
import { arrow } from "./draw.ts";

/** The frames the figure draws: count's (the chapter's example) and one with rbp and locals. */
export const FRAMES: readonly { readonly name: string; readonly frame: Frame }[] = [
  { name: "count: rbx, r12, r13, r14", frame: new Frame({ uses: [rbx, r12, r13, r14] }) },
  { name: "rbp, rbx and 20 bytes of locals", frame: new Frame({ uses: [rbp, rbx], locals: 20 }) },
];

interface Slot {
  readonly label: string;
  readonly bytes: number;
  readonly cls: string;
}

/** The frame's slots from the caller's rsp downwards. */
export function slotsOf(frame: Frame): Slot[] {
  const slots: Slot[] = [{ label: "return address", bytes: 8, cls: "fig-box-accent" }];
  for (const r of frame.saved) slots.push({ label: `saved ${r.name}`, bytes: 8, cls: "fig-box" });
  if (frame.locals > 0) slots.push({ label: `locals (${frame.locals} bytes)`, bytes: frame.locals, cls: "fig-cell fig-tone-x" });
  if (frame.padding > 0) slots.push({ label: `padding (${frame.padding} bytes)`, bytes: frame.padding, cls: "fig-gap" });
  return slots;
}

const PX_PER_BYTE = 3;

function column(x: number, name: string, frame: Frame): { svg: string; height: number } {
  const w = 160;
  const parts: string[] = [];
  parts.push(text(x + w / 2, 16, name, { class: "fig-label", "text-anchor": "middle" }));
  let y = 30;
  parts.push(rect(x, y, w, 26, { class: "fig-gap" }));
  parts.push(text(x + w / 2, y + 17, "caller's frame", { class: "fig-note", "text-anchor": "middle" }));
  y += 26;
  // rsp's distance below the caller's rsp at its call, which is a multiple of 16 by the ABI.
  let below = 0;
  const mark = (label: string) => {
    const aligned = below % 16 === 0;
    parts.push(arrow(x + w + 34, y, x + w + 4, y, aligned ? "fig-edge" : "fig-edge-accent"));
    parts.push(text(x + w + 38, y + 4, `${label}: rsp mod 16 = ${(16 - (below % 16)) % 16}`, { class: aligned ? "fig-note" : "fig-note fig-accent" }));
  };
  mark("call");
  const prologue = [];
  for (const s of slotsOf(frame)) {
    const h = Math.max(20, s.bytes * PX_PER_BYTE);
    parts.push(rect(x, y, w, h, { class: s.cls }));
    parts.push(text(x + w / 2, y + h / 2 + 4, s.label, { class: "fig-mono", "text-anchor": "middle" }));
    y += h;
    below += s.bytes;
    if (s.label === "return address") mark("entry");
    else if (s.label.startsWith("saved ")) prologue.push(`push ${s.label.slice(6)}`);
  }
  if (frame.locals + frame.padding > 0) prologue.push(`sub rsp, ${frame.locals + frame.padding}`);
  mark("body");
  parts.push(text(x + w / 2, y + 20, `frame.size = ${frame.size}`, { class: "fig-mono fig-note", "text-anchor": "middle" }));
  prologue.forEach((ins, i) => parts.push(text(x + w / 2, y + 38 + i * 15, ins, { class: "fig-mono fig-note", "text-anchor": "middle" })));
  return { svg: parts.join(""), height: y + 34 + prologue.length * 15 };
}

export function stackFrameSvg(): string {
  const W = 720;
  const cols = FRAMES.map((f, i) => column(30 + i * 360, f.name, f.frame));
  const title =
    "Two stack frames as chapter 5's Frame lays them out, growing down from the caller's call: the return address, the " +
    "callee-saved registers pushed, the locals and the padding that makes rsp a multiple of 16 again in the body.";
  return svg(W, Math.max(...cols.map((c) => c.height)), title, cols.map((c) => c.svg).join(""), "figure-svg fig-stack-frame");
}
