// --stats: which loops were compiled, when, at what cost, and where the run's time went.
import { formatPos } from "../06-interpreter/source.ts";
import type { LoopState, TierTimes } from "./counting-interpreter.ts";

export const ms = (x: number): string => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`);
const bytes = (n: number): string => (n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

// #region format-tiering
/**
 * A table of the compiled loops, in the order they were compiled (at most `rows` of them), then the
 * time of the run split between the tiers.
 */
export function formatTiering(loops: readonly LoopState[], times: TierTimes, opts: { readonly threshold: number; readonly target: string; readonly rows?: number }): string {
  const rows = opts.rows ?? 12;
  const head = ["loop", "after", "at", "compile", "code", "entries", "time inside"];
  const body = loops.slice(0, rows).map((l) => [
    formatPos(l.at),
    String(l.compiledAfter),
    ms(l.compiledAtMs),
    ms(l.compileMs),
    bytes(l.code?.codeSize ?? 0),
    String(l.entries),
    ms(l.runMs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => "  " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  const threshold = opts.threshold === Infinity ? "never" : String(opts.threshold);
  const lines = [`threshold ${threshold}: ${loops.length} loop${loops.length === 1 ? "" : "s"} compiled to ${opts.target}`];
  if (loops.length > 0) lines.push(line(head), ...body.map(line));
  if (loops.length > rows) lines.push(`  ... and ${loops.length - rows} more`);
  lines.push(
    `time: ${ms(times.totalMs)} = interpreter ${ms(times.interpreterMs)} + compiling ${ms(times.compileMs)} ` +
      `(${times.compiles} loop${times.compiles === 1 ? "" : "s"}) + compiled loops ${ms(times.codeMs)} (${times.entries} entr${times.entries === 1 ? "y" : "ies"})`,
  );
  return lines.join("\n");
}
// #endregion format-tiering
