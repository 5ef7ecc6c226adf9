// The code buffer's disassembly with the Brainfuck behind it: before the first instruction of each
// op, a comment line with the line:column of the command it came from. Chapter 7's GNU as listing
// does the rest, so the result still assembles back to the same bytes.
import { formatPos } from "../06-interpreter/source.ts";
import { gnuListing } from "../07-template-jit/listing.ts";
import type { FastCode, OpMark } from "./fast-lowering.ts";

// #region source-listing
/** The listing; with `own`, only the program's own inline code (no entry, exits or routines, and no cold code but what goes between the parts of a program compiled in parts). */
export function sourceListing(code: FastCode, own = false): string {
  const [start, end] = code.own.inline;
  const byOffset = new Map<number, OpMark[]>();
  for (const m of code.marks) byOffset.set(m.at, [...(byOffset.get(m.at) ?? []), m]);
  const out: string[] = [];
  let pending: string[] = []; // label lines: the comment goes after them, right before the instruction
  for (const line of gnuListing(code.asm).split("\n")) {
    const at = /# ([0-9a-f]+):/.exec(line);
    if (!at) {
      pending.push(line);
      continue;
    }
    const offset = parseInt(at[1]!, 16);
    if (own && (offset < start || offset >= end)) {
      pending = [];
      continue;
    }
    const marks = byOffset.get(offset);
    out.push(...pending);
    if (marks) out.push(`# ${marks.map((m) => `${formatPos(code.lines.pos(m.pos))} ${m.kind}`).join("; ")}`);
    out.push(line);
    pending = [];
  }
  return [...out, ...pending].join("\n");
}
// #endregion source-listing
