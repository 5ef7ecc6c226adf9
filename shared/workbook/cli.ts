// npm run workbook -- start [DIR]       create (or update) your workspace, my-jit/ by default
// npm run workbook -- contract [N...]   check that each chapter's tests fail against its stubs
// npm run workbook -- stubs N           print chapter N's stubs (what `start` writes), to read them
import { parseCommand, UsageError } from "../cli.ts";
import { runMain } from "../main.ts";
import { chapterOnDisk, chaptersOnDisk } from "./layout.ts";
import { formatContract, checkContract } from "./contract.ts";
import { generateStubs } from "./generate.ts";
import { formatStart, start } from "./start.ts";

/** A command line the workbook does not understand. */
export class WorkbookUsageError extends UsageError {
  override name = "WorkbookUsageError";
}

const USAGE = "usage: npm run workbook -- start [DIR] | contract [N...] [--reference] [--parallel=K] | stubs N";

const HELP = `${USAGE}

  start [DIR]         create (or update) your workspace, my-jit/ by default
  contract [N...]     check that each chapter's tests fail against its stubs (default: every chapter)
    --reference       against the book's own code instead: every test must pass
    --parallel=K      chapters checked at once (default 2)
  stubs N             print chapter N's stubs (what start writes), to read them
  -h, --help          this text`;

await runMain(async () => {
  const parsed = parseCommand(
    process.argv.slice(2),
    HELP,
    { allowPositionals: true, options: { reference: { type: "boolean" }, parallel: { type: "string" } } },
    console.log,
    (problem) => new WorkbookUsageError(`${problem.split("\n")[0]}. ${USAGE}`),
  );
  if (parsed === null) return;
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (command !== "contract" && (values.reference !== undefined || values.parallel !== undefined)) {
    throw new WorkbookUsageError(`--reference and --parallel are contract's options. ${USAGE}`);
  }
  switch (command) {
    case "start": {
      if (args.length > 1) throw new WorkbookUsageError(`start takes one folder at most. ${USAGE}`);
      const report = await start(args[0]);
      console.log(formatStart(report));
      if (report.skipped.length > 0) process.exitCode = 1; // the book's own lesson list is broken: say so
      return;
    }
    case "contract": {
      const unknown = args.filter((a) => !/^\d+$/.test(a));
      if (unknown.length > 0) throw new WorkbookUsageError(`unknown argument '${unknown[0]}'. ${USAGE}`);
      const parallel = values.parallel === undefined ? 2 : /^\d+$/.test(values.parallel) ? Number(values.parallel) : NaN;
      if (!(parallel >= 1)) throw new WorkbookUsageError(`--parallel must be a whole number, 1 or more, not '${values.parallel}'. ${USAGE}`);
      const chapters = args.length > 0 ? args.map((n) => chapterOnDisk(Number(n))) : chaptersOnDisk();
      const results = await checkContract(chapters, { reference: values.reference === true, parallel, onResult: (r) => console.log(formatContract([r])) });
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
