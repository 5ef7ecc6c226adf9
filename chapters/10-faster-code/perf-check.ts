// The perf map, read back the way perf reads it, against the kernel's list of mappings: how many of
// its regions lie inside the read-execute mapping that holds the program's code. The tests
// (tests/10-faster-code.test.ts) run it in a child, since it loads native code, and require every
// region inside; main.ts --perf-map only writes the map.
import { findMapping } from "../01-pages/maps.ts";
import { parse } from "../06-interpreter/parser.ts";
import { lower } from "../08-lir/lower.ts";
import { fastOptimize, loadFastLocated } from "./jit.ts";
import { parsePerfMap, perfRegions, writePerfMap } from "./perf-map.ts";
import { readFileSync } from "node:fs";

export interface PerfMapCheck {
  readonly path: string;
  readonly lines: readonly { readonly start: number; readonly size: number; readonly name: string }[];
  /** The mapping that holds the code: start, end and permissions, from /proc/self/maps. */
  readonly mapping: { readonly start: number; readonly end: number; readonly perms: string } | null;
  /** How many lines lie wholly inside that mapping. */
  readonly inside: number;
}

// #region perf-check
export function perfMapCheck(source: string, file: string): PerfMapCheck {
  const { program, code, address } = loadFastLocated(fastOptimize(lower(parse(source))), { loopRegions: true });
  try {
    const path = writePerfMap(address, perfRegions(code, file));
    const lines = parsePerfMap(readFileSync(path, "utf8")).filter((l) => l.start >= address && l.start < address + code.asm.offset);
    const m = findMapping(address);
    const mapping = m && { start: m.start, end: m.end, perms: m.perms };
    const inside = mapping ? lines.filter((l) => l.start >= mapping.start && l.start + l.size <= mapping.end).length : 0;
    return { path, lines, mapping, inside };
  } finally {
    program.free();
  }
}
// #endregion perf-check
