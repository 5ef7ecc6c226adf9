// LIR -> text, one op per line, loop bodies indented. parse-lir.ts reads it back, so tests can state
// what a pass must produce as text a person can read.
import { formatPos, type SourcePos } from "../06-interpreter/source.ts";
import type { Lir, Op } from "./lir.ts";

export interface PrintOptions {
  /** Append each op's source positions, `@line:column`, one per command it stands for. */
  readonly positions?: boolean;
  /** Stop after this many lines: a reader sees only the start of a huge program's LIR anyway. */
  readonly maxLines?: number;
}

// #region print
export function print(lir: Lir, opts: PrintOptions = {}): string {
  const lines: string[] = [];
  printOps(lir.ops, "", opts.positions === true, lines, opts.maxLines ?? Infinity);
  return lines.slice(0, opts.maxLines).map((l) => l + "\n").join("");
}

function printOps(ops: readonly Op[], indent: string, positions: boolean, lines: string[], max: number): void {
  const at = (...ps: readonly SourcePos[]) => (positions ? ps.map((p) => ` @${formatPos(p)}`).join("") : "");
  for (const op of ops) {
    if (lines.length >= max) return;
    switch (op.kind) {
      case "add":
        lines.push(`${indent}add [${op.off}] ${op.k}${at(op.pos)}`);
        break;
      case "set":
        lines.push(`${indent}set [${op.off}] ${op.value}${at(op.pos)}`);
        break;
      case "move":
        lines.push(`${indent}move ${op.delta}${at(...op.steps)}`);
        break;
      case "check":
        lines.push(`${indent}check ${op.reach.map((r) => r.off).join(" ")}${at(...op.reach.map((r) => r.pos))}`);
        break;
      case "in":
        lines.push(`${indent}in [${op.off}]${at(op.pos)}`);
        break;
      case "out":
        lines.push(`${indent}out [${op.off}]${at(op.pos)}`);
        break;
      case "muladd":
        lines.push(`${indent}muladd [${op.dst}] += [${op.src}] * ${op.k}${at(op.pos)}`);
        break;
      case "scan":
        lines.push(`${indent}scan ${op.stride}${at(op.pos, ...op.steps)}`);
        break;
      case "loop":
        lines.push(`${indent}loop [${op.off}]${op.known ? ` known ${op.known.lo}..${op.known.hi}` : ""}${at(op.pos)} {`);
        printOps(op.body, indent + "  ", positions, lines, max);
        lines.push(`${indent}}${at(op.end)}`);
        break;
      case "guard":
        lines.push(`${indent}guard ${op.cells.lo}..${op.cells.hi}${at(op.pos)} {`);
        printOps(op.then, indent + "  ", positions, lines, max);
        lines.push(`${indent}} else {`);
        printOps(op.otherwise, indent + "  ", positions, lines, max);
        lines.push(`${indent}}`);
        break;
    }
  }
}
// #endregion
