// npm run workbook -- start [DIR]       create (or update) your workspace, my-jit/ by default
// npm run workbook -- contract [N...]   check that each chapter's tests fail against its stubs
// npm run workbook -- stubs N           print chapter N's stubs (what `start` writes), to read them
import { runMain } from "../main.ts";
import { chapterOnDisk, chaptersOnDisk } from "./layout.ts";
import { formatContract, checkContract } from "./contract.ts";
import { generateStubs } from "./generate.ts";
import { formatStart, start } from "./start.ts";

/** A command line the workbook does not understand. */
export class WorkbookUsageError extends Error {
  override name = "WorkbookUsageError";
}

const USAGE = "usage: npm run workbook -- start [DIR] | contract [N...] [--reference] [--parallel=K] | stubs N";

await runMain(async () => {
  const [command, ...args] = process.argv.slice(2);
  switch (command) {
    case "start": {
      if (args.length > 1) throw new WorkbookUsageError(`start takes one folder at most. ${USAGE}`);
      console.log(formatStart(await start(args[0])));
      return;
    }
    case "contract": {
      const numbers = args.filter((a) => /^\d+$/.test(a)).map(Number);
      const parallel = Number(/^--parallel=(\d+)$/.exec(args.find((a) => a.startsWith("--parallel=")) ?? "")?.[1] ?? 2);
      const unknown = args.filter((a) => !/^\d+$/.test(a) && a !== "--reference" && !a.startsWith("--parallel="));
      if (unknown.length > 0) throw new WorkbookUsageError(`unknown argument '${unknown[0]}'. ${USAGE}`);
      const chapters = numbers.length > 0 ? numbers.map((n) => chapterOnDisk(n)) : chaptersOnDisk();
      const results = await checkContract(chapters, { reference: args.includes("--reference"), parallel, onResult: (r) => console.log(formatContract([r])) });
      const broken = results.filter((r) => !r.ok).length;
      console.log(broken === 0 ? `\nThe contract holds for ${results.length} chapter(s).` : `\nThe contract is broken in ${broken} chapter(s).`);
      process.exitCode = broken === 0 ? 0 : 1;
      return;
    }
    case "stubs": {
      const n = Number(args[0]);
      if (!Number.isInteger(n)) throw new WorkbookUsageError(`stubs needs a chapter number. ${USAGE}`);
      for (const s of await generateStubs([chapterOnDisk(n)])) console.log(`━━ ${s.module}\n${s.text}`);
      return;
    }
    default:
      throw new WorkbookUsageError(command ? `unknown command '${command}'. ${USAGE}` : USAGE);
  }
});
