// Run a Brainfuck program with the reference interpreter:
//   bun chapters/06-interpreter/main.ts prog.b [--tape N] [--eof unchanged|zero|max] [--max-steps N] [--stats]
// Standard input is the program's input, standard output its output. An error is printed the way a
// compiler prints one, "prog.b:3:14: error: ...", and the exit code is 1.
import { readFileSync } from "node:fs";
import { runMain } from "../../shared/main.ts";
import { errorLine, parseArgs, parseOrReport, readProgram, type Invocation } from "./cli.ts";
import { fold, interpretWithStats } from "./interpreter.ts";
import { fdSink } from "./write-all.ts";

const DEMO_NAME = "hello.b";
const DEMO = `Hello World
++++++++++[>+++++++>++++++++++>+++>+<<<<-]>++.>+.+++++++..+++.>++++++++++++++.
------------.<<+++++++++++++++.>.+++.------.--------.>+.>.`;
const DEMO_ERROR = `walk right three cells and then left four
>>> <<<<`;

/** Run one program; diagnostics go to `report` (stderr, except in the demo). True when it ran clean. */
function run(name: string, source: string, inv: Invocation, report: (line: string) => void): boolean {
  const started = performance.now();
  const program = parseOrReport(name, source, report);
  if (program === null) return false;
  const parsed = performance.now();
  // Read standard input only for a program that reads: a terminal would otherwise wait for Ctrl-D.
  const input = program.commands.includes(",") ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
  // The output streams to standard output as it is made: a reader that closes it stops the run.
  const { result, steps } = interpretWithStats(program, { input, tapeSize: inv.tapeSize, eof: inv.eof, maxSteps: inv.maxSteps }, fdSink(1));
  const ran = performance.now();
  if (result.error) report(errorLine(name, result.error));
  if (inv.stats) {
    report(
      `${name}: ${program.length} commands (${fold(program).ops.length} after folding), ` +
        `parsed in ${seconds(parsed - started)}; ${steps} steps in ${seconds(ran - parsed)}`,
    );
  }
  return result.error === null;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

runMain(() => {
  const inv = parseArgs(process.argv.slice(2));
  if (inv === null) return; // --help
  if (inv.file !== null) {
    if (!run(inv.file, readProgram(inv.file), inv, console.error)) process.exitCode = 1;
    return;
  }
  console.log(`No program given, so here is a built-in one, ${DEMO_NAME}:\n`);
  run(DEMO_NAME, DEMO, { ...inv, stats: true }, console.log);
  console.log(`\nAnd one that walks off the tape; the error names the exact command:\n`);
  run("walk.b", DEMO_ERROR, inv, console.log);
});
