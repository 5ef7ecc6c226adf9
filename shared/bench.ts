// npm run bench [-- NAME...] [options]: the book's benchmarks, each measuring its tiers side by side in
// one run and printing ratios. Never a pass/fail on time: these numbers are for reading. Without a
// NAME, the Brainfuck benchmark (bf); every argument that is not a NAME goes to the benchmarks run.
import { parseCommand } from "./cli.ts";
import { runMain } from "./main.ts";

type Bench = { readonly what: string; readonly run: (args: readonly string[]) => Promise<void> };

const BENCHES: Record<string, Bench> = {
  bf: {
    what: "chapters 6-13: every tier on the Brainfuck programs, and gcc -O2 on the same optimized LIR (see shared/bf-bench.ts)",
    run: async (args) => {
      const { benchCommand } = await import("./bf-bench.ts");
      await benchCommand(args);
    },
  },
  tiering: {
    what: "chapter 11: time to first output and to the end, tiered against compile-everything-first, on short and long programs",
    run: async (args) => {
      const { benchCommand } = await import("../chapters/11-tiering/bench.ts");
      await benchCommand(args);
    },
  },
  encoder: {
    what: "chapter 4: instructions encoded per second, ours beside iced-x86's encoder",
    run: async (args) => {
      if (parseCommand(args, "npm run bench -- encoder\n\nInstructions encoded per second, ours beside iced-x86's encoder.\n\n  -h, --help    this text", {}) === null) return;
      const { runBench, formatBench } = await import("../chapters/04-encoder/bench.ts");
      console.log(formatBench(runBench()));
    },
  },
  optimizer: {
    what: "chapter 9: the ops each pass leaves, and (--times) the LIR interpreter before and after",
    run: async (args) => {
      const usage = "npm run bench -- optimizer [--times]\n\nThe ops each pass leaves, and (--times) the LIR interpreter before and after.\n\n  --times       time the LIR interpreter before and after optimizing\n  -h, --help    this text";
      const parsed = parseCommand(args, usage, { options: { times: { type: "boolean" } } });
      if (parsed === null) return;
      const { loadPrograms, passTable, runTable } = await import("../chapters/09-optimizer/bench.ts");
      const { benchmarkPrograms } = await import("./programs.ts");
      const set = benchmarkPrograms();
      if (set.note !== null) console.log(`(${set.note})\n`);
      const programs = loadPrograms(set.programs);
      console.log(passTable(programs));
      if (parsed.values.times === true) console.log("\n" + runTable(programs, 1));
    },
  },
};

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
  for (const name of names.length > 0 ? names : ["bf"]) {
    const bench = BENCHES[name]!;
    console.log(`\n== ${name}: ${bench.what}\n`);
    await bench.run(rest);
  }
});
