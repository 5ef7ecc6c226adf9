// LIR -> text, one op per line, loop bodies indented. parse-lir.ts reads it back, so tests can state
// what a pass must produce as text a person can read.
import { formatPos, type LineIndex } from "../06-interpreter/source.ts";
import { stepList, type Lir, type LoopOp, type Op } from "./lir.ts";
import { definitionOf } from "./op-set.ts";

export interface PrintOptions {
  /** Append each op's source positions, `@line:column`, one per command it stands for. */
  readonly positions?: boolean;
  /** Stop after this many lines: a reader sees only the start of a huge program's LIR anyway. */
  readonly maxLines?: number;
}

// #region print
/** What the definition of an added op uses to print itself. */
export interface Printer {
  /** One line at the current indent: `text`, then the positions (when asked for), then `tail`. */
  line(text: string, positions: readonly number[], tail?: string): void;
  /** An op list, one level deeper. */
  body(ops: readonly Op[]): void;
}

/**
 * Indentation stops growing this many levels deep: a program nested 100,000 loops deep would
 * otherwise print gigabytes of spaces. The text stays the same LIR (spaces only separate tokens).
 */
const MAX_INDENT = 40;
const deeper = (indent: string): string => (indent.length < 2 * MAX_INDENT ? indent + "  " : indent);

export function print(lir: Lir, opts: PrintOptions = {}): string {
  const lines: string[] = [];
  printOps(lir.ops, "", opts.positions === true ? lir.lines : null, lines, opts.maxLines ?? Infinity);
  return lines.slice(0, opts.maxLines).map((l) => l + "\n").join("");
}

/** `positions`: the lines to print positions with, or null for none. */
function printOps(ops: readonly Op[], indent: string, positions: LineIndex | null, lines: string[], max: number): void {
  const at = (ps: readonly number[]) => (positions ? ps.map((p) => ` @${formatPos(positions.pos(p))}`).join("") : "");
  const printer: Printer = {
    line: (text, ps, tail = "") => void lines.push(`${indent}${text}${at(ps)}${tail}`),
    body: (inner) => printOps(inner, deeper(indent), positions, lines, max),
  };
  // The loops being printed, innermost last, with where to go on after each: a stack, not
  // recursion, so a program nested 100,000 loops deep costs no stack.
  const open: { readonly list: readonly Op[]; readonly next: number; readonly loop: LoopOp; readonly indent: string }[] = [];
  let list = ops;
  let i = 0;
  for (;;) {
    if (lines.length >= max) return;
    if (i === list.length) {
      const done = open.pop();
      if (done === undefined) return;
      indent = done.indent;
      printer.line("}", [done.loop.end]);
      ({ list, next: i } = done);
      continue;
    }
    const op = list[i++]!;
    switch (op.kind) {
      case "add":
        printer.line(`add [${op.off}] ${op.k}`, [op.pos]);
        break;
      case "set":
        printer.line(`set [${op.off}] ${op.value}`, [op.pos]);
        break;
      case "move":
        printer.line(`move ${op.delta}`, stepList(op.steps, Math.abs(op.delta)));
        break;
      case "check":
        printer.line(`check ${op.reach.map((r) => r.off).join(" ")}`, op.reach.map((r) => r.pos));
        break;
      case "in":
        printer.line(`in [${op.off}]`, [op.pos]);
        break;
      case "out":
        printer.line(`out [${op.off}]`, [op.pos]);
        break;
      case "loop":
        printer.line(`loop [${op.off}]${op.known ? ` known ${op.known.lo}..${op.known.hi}` : ""}`, [op.pos], " {");
        open.push({ list, next: i, loop: op, indent });
        [list, i, indent] = [op.body, 0, deeper(indent)];
        break;
      default:
        definitionOf(op).print(op, printer);
    }
  }
}
// #endregion
