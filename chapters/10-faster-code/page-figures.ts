// Memory is time too. The kernel gives a process its memory a page (4 KiB) at a time, the first time
// the process touches it: a page fault, a trip into the kernel that finds a page, clears it and maps
// it. This script counts the faults of one fast-tier compile of a generated program, made in this
// process, then times a fault by touching fresh memory, and prints both, as one JSON object for
// chapter 10's prose.
//   bun chapters/10-faster-code/page-figures.ts [--kib K]
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { loopsProgram } from "../../shared/memory-bench.ts";
import { parse } from "../06-interpreter/parser.ts";
import { fastPieces, loadFast } from "./jit.ts";
import { time } from "./figures.ts";

export class PageFiguresError extends Error {
  override name = "PageFiguresError";
}

const PAGE = 4096;
const MIB = 2 ** 20;

/** The page faults this process has taken so far (its minor faults: no disk involved). */
function faults(): number {
  return process.resourceUsage().minorPageFault;
}

/** What one fault costs here, in ms: the median of three times `mib` MiB of fresh memory touched, a byte a page. */
export function faultCost(mib = 64): number {
  const each: number[] = [];
  for (let k = 0; k < 3; k++) {
    const before = faults();
    const started = performance.now();
    const fresh = new Uint8Array(mib * MIB);
    for (let i = 0; i < fresh.length; i += PAGE) fresh[i] = 1;
    const ms = performance.now() - started;
    const taken = faults() - before;
    if (taken < (mib * MIB) / PAGE / 2) throw new PageFiguresError(`touching ${mib} MiB of fresh memory took only ${taken} page faults: this system counts no minor faults for the process, or gives it huge pages`);
    each.push(ms / taken);
  }
  return each.sort((a, b) => a - b)[1]!;
}

export function pageFigures(kib: number): Record<string, string> {
  const source = loopsProgram(kib * 1024);
  // The compile first, while the process's memory is still its own: memory the measurement below
  // touched and freed would be handed to the compile without a fault.
  const before = faults();
  const started = performance.now();
  const { program } = loadFast(() => fastPieces(parse(source)));
  const compileMs = performance.now() - started;
  const taken = faults() - before;
  program.free();
  const costMs = faultCost();
  return {
    program: `${kib >= 1024 ? `${kib / 1024} MiB` : `${kib} KiB`} of generated loops`,
    compile: time(compileMs),
    faults: taken.toLocaleString("en-US"),
    touched: `${Math.round((taken * PAGE) / MIB)} MiB`,
    faultUs: `${(costMs * 1000).toFixed(1)} µs`,
    faultsMs: time(taken * costMs),
    share: `${Math.round((100 * taken * costMs) / compileMs)} %`,
  };
}

const USAGE = `bun chapters/10-faster-code/page-figures.ts [--kib K]

What memory touched for the first time costs a compile: the page faults of one fast-tier compile of
a generated program of K KiB (default 1024), and what one fault costs on this machine, timed by
touching fresh memory. One JSON object, for chapter 10's prose.

  --kib K       the program's size in KiB (default 1024)
  -h, --help    this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { options: { kib: { type: "string" } } });
    if (args === null) return;
    const kib = Number(args.values.kib ?? 1024);
    if (!Number.isInteger(kib) || kib < 1) throw new PageFiguresError(`--kib must be a whole number of KiB, 1 or more, not '${args.values.kib}'`);
    console.log(JSON.stringify(pageFigures(kib)));
  });
}
