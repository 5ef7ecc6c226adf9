// A tiered run as plain data: the result, the switches of tier with the state handed over at each,
// the compiled loops, and what a second run of the same program reuses. The tour prints it; the
// tests, which must run machine code in a child process, ask a child for it (JSON in, JSON out).
import { parse } from "../06-interpreter/parser.ts";
import type { EofBehavior } from "../06-interpreter/semantics.ts";
import { formatPos } from "../06-interpreter/source.ts";
import type { SwitchEvent } from "./counting-interpreter.ts";
import { TieredProgram } from "./tiered-jit.ts";

export interface ReportOptions {
  readonly threshold: number;
  readonly tapeSize?: number;
  readonly eof?: EofBehavior;
  /** Input bytes, as numbers (JSON has no Uint8Array). */
  readonly input?: readonly number[];
  readonly bufferSize?: number;
  /** Keep at most this many switch events (default 50). */
  readonly events?: number;
}

export interface TieringReport {
  /** The output as Latin-1 text: one character per byte. */
  readonly output: string;
  readonly error: string | null;
  readonly pointer: number;
  readonly switches: readonly { readonly kind: SwitchEvent["kind"]; readonly loop: string; readonly p: number; readonly pending: number; readonly iterations: number }[];
  readonly switchCount: number;
  /** Loop, iterations before it was compiled, entries into its code. */
  readonly compiled: readonly { readonly loop: string; readonly after: number; readonly entries: number }[];
  readonly codeSize: number;
  readonly listing: string;
  readonly writes: number;
  readonly reads: number;
  /** The same program run again: its compiles (none: the code is kept) and entries. */
  readonly again: { readonly compiles: number; readonly entries: number; readonly sameOutput: boolean };
  /** What running it after free() throws. */
  readonly afterFree: string;
}

// #region report
export function tieringReport(source: string, opts: ReportOptions): TieringReport {
  const switches: TieringReport["switches"][number][] = [];
  let switchCount = 0;
  let recording = true; // the first run's switches only
  const program = new TieredProgram(parse(source), opts.threshold, (e) => {
    if (recording && switchCount++ < (opts.events ?? 50)) switches.push({ kind: e.kind, loop: formatPos(e.at), p: e.p, pending: e.pending, iterations: e.iterations });
  });
  const options = {
    ...(opts.tapeSize === undefined ? {} : { tapeSize: opts.tapeSize }),
    ...(opts.eof === undefined ? {} : { eof: opts.eof }),
    input: Uint8Array.from(opts.input ?? []),
  };
  const io = opts.bufferSize === undefined ? {} : { bufferSize: opts.bufferSize };
  const { result, stats } = program.runWithStats(options, io);
  const compiled = stats.loops.map((l) => ({ loop: formatPos(l.at), after: l.compiledAfter, entries: l.entries }));
  const [codeSize, listing] = [program.codeSize, program.listing()];
  recording = false;
  const again = program.runWithStats(options, io);
  program.free();
  let afterFree = "";
  try {
    program.run(options);
  } catch (e) {
    afterFree = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return {
    output: String.fromCharCode(...result.output),
    error: result.error === null ? null : `${result.error.name}: ${result.error.message}`,
    pointer: result.pointer,
    switches,
    switchCount,
    compiled,
    codeSize,
    listing,
    writes: stats.writes,
    reads: stats.reads,
    again: {
      compiles: again.stats.times.compiles,
      entries: again.stats.times.entries,
      sameOutput: String.fromCharCode(...again.result.output) === String.fromCharCode(...result.output),
    },
    afterFree,
  };
}
// #endregion report
