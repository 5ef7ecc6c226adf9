// Memory is time too: the kernel gives a process its memory a page at a time, the first time the
// process touches it (chapter 7's growing tape counts on it), and each such page fault is a trip
// into the kernel. This script compiles a generated program with the fast tier in a fresh process
// and counts the page faults of the thread that compiles, then times a fault here by touching
// fresh memory, and prints both, as one JSON object for chapter 10's prose.
//   bun chapters/10-faster-code/page-figures.ts [--kib K]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { BUN, ROOT } from "../../shared/child.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { parse } from "../06-interpreter/parser.ts";
import { fastPieces, loadFast } from "./jit.ts";
import { kibOption, loopsName, time, withLoopsFile } from "./figures.ts";

export class PageFiguresError extends Error {
  override name = "PageFiguresError";
}

/**
 * The page faults this thread has taken so far (minor ones: no disk involved). The thread's, not
 * the process's: the engine's compiler and collector threads take faults of their own, beside it.
 */
export function threadFaults(): number {
  const stat = readFileSync("/proc/thread-self/stat", "utf8");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]); // minflt, the 10th field; the name before it may hold spaces
}

/** What one fault costs here, in ms: the median of three times `mib` MiB of fresh memory touched, a byte every 4 KiB. */
export function faultCost(mib = 64): number {
  const each: number[] = [];
  for (let k = 0; k < 3; k++) {
    const before = threadFaults();
    const started = performance.now();
    const fresh = new Uint8Array(mib * 2 ** 20);
    for (let i = 0; i < fresh.length; i += 4096) fresh[i] = 1;
    each.push((performance.now() - started) / Math.max(1, threadFaults() - before));
  }
  return each.sort((a, b) => a - b)[1]!;
}

/** The compile this script measures, made in the fresh process it runs in: its time, and the compiling thread's faults. */
function compileMeasured(file: string): { compileMs: number; faults: number } {
  const source = readFileSync(file, "utf8");
  const before = threadFaults();
  const started = performance.now();
  const { program } = loadFast(() => fastPieces(parse(source)));
  const compileMs = performance.now() - started;
  const faults = threadFaults() - before;
  program.free();
  return { compileMs, faults };
}

/** How the prose names the share of the compile that faults take. */
export function shareWords(share: number): string {
  if (share >= 25) return "a large part of the compile";
  if (share >= 10) return "a noticeable part of the compile";
  return "a small part of the compile";
}

export function pageFigures(kib: number): Record<string, string> {
  const r = withLoopsFile(kib, (file) =>
    spawnSync(BUN, [import.meta.path, "--compile", file], {
      cwd: ROOT,
      env: { ...process.env, NYC_BUN: "0", JIT_TRACE: "0" },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
      timeout: 120_000,
    }),
  );
  if (r.status !== 0) throw new PageFiguresError(`the fast tier's compile of ${loopsName(kib)} failed: ${r.error?.message ?? r.signal ?? r.stderr.trim().split("\n").at(-1)}`);
  const { compileMs, faults } = JSON.parse(r.stdout) as { compileMs: number; faults: number };
  const costMs = faultCost();
  const share = Math.round((100 * faults * costMs) / compileMs);
  return {
    program: loopsName(kib),
    compile: time(compileMs),
    faults: faults.toLocaleString("en-US"),
    faultUs: `${(costMs * 1000).toPrecision(2)} µs`,
    faultsMs: time(faults * costMs),
    share: `${share} %`,
    shareWords: shareWords(share),
  };
}

const USAGE = `bun chapters/10-faster-code/page-figures.ts [--kib K]

What memory costs a compile in time: the page faults of the thread that compiles a generated program
of K KiB (default 1024) with the fast tier, in a fresh process, and what one fault costs on this
machine, timed by touching fresh memory. One JSON object, for chapter 10's prose.

  --kib K           the program's size in KiB (default 1024)
  --compile FILE    only compile FILE and print the time and faults (what the script runs in its child)
  -h, --help        this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { options: { kib: { type: "string" }, compile: { type: "string" } } });
    if (args === null) return;
    if (args.values.compile !== undefined) return void console.log(JSON.stringify(compileMeasured(args.values.compile)));
    console.log(JSON.stringify(pageFigures(kibOption(args.values.kib, 1024))));
  });
}
