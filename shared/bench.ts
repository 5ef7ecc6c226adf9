// npm run bench [-- NAME...] [options]: the book's benchmarks, each measuring its tiers side by side in
// one run and printing ratios. Never a pass/fail on time: these numbers are for reading. Without a
// NAME, the Brainfuck benchmark (bf); every argument that is not a NAME goes to the benchmarks run.
import type { BfProgram } from "./programs.ts";
import { CHAPTERS } from "./chapters.ts";
import { parseCommand } from "./cli.ts";
import { runMain } from "./main.ts";

type Bench = { readonly chapter: number; readonly what: string; readonly run: (args: readonly string[]) => Promise<void> };

// Each benchmark loads its chapter's module by a path held in a variable, not by a literal import: a
// copy of the book that ends before that chapter (shared/truncate.ts) has no such file, and offers only
// the benchmarks of the chapters it holds. The shapes below are what this file calls.
const load = async <T>(path: string): Promise<T> => (await import(path)) as T;
type Command = { benchCommand(args: readonly string[]): Promise<void> };
type EncoderBench = { runBench(): unknown; formatBench(rows: unknown): string };
type OptimizerBench = { loadPrograms(programs: readonly BfProgram[]): unknown; passTable(p: unknown): string; runTable(p: unknown, runs: number): string };

const ALL_BENCHES: Record<string, Bench> = {
  bf: {
    chapter: 9,
    what: "chapters 6-13: every tier on the Brainfuck programs, and gcc -O2 on the same optimized LIR (see shared/bf-bench.ts)",
    run: async (args) => {
      const { benchCommand } = await load<Command>("./bf-bench.ts");
      await benchCommand(args);
    },
  },
  tiering: {
    chapter: 11,
    what: "chapter 11: time to first output and to the end, tiered against compile-everything-first, on short and long programs",
    run: async (args) => {
      const { benchCommand } = await load<Command>("../chapters/11-tiering/bench.ts");
      await benchCommand(args);
    },
  },
  encoder: {
    chapter: 4,
    what: "chapter 4: instructions encoded per second, ours beside iced-x86's encoder",
    run: async (args) => {
      if (parseCommand(args, "npm run bench -- encoder\n\nInstructions encoded per second, ours beside iced-x86's encoder.\n\n  -h, --help    this text", {}) === null) return;
      const { runBench, formatBench } = await load<EncoderBench>("../chapters/04-encoder/bench.ts");
      console.log(formatBench(runBench()));
    },
  },
  memory: {
    chapter: 9,
    what: "every tier a main runs: peak resident memory on big generated programs, per source byte (see shared/memory-bench.ts)",
    run: async (args) => {
      const { benchCommand } = await load<Command>("./memory-bench.ts");
      await benchCommand(args);
    },
  },
  optimizer: {
    chapter: 9,
    what: "chapter 9: the ops each pass leaves, and (--times) the LIR interpreter before and after",
    run: async (args) => {
      const usage = "npm run bench -- optimizer [--times]\n\nThe ops each pass leaves, and (--times) the LIR interpreter before and after.\n\n  --times       time the LIR interpreter before and after optimizing\n  -h, --help    this text";
      const parsed = parseCommand(args, usage, { options: { times: { type: "boolean" } } });
      if (parsed === null) return;
      const { loadPrograms, passTable, runTable } = await load<OptimizerBench>("../chapters/09-optimizer/bench.ts");
      const { benchmarkPrograms } = await import("./programs.ts");
      const set = benchmarkPrograms();
      if (set.note !== null) console.log(`(${set.note})\n`);
      const programs = loadPrograms(set.programs);
      console.log(passTable(programs));
      if (parsed.values.times === true) console.log("\n" + runTable(programs, 1));
    },
  },
};

const BENCHES: Record<string, Bench> = Object.fromEntries(Object.entries(ALL_BENCHES).filter(([, b]) => CHAPTERS.some((c) => c.n === b.chapter)));

const USAGE = `npm run bench -- [NAME ...] [options]

The book's benchmarks, each measuring its tiers side by side in one run (ratios, never a pass/fail):
${Object.entries(BENCHES)
  .map(([name, b]) => `  ${name.padEnd(10)} ${b.what}`)
  .join("\n")}

Without a NAME, bf. Options go to the benchmarks named: npm run bench -- bf --help lists bf's.

  -h, --help    this text`;

await runMain(async () => {
  const args = process.argv.slice(2);
  const names = args.filter((a) => Object.hasOwn(BENCHES, a));
  const rest = args.filter((a) => !Object.hasOwn(BENCHES, a));
  if (names.length === 0 && (rest.includes("--help") || rest.includes("-h"))) return console.log(USAGE);
  if (names.length === 0 && !Object.hasOwn(BENCHES, "bf")) return console.log(USAGE);
  for (const name of names.length > 0 ? names : ["bf"]) {
    const bench = BENCHES[name]!;
    console.log(`\n== ${name}: ${bench.what}\n`);
    await bench.run(rest);
  }
});
