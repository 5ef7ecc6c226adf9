// How big a piece? A compile keeps one piece's LIR alive at a time (pieces.ts), so the piece's size
// is how much the passes and the code generator work on at once. This script compiles a generated
// program with the fast tier, cut into pieces of several sizes, PIECE among them, in fresh processes
// taken in turn, and prints the median compile time of each size, as one JSON object for chapter
// 10's prose.
//   bun chapters/10-faster-code/piece-figures.ts [--runs N] [--kib K]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { BUN, ROOT } from "../../shared/child.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { median } from "../../shared/bf-bench.ts";
import { parse } from "../06-interpreter/parser.ts";
import { fastPieces, loadFast } from "./jit.ts";
import { kibOption, loopsName, percent, time, withLoopsFile } from "./figures.ts";
import { PIECE } from "./pieces.ts";

export class PieceFiguresError extends Error {
  override name = "PieceFiguresError";
}

/** The sizes measured, in commands: PIECE, a quarter of it, and four and sixteen times it. */
export const PIECE_SIZES: readonly number[] = [PIECE / 4, PIECE, PIECE * 4, PIECE * 16];

/** The compile the script measures, in the fresh process it runs in: parse, then the pieces of `size` commands. */
function compileMeasured(file: string, size: number): number {
  const source = readFileSync(file, "utf8");
  const started = performance.now();
  const { program } = loadFast(() => fastPieces(parse(source), size));
  const compileMs = performance.now() - started;
  program.free();
  return compileMs;
}

function compileOnce(file: string, size: number, what: string): number {
  const r = spawnSync(BUN, [import.meta.path, "--compile", file, "--size", String(size)], {
    cwd: ROOT,
    env: { ...process.env, NYC_BUN: "0", JIT_TRACE: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
    timeout: 120_000,
  });
  if (r.status !== 0) throw new PieceFiguresError(`the fast tier's compile of ${what} in pieces of ${size} commands failed: ${r.error?.message ?? r.signal ?? r.stderr.trim().split("\n").at(-1)}`);
  return Number(r.stdout);
}

const commands = (n: number) => n.toLocaleString("en-US");

export function pieceFigures(runs: number, kib: number): Record<string, string | number> {
  return withLoopsFile(kib, (file) => {
    const program = loopsName(kib);
    const each = PIECE_SIZES.map(() => [] as number[]);
    for (let i = 0; i < runs; i++) PIECE_SIZES.forEach((size, k) => each[k]!.push(compileOnce(file, size, program)));
    const ms = each.map(median);
    const at = (size: number) => ms[PIECE_SIZES.indexOf(size)]!;
    const fastest = PIECE_SIZES.reduce((best, size) => (at(size) < at(best) ? size : best));
    const out: Record<string, string | number> = { program, runs, piece: commands(PIECE), fastest: commands(fastest) };
    for (const size of PIECE_SIZES) {
      out[`size${size}`] = commands(size);
      out[`ms${size}`] = time(at(size));
      out[`change${size}`] = percent(at(PIECE), at(size));
    }
    return out;
  });
}

const USAGE = `bun chapters/10-faster-code/piece-figures.ts [--runs N] [--kib K]

How the size of a piece changes the compile: a generated program of K KiB (default 1024) compiled
with the fast tier in pieces of ${PIECE_SIZES.map(commands).join(", ")} commands, in fresh processes
taken in turn, N times each (default 5). One JSON object, for chapter 10's prose: the median compile
time of each size, and its change from PIECE's (${commands(PIECE)}).

  --runs N          processes of each size (default 5; the figures are medians)
  --kib K           the program's size in KiB (default 1024)
  --compile FILE    only compile FILE and print the time (what the script runs in its child)
  --size S          with --compile: commands per piece
  -h, --help        this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { options: { runs: { type: "string" }, kib: { type: "string" }, compile: { type: "string" }, size: { type: "string" } } });
    if (args === null) return;
    if (args.values.compile !== undefined) {
      const size = Number(args.values.size ?? PIECE);
      if (!Number.isInteger(size) || size < 1) throw new PieceFiguresError(`--size must be a whole number of commands, 1 or more, not '${args.values.size}'`);
      return void console.log(compileMeasured(args.values.compile, size));
    }
    const runs = Number(args.values.runs ?? 5);
    if (!Number.isInteger(runs) || runs < 1) throw new PieceFiguresError(`--runs must be a whole number of processes, 1 or more, not '${args.values.runs}'`);
    console.log(JSON.stringify(pieceFigures(runs, kibOption(args.values.kib, 1024))));
  });
}
