// Optimize a Brainfuck program's LIR, then print it or run it with the LIR interpreter:
//   bun chapters/09-optimizer/main.ts prog.b --emit=opt-lir [--stats] [--positions]
//   bun chapters/09-optimizer/main.ts prog.b [--passes fold-offsets,clear-loops] [--stats]
//   bun chapters/09-optimizer/main.ts -e '[->+<]' --emit=opt-lir
// --emit=lir prints the LIR before optimizing; --passes picks the passes and their order.
import { readFileSync } from "node:fs";
import { runMain } from "../../shared/main.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { parse } from "../06-interpreter/parser.ts";
import { CliError, diagnostic, parseLirArgs, type LirInvocation } from "../08-lir/cli.ts";
import { LirError } from "../08-lir/errors.ts";
import { interpretLir } from "../08-lir/interpret-lir.ts";
import { innerOps, type Op } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { print } from "../08-lir/print.ts";
import { DEFAULT_PIPELINE, formatStats, optimize } from "./optimize.ts";

const USAGE =
  "usage: bun chapters/09-optimizer/main.ts (prog.b | -e CODE) [--emit=lir|opt-lir [--positions]] " +
  "[--passes a,b,...] [--stats] [--tape N] [--eof unchanged|zero|max] [--max-steps N]";

const DEMO = "+++++[>+++++++++++++<-]>.[-]++++++++++.";

// #region run
function run(name: string, source: string, inv: LirInvocation, passes: readonly string[], report: (line: string) => void): boolean {
  try {
    const lowered = lower(parse(source));
    if (inv.emit === "lir") {
      process.stdout.write(print(lowered, { positions: inv.positions }));
      return true;
    }
    const { lir, stats } = optimize(lowered, { passes });
    if (inv.stats) report(formatStats(stats));
    if (inv.emit === "opt-lir") {
      process.stdout.write(print(lir, { positions: inv.positions }));
      return true;
    }
    const input = readsInput(lir.ops) ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
    const started = performance.now();
    const result = interpretLir(lir, { input, tapeSize: inv.tapeSize, eof: inv.eof, maxSteps: inv.maxSteps });
    const ran = performance.now() - started;
    process.stdout.write(result.output);
    if (result.error) report(diagnostic(name, result.error));
    if (inv.stats) report(`${name}: ran in ${ran.toFixed(1)} ms`);
    return result.error === null;
  } catch (e) {
    if (!(e instanceof BrainfuckError || e instanceof LirError)) throw e;
    report(diagnostic(name, e));
    return false;
  }
}
// #endregion

function readsInput(ops: readonly Op[]): boolean {
  return ops.some((op) => op.kind === "in" || innerOps(op).some(readsInput));
}

/** --passes a,b,c (taken out of argv before the rest is parsed). */
function takePasses(argv: string[]): readonly string[] {
  const i = argv.findIndex((a) => a === "--passes" || a.startsWith("--passes="));
  if (i < 0) return DEFAULT_PIPELINE;
  const value = argv[i] === "--passes" ? argv[i + 1] : argv[i]!.slice("--passes=".length);
  if (value === undefined) throw new CliError("--passes needs a list, e.g. --passes fold-offsets,clear-loops", USAGE);
  argv.splice(i, argv[i] === "--passes" ? 2 : 1);
  return value === "" ? [] : value.split(",");
}

function readSource(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, USAGE);
  }
}

runMain(() => {
  const argv = process.argv.slice(2);
  const passes = takePasses(argv);
  const inv = parseLirArgs(argv, USAGE, ["lir", "opt-lir"]);
  if (inv.file !== null) {
    if (!run(inv.file, inv.code ?? readSource(inv.file), inv, passes, console.error)) process.exitCode = 1;
    return;
  }
  console.log(`No program given, so here is ${DEMO}. Its LIR:\n`);
  run("demo.b", DEMO, { ...inv, emit: "lir" }, passes, console.log);
  console.log(`\nOptimized, pass by pass:\n`);
  run("demo.b", DEMO, { ...inv, emit: "opt-lir", stats: true }, passes, console.log);
  console.log(`\nRun by the LIR interpreter:\n`);
  run("demo.b", DEMO, inv, passes, console.log);
});
