// npm run bench [-- NAME...]: the book's benchmarks, each measuring its tiers side by side in one run
// and printing ratios. Never a pass/fail on time: these numbers are for reading.
import { runMain } from "./main.ts";

type Bench = { readonly what: string; readonly run: (args: readonly string[]) => Promise<void> };

const BENCHES: Record<string, Bench> = {
  encoder: {
    what: "chapter 4: instructions encoded per second, ours beside iced-x86's encoder",
    run: async () => {
      const { runBench, formatBench } = await import("../chapters/04-encoder/bench.ts");
      console.log(formatBench(runBench()));
    },
  },
};

await runMain(async () => {
  const args = process.argv.slice(2);
  const names = args.filter((a) => !a.startsWith("-"));
  const selected = names.length > 0 ? names : Object.keys(BENCHES);
  for (const name of selected) {
    const bench = BENCHES[name];
    if (!bench) throw new Error(`no benchmark named '${name}': pick from ${Object.keys(BENCHES).join(", ")}`);
    console.log(`\n== ${name}: ${bench.what}\n`);
    await bench.run(args.filter((a) => a.startsWith("-")));
  }
});
