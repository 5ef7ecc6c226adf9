// Chapter 11's pictures. The state carried across an OSR entry is read from the switch itself,
// NativeLoop.run in native-loop.ts: the context block fields it writes before the call and reads back
// after it, and the Machine fields they come from. The time-to-first-output picture is a schematic of
// the three strategies the chapter compares, with no numbers on it: the measured ones are in the
// chapter's live results.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "../../shared/child.ts";
import { CTX, REG } from "../../chapters/07-template-jit/context.ts";
import type { Machine } from "../../chapters/11-tiering/machine.ts";
import { line, rect, svg, text } from "../svg.ts";
import { arrow, box } from "./draw.ts";

export interface Crossing {
  /** The context block field the value travels through. */
  readonly field: keyof typeof CTX;
  /** The Machine field it comes from and goes back to. */
  readonly machine: keyof Machine;
  /** What the switch writes into the field, as native-loop.ts spells it. */
  readonly written: string;
}

/** Which register compiled code keeps each crossing field in while it runs (chapter 7's REG). */
const HELD_IN: Partial<Record<keyof typeof CTX, keyof typeof REG>> = { pointer: "cell", outCursor: "out" };

/** The fields NativeLoop.run hands over, read from its source: `mem.set(CTX.f, …)` then `m.x = … mem.get(CTX.f) …`. */
export function osrCrossings(source = readFileSync(resolve(ROOT, "chapters/11-tiering/native-loop.ts"), "utf8")): Crossing[] {
  const run = source.slice(source.indexOf("run(m: NativeMachine)"));
  const end = run.indexOf("\n  }\n");
  const body = end === -1 ? run : run.slice(0, end);
  const back = new Map<string, string>();
  for (const m of body.matchAll(/m\.(\w+)\s*=\s*mem\.get\(CTX\.(\w+)\)/g)) back.set(m[2]!, m[1]!);
  // The pointer comes back through chapter 7's status table, which reads CTX.pointer: `m.p = pointer`.
  for (const m of body.matchAll(/m\.(\w+)\s*=\s*pointer;/g)) back.set("pointer", m[1]!);
  const crossings: Crossing[] = [];
  for (const m of body.matchAll(/mem\.set\(CTX\.(\w+),\s*([^;]+)\);/g)) {
    const field = m[1]!;
    const machine = back.get(field);
    if (!(field in CTX) || machine === undefined) continue;
    crossings.push({ field: field as keyof typeof CTX, machine: machine as keyof Machine, written: m[2]! });
  }
  return crossings;
}

export function osrStateSvg(): string {
  const crossings = osrCrossings();
  if (crossings.length === 0) throw new Error("site/figures/tiering.ts found no mem.set(CTX.…) / mem.get(CTX.…) pair in NativeLoop.run: update osrCrossings to the new shape of the switch");
  const W = 720;
  const parts: string[] = [];
  const col = { left: 20, mid: 275, right: 530 };
  const cw = 170;
  parts.push(text(col.left + cw / 2, 18, "interpreter (Machine)", { class: "fig-label", "text-anchor": "middle" }));
  parts.push(text(col.mid + cw / 2, 18, "context block", { class: "fig-label", "text-anchor": "middle" }));
  parts.push(text(col.right + cw / 2, 18, "compiled loop", { class: "fig-label", "text-anchor": "middle" }));
  const rowH = 70;
  crossings.forEach((c, i) => {
    const y = 40 + i * rowH;
    const reg = HELD_IN[c.field];
    parts.push(box(col.left, y, cw, 40, `m.${c.machine}`, { labelCls: "fig-mono fig-strong" }));
    parts.push(box(col.mid, y, cw, 40, `CTX.${c.field}`, { sub: `offset ${CTX[c.field]}`, labelCls: "fig-mono fig-strong" }));
    parts.push(box(col.right, y, cw, 40, reg ? REG[reg].name : "(memory)", { sub: reg ? `REG.${reg}` : undefined, labelCls: "fig-mono fig-strong" }));
    // Into the loop above the middle line, back out below it.
    parts.push(arrow(col.left + cw + 2, y + 13, col.mid - 2, y + 13, "fig-edge-accent"));
    parts.push(arrow(col.mid + cw + 2, y + 13, col.right - 2, y + 13, "fig-edge-accent"));
    parts.push(arrow(col.right - 2, y + 27, col.mid + cw + 2, y + 27));
    parts.push(arrow(col.mid - 2, y + 27, col.left + cw + 2, y + 27));
    parts.push(text((col.left + cw + col.mid) / 2, y - 2, c.written, { class: "fig-mono fig-note", "text-anchor": "middle" }));
  });
  let y = 40 + crossings.length * rowH;
  parts.push(text(W / 2, y, "→ written before the call (OSR entry)     ← read back when it returns (exit)", { class: "fig-note", "text-anchor": "middle" }));
  y += 22;
  // The memory both sides work on: nothing in it is copied at a switch.
  parts.push(rect(col.left, y, W - 2 * col.left, 40, { rx: 4, class: "fig-cell fig-tone-x" }));
  parts.push(text(W / 2, y + 16, "the tape and the output buffer: the same bytes for both tiers, not copied", { class: "fig-label", "text-anchor": "middle" }));
  parts.push(text(W / 2, y + 32, `m.tape, m.out  ·  ${REG.tape.name}, ${REG.out.name}`, { class: "fig-mono fig-note", "text-anchor": "middle" }));
  const title =
    "What crosses an OSR entry in chapter 11: " +
    crossings.map((c) => `m.${c.machine} goes through CTX.${c.field} (offset ${CTX[c.field]})${HELD_IN[c.field] ? ` into ${REG[HELD_IN[c.field]!].name}` : ""}`).join(", ") +
    ", and back when the loop returns; the tape and the output buffer are shared memory and are not copied.";
  return svg(W, y + 48, title, parts.join(""), "figure-svg fig-osr-state");
}

type Span = "interpret" | "compile" | "run";

/** Each strategy as spans of (schematic) time, and when its first byte of output appears. */
export const STRATEGIES: readonly { readonly name: string; readonly spans: readonly [Span, number][]; readonly first: number }[] = [
  { name: "interpreter", spans: [["interpret", 10]], first: 0.4 },
  { name: "compile everything first", spans: [["compile", 3], ["run", 2.2]], first: 3.3 },
  { name: "tiered", spans: [["interpret", 1.4], ["compile", 0.8], ["run", 1.2], ["compile", 0.4], ["run", 2.4]], first: 0.4 },
];

const SPAN_CLASS: Record<Span, string> = { interpret: "fig-span-0", compile: "fig-span-1", run: "fig-span-2" };

export function firstOutputSvg(): string {
  const W = 720;
  const x0 = 190;
  const scale = (W - x0 - 30) / 10;
  const rowH = 44;
  const parts: string[] = [];
  STRATEGIES.forEach((s, i) => {
    const y = 20 + i * rowH;
    parts.push(text(x0 - 10, y + 17, s.name, { class: "fig-label", "text-anchor": "end" }));
    let t = 0;
    for (const [kind, len] of s.spans) {
      parts.push(rect(x0 + t * scale, y, len * scale, 24, { class: SPAN_CLASS[kind] }));
      t += len;
    }
    const fx = x0 + s.first * scale;
    parts.push(line(fx, y - 4, fx, y + 28, { class: "fig-mark" }));
    parts.push(text(fx + 4, y - 4, "first byte", { class: "fig-note" }));
    parts.push(text(x0 + t * scale + 4, y + 17, "end", { class: "fig-note" }));
  });
  const ly = 20 + STRATEGIES.length * rowH + 6;
  parts.push(arrow(x0, ly, W - 30, ly));
  parts.push(text(W - 30, ly + 16, "time (schematic)", { class: "fig-note", "text-anchor": "end" }));
  (["interpret", "compile", "run"] as const).forEach((k, i) => {
    const lx = x0 + i * 130;
    parts.push(rect(lx, ly + 8, 12, 12, { class: SPAN_CLASS[k] }));
    parts.push(text(lx + 18, ly + 18, k === "run" ? "run compiled code" : k === "interpret" ? "interpret" : "compile", { class: "fig-note" }));
  });
  const title =
    "Time to first output against time to the end, schematically: the interpreter prints at once and finishes last; compiling " +
    "everything first prints only after the compile and finishes early; the tiered JIT prints at once, compiles hot loops as it goes, and finishes in between.";
  return svg(W, ly + 30, title, parts.join(""), "figure-svg fig-first-output");
}
