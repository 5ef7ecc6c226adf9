// The x86-64 panel: chapter 9's code generator on the optimized LIR, with each LIR op written above
// the instructions it became. Generating code is pure TypeScript; only loading it needs bun:ffi and
// libc, which a browser has neither of. So the calls get placeholder addresses, and the code is
// shown, never run.
import { Asm, type Label } from "../../chapters/05-control-flow/labels.ts";
import { formatPos, LineIndex } from "../../chapters/06-interpreter/source.ts";
import type { X86Code } from "../../chapters/08-lir/codegen-x86.ts";
import { countOps, posOf, type Lir, type Op } from "../../chapters/08-lir/lir.ts";
import { print } from "../../chapters/08-lir/print.ts";
import { OptLowering, type ScanImports } from "../../chapters/09-optimizer/codegen-opt.ts";
import type { Stage, X86Line, X86Report } from "./protocol.ts";

/** Where libc's functions would be: easy to spot in a `movabs`, and never called. */
export const PLACEHOLDER_IMPORTS: ScanImports = {
  write: 0x7f00_0000_1000,
  read: 0x7f00_0000_2000,
  memchr: 0x7f00_0000_3000,
  memrchr: 0x7f00_0000_4000,
};

/** Lines shown at most: mandelbrot's listing has about 16,000. */
export const MAX_X86_LINES = 3000;

/**
 * Ops listed whole at most. Listing costs tens of microseconds an op, so a program of hundreds of
 * thousands of ops would spend many seconds on lines no one reads: past this, only its first ops are
 * generated, as many as fill the listing.
 */
export const MAX_X86_OPS = 20_000;

/** Ops of a huge program's start that are listed: more than MAX_X86_LINES lines' worth. */
export const X86_PREFIX_OPS = 1500;

/** A line and the offset it goes at: an instruction, a label, or a note (an op, a loop's end, a part). */
interface Placed {
  readonly offset: number;
  readonly line: X86Line;
}

// #region traced-lowering
/** Chapter 5's assembler, keeping where each label was bound, for the listing. */
class LabelledAsm extends Asm {
  readonly labels: Placed[] = [];

  override bind(label: Label): this {
    this.labels.push({ offset: this.offset, line: { kind: "label", name: label.name } });
    return super.bind(label);
  }
}

/** Chapter 9's lowering, noting the offset where each op's code starts, and where a loop's body ends. */
class TracedLowering extends OptLowering {
  readonly notes: Placed[] = [];
  /** The ops being lowered, outermost first: their number is the depth of a note. */
  readonly #open: Op[] = [];
  /** The lines of the source the ops point into. */
  #lines = new LineIndex("");

  override generate(lir: Lir): X86Code {
    this.#lines = lir.lines;
    return super.generate(lir);
  }

  override lowerOp(op: Op, previous: Op | null): void {
    // Only the op's own line: a loop's body has notes of its own.
    const shallow = op.kind === "loop" ? { ...op, body: [] } : op.kind === "guard" ? { ...op, then: [], otherwise: [] } : op;
    const text = print({ ops: [shallow], lines: this.#lines }).split("\n")[0]!;
    this.notes.push({ offset: this.a.offset, line: { kind: "op", text, pos: formatPos(this.#lines.pos(posOf(op))), depth: this.#open.length } });
    this.#open.push(op);
    super.lowerOp(op, previous);
    this.#open.pop();
  }

  override ops(ops: readonly Op[]): void {
    super.ops(ops);
    // What follows a loop's body is its test to go round.
    const parent = this.#open.at(-1);
    if (parent?.kind === "loop" && parent.body === ops) {
      this.notes.push({ offset: this.a.offset, line: { kind: "op", text: "}", pos: formatPos(this.#lines.pos(parent.end)), depth: this.#open.length - 1 } });
    }
  }
}
// #endregion traced-lowering

// #region x86-report
/** The optimized LIR's machine code as listing lines: parts, ops, labels and instructions, in order. */
export function x86Report(lir: Lir): X86Report {
  const asm = new LabelledAsm();
  const lowering = new TracedLowering(PLACEHOLDER_IMPORTS, asm);
  const code = lowering.generate(lir);
  const size = asm.offset;
  const { inline, outOfLine } = code.own;
  const parts: [start: number, end: number, text: string][] = [
    [0, inline[0], "entry: save registers, load them from the context block (every program)"],
    [inline[0], inline[1], "the program's ops"],
    [inline[1], outOfLine[0], "exits: flush the output, store the pointer back, return (every program)"],
    [outOfLine[0], outOfLine[1], "out of line: bounds-check stubs, and guards' slow paths"],
    [outOfLine[1], size, "routines: flush, and input or output when the program uses them"],
  ];
  const headings = parts.filter(([start, end]) => end > start).map(([offset, , text]): Placed => ({ offset, line: { kind: "part", text } }));
  const insns = asm.listing.map((l): Placed => ({ offset: l.offset, line: { kind: "insn", offset: l.offset, bytes: hex(l.bytes), asm: l.text } }));
  const lines = inOrder([...headings, ...asm.labels, ...lowering.notes, ...insns]);
  if (lines.length <= MAX_X86_LINES) return { lines, size, cut: null };
  const shown = lines.slice(0, MAX_X86_LINES);
  const last = shown.findLast((l) => l.kind === "op");
  const n = (x: number) => x.toLocaleString("en");
  const cut = `The listing is cut after ${n(MAX_X86_LINES)} lines of ${n(lines.length)}${last?.kind === "op" ? `, in the code of the op from ${last.pos}` : ""}.`;
  return { lines: [...shown, { kind: "part", text: `... and ${n(lines.length - MAX_X86_LINES)} more lines` }], size, cut };
}
// #endregion x86-report

/**
 * The listing for the page: the whole program's code, or for a program of more than MAX_X86_OPS ops,
 * the code of its first top-level ops, generated as a program of their own.
 */
export function x86Listing(lir: Lir): Stage<X86Report> {
  const total = countOps(lir.ops);
  if (total <= MAX_X86_OPS) return { ok: true, value: x86Report(lir) };
  const n = (x: number) => x.toLocaleString("en");
  let ops = 0;
  let taken = 0;
  for (const op of lir.ops) {
    const k = countOps([op]);
    if (ops + k > X86_PREFIX_OPS) break;
    ops += k;
    taken++;
  }
  const rest = lir.ops[taken]!;
  if (taken === 0) {
    const reason = `The x86-64 listing is skipped: the optimized LIR has ${n(total)} ops, more than the ${n(MAX_X86_OPS)} the page lists, and its first op (from ${formatPos(lir.lines.pos(posOf(rest)))}) alone has ${n(countOps([rest]))}.`;
    return { ok: false, reason };
  }
  const report = x86Report({ ops: lir.ops.slice(0, taken), lines: lir.lines });
  const cut = `The optimized LIR has ${n(total)} ops, more than the ${n(MAX_X86_OPS)} the page lists: this is the code for its first ${n(ops)}, up to the op from ${formatPos(lir.lines.pos(posOf(rest)))}, generated as a program of its own (so with its own exits, and ${n(report.size)} bytes).${report.cut === null ? "" : ` ${report.cut}`}`;
  return { ok: true, value: { ...report, cut } };
}

/** At one offset: the part that starts there, its labels, the ops whose code starts there, the instruction. */
const RANK: Record<X86Line["kind"], number> = { part: 0, label: 1, op: 2, insn: 3 };

function inOrder(placed: readonly Placed[]): X86Line[] {
  // Array.prototype.sort is stable: ops at one offset stay in the order they were lowered.
  return [...placed].sort((a, b) => a.offset - b.offset || RANK[a.line.kind] - RANK[b.line.kind]).map((p) => p.line);
}

/** "48 83 c0 04". */
export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
