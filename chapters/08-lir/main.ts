// Lower a Brainfuck program to LIR and print it, or run it with the LIR interpreter:
//   bun chapters/08-lir/main.ts prog.b --emit=lir [--positions]
//   bun chapters/08-lir/main.ts prog.b [--tape N] [--eof unchanged|zero|max] [--max-steps N] [--stats]
//   bun chapters/08-lir/main.ts -e '[->+<]' --emit=lir
// A file ending in .lir is LIR text: it is parsed, verified, and printed back or run.
import { readFileSync } from "node:fs";
import { runMain } from "../../shared/main.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { parse } from "../06-interpreter/parser.ts";
import { CliError, diagnostic, parseLirArgs, type LirInvocation } from "./cli.ts";
import { LirError } from "./errors.ts";
import { interpretLir } from "./interpret-lir.ts";
import { countOps, innerOps, type Op } from "./lir.ts";
import { lower } from "./lower.ts";
import { parseLir } from "./parse-lir.ts";
import { print } from "./print.ts";
import { verify } from "./verify.ts";

const USAGE =
  "usage: bun chapters/08-lir/main.ts (prog.b | prog.lir | -e CODE) [--emit=lir [--positions]] " +
  "[--tape N] [--eof unchanged|zero|max] [--max-steps N] [--stats]";

const DEMO = "++++++++[>++++++++<-]>+.";

// #region run
/** Print or run one program; diagnostics go to `report`. True when it ran (or printed) clean. */
function run(name: string, source: string, inv: LirInvocation, report: (line: string) => void): boolean {
  try {
    const started = performance.now();
    const lir = name.endsWith(".lir") ? parseLir(source) : lower(parse(source));
    verify(lir);
    if (inv.emit !== null) {
      process.stdout.write(print(lir, { positions: inv.positions }));
      return true;
    }
    const lowered = performance.now();
    const input = readsInput(lir.ops) ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
    const result = interpretLir(lir, { input, tapeSize: inv.tapeSize, eof: inv.eof, maxSteps: inv.maxSteps });
    const ran = performance.now();
    process.stdout.write(result.output);
    if (result.error) report(diagnostic(name, result.error));
    if (inv.stats) report(`${name}: ${countOps(lir.ops)} LIR ops, made in ${ms(lowered - started)}, ran in ${ms(ran - lowered)}`);
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

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}

function readSource(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`, USAGE);
  }
}

runMain(() => {
  const inv = parseLirArgs(process.argv.slice(2), USAGE, ["lir"]);
  if (inv.file !== null) {
    if (!run(inv.file, inv.code ?? readSource(inv.file), inv, console.error)) process.exitCode = 1;
    return;
  }
  console.log(`No program given, so here is ${DEMO}, lowered to LIR:\n`);
  run("demo.b", DEMO, { ...inv, emit: "lir" }, console.log);
  console.log(`\nand run by the LIR interpreter:\n`);
  run("demo.b", DEMO, inv, console.log);
  console.log();
});
