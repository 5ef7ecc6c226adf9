// Chapter 11's pictures. The state carried across an OSR entry is read from the switch itself,
// NativeLoop.run in native-loop.ts: the context block fields it writes before the call and reads back
// after it, and the Machine fields they come from. The time-to-first-output picture draws what
// chapter 11's figures.ts measured when the site was built (the file its --out wrote).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "../../shared/child.ts";
import { CTX, REG } from "../../chapters/07-template-jit/context.ts";
import type { FirstOutputFile } from "../../chapters/11-tiering/figures.ts";
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

export class FirstOutputError extends Error {
  override name = "FirstOutputError";
}

/** The process timings chapter 11's figures.ts writes with --out (FirstOutputFile), checked. */
export function parseFirstOutput(data: unknown, path: string): FirstOutputFile {
  const bad = (why: string) => new FirstOutputError(`${path}: ${why} (it should be what chapter 11's figures.ts --out writes)`);
  if (typeof data !== "object" || data === null) throw bad("not an object");
  const { program, rows } = data as { program?: unknown; rows?: unknown };
  if (typeof program !== "string" || !Array.isArray(rows) || rows.length === 0) throw bad("no program or no rows");
  for (const r of rows as Record<string, unknown>[]) {
    const ok = typeof r.tier === "string" && (["firstMs", "totalMs", "compileMs"] as const).every((k) => typeof r[k] === "number" && Number.isFinite(r[k]) && (r[k] as number) >= 0);
    if (!ok) throw bad(`a row is not { tier, firstMs, totalMs, compileMs }: ${JSON.stringify(r)}`);
  }
  return data as FirstOutputFile;
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/** A tick step of 1, 2 or 5 times a power of ten, giving about `n` ticks up to `max`. */
function tickStep(max: number, n = 6): number {
  const raw = max / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
}

/**
 * Time to first output against time to the end, measured: one row per tier, each a whole process of
 * main.ts on the same program. The bar is the process, the mark its first byte of output, and the
 * thin bar under it the time it spent compiling, wherever in the run that was.
 */
export function firstOutputSvg(f: FirstOutputFile): string {
  const W = 720;
  const x0 = 110;
  const right = 90;
  const max = Math.max(...f.rows.map((r) => r.totalMs));
  const step = tickStep(max);
  const end = Math.ceil(max / step) * step;
  const scale = (W - x0 - right) / end;
  const rowH = 50;
  const top = 28;
  const parts: string[] = [];
  parts.push(text(x0, 14, `${f.program}, one whole process per tier (Bun's start-up included)`, { class: "fig-note" }));
  for (let t = 0; t <= end + 1e-9; t += step) {
    const x = x0 + t * scale;
    parts.push(line(x, top - 4, x, top + f.rows.length * rowH - 8, { class: "fig-grid" }));
    parts.push(text(x, top + f.rows.length * rowH + 6, fmt(t), { class: "fig-note", "text-anchor": "middle" }));
  }
  f.rows.forEach((r, i) => {
    const y = top + i * rowH;
    parts.push(text(x0 - 10, y + 15, r.tier, { class: "fig-label", "text-anchor": "end" }));
    parts.push(rect(x0, y, Math.max(1, r.totalMs * scale), 20, { class: "fig-span-0" }));
    if (r.compileMs > 0) parts.push(rect(x0, y + 24, Math.max(1, r.compileMs * scale), 7, { class: "fig-span-1" }));
    const fx = x0 + r.firstMs * scale;
    parts.push(line(fx, y - 4, fx, y + 24, { class: "fig-mark" }));
    parts.push(text(x0 + r.totalMs * scale + 6, y + 10, `end ${fmt(r.totalMs)}`, { class: "fig-note" }));
    parts.push(text(x0 + r.totalMs * scale + 6, y + 23, `first ${fmt(r.firstMs)}`, { class: "fig-note" }));
  });
  const ly = top + f.rows.length * rowH + 24;
  parts.push(rect(x0, ly, 14, 10, { class: "fig-span-0" }));
  parts.push(text(x0 + 20, ly + 9, "the process, start to end", { class: "fig-note" }));
  parts.push(line(x0 + 210, ly - 2, x0 + 210, ly + 12, { class: "fig-mark" }));
  parts.push(text(x0 + 218, ly + 9, "first byte of output", { class: "fig-note" }));
  parts.push(rect(x0 + 370, ly + 2, 14, 6, { class: "fig-span-1" }));
  parts.push(text(x0 + 390, ly + 9, "time spent compiling, in all", { class: "fig-note" }));
  const title =
    `Time to first output against time to the end, for ${f.program} as one whole process per tier: ` +
    f.rows.map((r) => `${r.tier}, first byte after ${fmt(r.firstMs)}, end after ${fmt(r.totalMs)}${r.compileMs > 0 ? `, ${fmt(r.compileMs)} compiling` : ""}`).join("; ") +
    ".";
  return svg(W, ly + 20, title, parts.join(""), "figure-svg fig-first-output");
}
