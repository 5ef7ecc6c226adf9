// Lower a Brainfuck program to LIR and print it, or run it with the LIR interpreter:
//   bun chapters/08-lir/main.ts prog.b --emit=lir [--positions]
//   bun chapters/08-lir/main.ts prog.b [--tape N] [--eof unchanged|zero|max] [--max-steps N] [--stats]
//   bun chapters/08-lir/main.ts -e '[->+<]' --emit=lir
// or compile it to x86-64: --emit=asm|hex prints the LIR JIT's machine code (--own: only the code
// of the program's ops, not the entry, exits and I/O routines every program has), --jit runs it.
// A file ending in .lir is LIR text: it is parsed, verified, and printed back or run.
import { readFileSync } from "node:fs";
import { runMain } from "../../shared/main.ts";
import { Asm } from "../05-control-flow/labels.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { parse } from "../06-interpreter/parser.ts";
import { fdSink } from "../06-interpreter/write-all.ts";
import { diagnostic, parseLirArgs, readSource, readsInput, type LirInvocation } from "./cli.ts";
import { LirError } from "./errors.ts";
import { interpretLir } from "./interpret-lir.ts";
import { gnuListing, hexDump } from "../07-template-jit/listing.ts";
import { libcIo, nativeSettings } from "../07-template-jit/runtime.ts";
import { lirToX86, ownListing } from "./codegen-x86.ts";
import { loadLir } from "./lir-jit.ts";
import { countOps, type Lir } from "./lir.ts";
import { lower } from "./lower.ts";
import { parseLir } from "./parse-lir.ts";
import { print } from "./print.ts";
import { verify } from "./verify.ts";

const USAGE = `usage: bun chapters/08-lir/main.ts (prog.b | prog.lir | -e CODE) [--emit=lir|asm|hex [--positions] [--own]] [--jit] [--tape N] [--eof unchanged|zero|max] [--max-steps N] [--stats]

Lower a Brainfuck program (or read LIR text, a .lir file) to LIR, and print it or run it with the LIR
interpreter; or compile it to x86-64. Without a program, a built-in demo.

  -e CODE           the program itself, instead of a file
  --emit=lir        print the LIR (--positions: each op's source position too)
  --emit=asm|hex    print the LIR JIT's machine code (--own: the program's own ops only)
  --jit             run with the LIR JIT instead of the LIR interpreter
  --tape N          a fixed tape of N cells (default: a tape that grows to the right)
  --eof MODE        what ',' leaves in the cell at the end of the input: unchanged, zero or max
  --max-steps N     stop after N steps with an error (the LIR interpreter)
  --stats           op count, code size and times on stderr
  -h, --help        this text`;

const DEMO = "++++++++[>++++++++<-]>+.";

/** This chapter's x86 options: run with the LIR JIT, list only the program's own code. */
interface Flags {
  readonly jit: boolean;
  readonly own: boolean;
}
const NO_FLAGS: Flags = { jit: false, own: false };

// #region run
/** Print or run one program; diagnostics go to `report`. True when it ran (or printed) clean. */
function run(name: string, source: string, inv: LirInvocation, report: (line: string) => void, flags: Flags = NO_FLAGS): boolean {
  try {
    const started = performance.now();
    // Every stage here walks the LIR with a stack of its own: no depth of nesting is refused.
    const lir = name.endsWith(".lir") ? parseLir(source, { maxNesting: Infinity }) : lower(parse(source), { maxNesting: Infinity });
    verify(lir);
    if (inv.emit === "asm" || inv.emit === "hex") {
      const code = lirToX86(lir, libcIo(), new Asm({ listing: inv.emit === "asm" })); // bytes need no listing
      console.log(inv.emit === "hex" ? hexDump(code.asm.finish()) : flags.own ? ownListing(code) : gnuListing(code.asm));
      return true;
    }
    if (inv.emit !== null) {
      process.stdout.write(print(lir, { positions: inv.positions }));
      return true;
    }
    if (flags.jit) return runNative(name, lir, inv, started, report);
    const lowered = performance.now();
    const input = readsInput(lir.ops) ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
    const result = interpretLir(lir, { input, tapeSize: inv.tapeSize, eof: inv.eof, maxSteps: inv.maxSteps }, fdSink(1)); // streamed
    const ran = performance.now();
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

// #region run-native
/** --jit: the LIR JIT's code reads standard input and writes standard output itself. */
function runNative(name: string, lir: Lir, inv: LirInvocation, started: number, report: (line: string) => void): boolean {
  using program = loadLir(lir, "lir");
  const compiled = performance.now();
  const opts = { tapeSize: inv.tapeSize, eof: inv.eof, ...(inv.maxSteps === undefined ? {} : { maxSteps: inv.maxSteps }) };
  const { result, stats } = program.runWithStats(opts, { inputFd: 0, outputFd: 1 });
  if (result.error) report(diagnostic(name, result.error));
  if (inv.stats) {
    report(`${name}: ${countOps(lir.ops)} LIR ops, compiled to ${program.codeSize} bytes of x86-64 in ${ms(compiled - started)}, ran in ${ms(stats.runMs)}`);
  }
  return result.error === null;
}
// #endregion run-native

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}

runMain(() => {
  const parsed = parseLirArgs(process.argv.slice(2), USAGE, ["lir", "asm", "hex"], { jit: { type: "boolean" }, own: { type: "boolean" } });
  if (parsed === null) return; // --help
  const { values, ...inv } = parsed;
  const flags = { jit: values.jit === true, own: values.own === true };
  // The LIR JIT counts no steps: its refusal of --max-steps comes now, before a file is read.
  if (flags.jit && inv.maxSteps !== undefined) nativeSettings({ maxSteps: inv.maxSteps });
  if (inv.file !== null) {
    if (!run(inv.file, inv.code ?? readSource(inv.file, USAGE), inv, console.error, flags)) process.exitCode = 1;
    return;
  }
  console.log(`No program given, so here is ${DEMO}, lowered to LIR:\n`);
  run("demo.b", DEMO, { ...inv, emit: "lir" }, console.log);
  console.log(`\nand run by the LIR interpreter:\n`);
  run("demo.b", DEMO, inv, console.log);
  console.log();
});
