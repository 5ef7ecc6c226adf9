// Chapter 10's loop in registers, beside chapter 9's code for the same loop: both listings are
// compiled when the site is built (chapter 9's optimizedCode and chapter 10's fastCode), and each
// instruction is classed by what it does: it touches a cell in memory, it is part of a bounds test,
// it pads a loop head, or it works in registers only. What is inside each loop, and what is outside,
// is read from the listings' labels and their back jump, so the figure follows the code.
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { optimizedCode } from "../../chapters/09-optimizer/jit.ts";
import { optimize } from "../../chapters/09-optimizer/optimize.ts";
import { fastCode, fastOptimize } from "../../chapters/10-faster-code/jit.ts";
import { sourceListing } from "../../chapters/10-faster-code/source-listing.ts";
import { path, rect, svg, text } from "../svg.ts";

/** The demo's loop: by steps of 2 (not a multiply loop), so both backends keep it a loop. */
export const REGISTER_LOOP_SAMPLE = "++++++++++[-->+++++++++++++<]";

export type RowKind = "memory" | "bounds" | "padding" | "register" | "label";

export interface Row {
  readonly asm: string;
  readonly kind: RowKind;
  /** Between the loop's label and its back jump: run every turn. */
  readonly inLoop: boolean;
}

/** What an instruction does, from its text. */
export function kindOf(asm: string): RowKind {
  if (asm.endsWith(":")) return "label";
  if (/\bnop\b/.test(asm)) return "padding";
  if (/\bptr \[rbx/.test(asm)) return "memory";
  if (/^lea rax, \[rbx|^cmp rax, r13|^(\{disp32\} )?j(ae|b) /.test(asm)) return "bounds";
  return "register";
}

/** The instruction lines of a GNU as listing (comments, bytes and directives dropped). */
function instructions(listing: string): string[] {
  return listing
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").trim())
    .filter((l) => l !== "" && !l.startsWith("."));
}

/** Rows from `from` (inclusive) to `to` (exclusive), each marked in or out of the loop that `head` labels. */
function rowsOf(lines: readonly string[], from: number, to: number, head: RegExp): Row[] {
  let inLoop = false;
  const out: Row[] = [];
  for (const asm of lines.slice(from, to)) {
    if (head.test(asm)) inLoop = true;
    const kind = kindOf(asm);
    out.push({ asm: asm.replace(/^\{disp(8|32)\} /, ""), kind, inLoop: inLoop && kind !== "label" });
    if (inLoop && /^jne /.test(asm)) inLoop = false;
  }
  return out;
}

/** Chapter 9's code for the sample's loop: the loop's own test, then its turns. */
export function chapter9Rows(source = REGISTER_LOOP_SAMPLE): Row[] {
  const lines = instructions(optimizedCode(optimize(lower(parse(source))).lir, "opt").listing());
  const from = lines.findIndex((l) => /^cmp byte ptr \[rbx\], 0$/.test(l));
  const to = lines.findIndex((l, i) => i > from && /^end_/.test(l));
  if (from < 0 || to < 0) throw new Error(`register-loop figure: chapter 9's listing of ${source} has no loop`);
  return rowsOf(lines, from, to, /^loop_/);
}

/** The fast tier's code for the same loop (its own part): test, one bounds test, loads, the loop, stores. */
export function fastRows(source = REGISTER_LOOP_SAMPLE): Row[] {
  // The program's own code only: it ends where the stores after the loop end.
  const lines = instructions(sourceListing(fastCode(fastOptimize(lower(parse(source))), { simd: "sse2" }), true));
  const from = lines.findIndex((l) => /^cmp byte ptr \[rbx\], 0$/.test(l));
  const end = lines.findIndex((l, i) => i > from && /^end_/.test(l));
  const to = end < 0 ? lines.length : end;
  if (from < 0 || !lines.slice(from, to).some((l) => /^regs_/.test(l))) throw new Error(`register-loop figure: the fast tier's listing of ${source} has no loop`);
  return rowsOf(lines, from, to, /^regs_/);
}

const KIND_CLASS: Readonly<Record<Exclude<RowKind, "label">, string>> = {
  memory: "fig-box-accent",
  bounds: "fig-cell fig-tone-x",
  padding: "fig-gap",
  register: "fig-box",
};

const KIND_LABEL: Readonly<Record<Exclude<RowKind, "label">, string>> = {
  memory: "reads or writes a cell in memory",
  bounds: "bounds test",
  padding: "padding (multi-byte nop), run once",
  register: "registers only",
};

const ROW = 19;
const COL = 290;

function panel(x: number, title: string, rows: readonly Row[]): { svg: string; height: number; perTurn: string } {
  const parts = [text(x, 18, title, { class: "fig-label" })];
  let y = 30;
  let loopTop = -1;
  let loopBottom = -1;
  for (const r of rows) {
    if (r.kind === "label") {
      parts.push(text(x, y + 13, r.asm, { class: "fig-mono fig-note" }));
      y += ROW;
      continue;
    }
    if (r.inLoop && loopTop < 0) loopTop = y;
    parts.push(rect(x + 14, y + 1, COL - 40, ROW - 3, { rx: 2, class: KIND_CLASS[r.kind] }));
    parts.push(text(x + 20, y + 13, r.asm, { class: "fig-mono" }));
    if (r.inLoop) loopBottom = y + ROW - 2;
    y += ROW;
  }
  if (loopTop >= 0) {
    // The back jump: from the loop's last instruction up to its first.
    const bx = x + COL - 18;
    parts.push(path(`M ${x + COL - 26} ${loopBottom - 8} H ${bx} V ${loopTop + 8} H ${x + COL - 20}`, { class: "fig-edge-accent" }));
    parts.push(path(`M ${x + COL - 20} ${loopTop + 4} L ${x + COL - 26} ${loopTop + 8} L ${x + COL - 20} ${loopTop + 12}`, { class: "fig-edge-accent" }));
    const mid = (loopTop + loopBottom) / 2;
    parts.push(text(bx + 8, mid, "every turn", { class: "fig-note fig-accent", transform: `rotate(90 ${bx + 8} ${mid})`, "text-anchor": "middle" }));
  }
  const turn = rows.filter((r) => r.inLoop);
  const count = (k: RowKind) => turn.filter((r) => r.kind === k).length;
  const perTurn = `each turn: ${turn.length} instructions`;
  const detail = `${count("memory")} touch a cell in memory, ${count("bounds")} test bounds`;
  parts.push(text(x, y + 16, perTurn, { class: "fig-note" }));
  parts.push(text(x, y + 31, detail, { class: "fig-note" }));
  return { svg: parts.join(""), height: y + 40, perTurn: `${perTurn}, of which ${detail}` };
}

export function registerLoopSvg(): string {
  const left = panel(20, "chapter 9: every turn through memory", chapter9Rows());
  const right = panel(20 + COL + 40, "fast tier: registers inside the loop", fastRows());
  const top = Math.max(left.height, right.height) + 10;
  const legend = (Object.keys(KIND_LABEL) as Exclude<RowKind, "label">[]).map((k, i) => {
    const lx = 20 + (i % 2) * (COL + 40);
    const ly = top + Math.floor(i / 2) * 22;
    return rect(lx, ly, 22, 14, { rx: 2, class: KIND_CLASS[k] }) + text(lx + 30, ly + 11, KIND_LABEL[k], { class: "fig-note" });
  });
  const title =
    `The loop of ${REGISTER_LOOP_SAMPLE} compiled twice. Chapter 9: ${left.perTurn}. ` +
    `The fast tier tests the bounds and loads the cells once before the loop, and stores them after it: ${right.perTurn}.`;
  return svg(2 * COL + 60, top + 48, title, left.svg + right.svg + legend.join(""), "figure-svg fig-register-loop");
}
