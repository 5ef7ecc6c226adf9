// A perf map: /tmp/perf-<pid>.map, the file `perf report` reads to name code that no ELF file
// describes. Each line is `START SIZE name`, both numbers in hex, one line per region of code. Here a
// region is the code of one Brainfuck loop (without the loops inside it, which have their own
// lines), named by its source range, so a profile says in which loop of the program the time goes.
import { writeFileSync } from "node:fs";
import { basename } from "node:path";
import { formatPos } from "../06-interpreter/source.ts";
import type { FastCode } from "./fast-lowering.ts";

export interface PerfRegion {
  /** Offset in the code (address, once the code is placed). */
  readonly start: number;
  readonly size: number;
  readonly name: string;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly name: string;
}

// #region regions
/**
 * The regions of the code, one after another without overlap: each loop's own code, the program's
 * straight-line code, its out-of-line code, and the runtime (entry, exits, I/O routines). Named
 * `bf:<file's basename>` then " runtime", " program", " out-of-line", or for a loop
 * ":<line>:<column>-<end line>:<end column> loop" (" loop in registers" when it runs in registers).
 */
export function perfRegions(code: FastCode, file: string): PerfRegion[] {
  const name = `bf:${basename(file)}`;
  const { inline, outOfLine } = code.own;
  const spans: Span[] = [
    { start: 0, end: code.asm.offset, name: `${name} runtime` },
    { start: inline[0], end: inline[1], name: `${name} program` },
    { start: outOfLine[0], end: outOfLine[1], name: `${name} out-of-line` },
    ...code.loops.map((l) => ({
      start: l.start,
      end: l.end,
      name: `${name}:${formatPos(code.lines.pos(l.pos))}-${formatPos(code.lines.pos(l.endPos))} ${l.inRegisters ? "loop in registers" : "loop"}`,
    })),
  ];
  return flatten(spans);
}

/** Nested spans as a flat list: each byte belongs to the innermost span that holds it. */
export function flatten(spans: readonly Span[]): PerfRegion[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((x, y) => x.start - y.start || y.end - x.end);
  const out: PerfRegion[] = [];
  const open: Span[] = [];
  let at = 0;
  const upTo = (to: number): void => {
    const inner = open.at(-1);
    if (inner && to > at) out.push({ start: at, size: to - at, name: inner.name });
    at = Math.max(at, to);
  };
  const close = (): void => {
    upTo(open.at(-1)!.end); // named after the span that ends here, so it is popped after
    open.pop();
  };
  for (const s of sorted) {
    while (open.length > 0 && open.at(-1)!.end <= s.start) close();
    upTo(s.start);
    open.push(s);
  }
  while (open.length > 0) close();
  return out;
}
// #endregion regions

// #region format
/** The lines of a perf map for code placed at `address`. */
export function formatPerfMap(address: number, regions: readonly PerfRegion[]): string {
  return regions.map((r) => `${(address + r.start).toString(16)} ${r.size.toString(16)} ${r.name}\n`).join("");
}

/** Append the regions to /tmp/perf-<pid>.map (a process may load many programs); returns the path. */
export function writePerfMap(address: number, regions: readonly PerfRegion[], pid: number = process.pid): string {
  const path = `/tmp/perf-${pid}.map`;
  writeFileSync(path, formatPerfMap(address, regions), { flag: "a" });
  return path;
}

/** A perf map read back: what `perf` would make of it. */
export function parsePerfMap(text: string): { readonly start: number; readonly size: number; readonly name: string }[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const m = /^([0-9a-f]+) ([0-9a-f]+) (.+)$/.exec(l);
      if (!m) throw new PerfMapFormatError(`not a perf map line ('START SIZE name', hex numbers): ${JSON.stringify(l)}`);
      return { start: parseInt(m[1]!, 16), size: parseInt(m[2]!, 16), name: m[3]! };
    });
}
// #endregion format

export class PerfMapFormatError extends Error {
  override name = "PerfMapFormatError";
}
