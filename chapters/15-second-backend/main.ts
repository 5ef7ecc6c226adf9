// Chapter 15's command: a Brainfuck program through chapter 8's LIR and chapter 9's passes to A64,
// listed (on any machine) or run (on an arm64 one):
//   bun chapters/15-second-backend/main.ts prog.b [--no-opt] [--tape N] [--eof unchanged|zero|max] [--stats]
//   bun chapters/15-second-backend/main.ts -e '+[->+<]' --emit=asm|lir
// On x86-64 a run says how to run the same command under qemu-user with npm's arm64 Bun.
import { runMain } from "../../shared/main.ts";
import { bunFFI } from "../01-pages/ffi.ts";
import { MACHINE } from "../02-first-bytes/aarch64.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { parse } from "../06-interpreter/parser.ts";
import { NativeProgram, libcIo, nativeSettings } from "../07-template-jit/runtime.ts";
import { CliError, diagnostic, parseLirArgs, readSource, type LirInvocation } from "../08-lir/cli.ts";
import { LirError } from "../08-lir/errors.ts";
import { countOps } from "../08-lir/lir.ts";
import { print } from "../08-lir/print.ts";
import { a64Code, a64Lir, lirToA64 } from "./a64-jit.ts";
import { ownListing } from "./lowering.ts";

const USAGE = `usage: bun chapters/15-second-backend/main.ts (prog.b | -e CODE) [--emit=lir|asm [--own]] [--opt | --no-opt] [--tape N] [--eof unchanged|zero|max] [--stats]

Compile a Brainfuck program to A64 (AArch64) code through chapter 8's LIR and chapter 9's passes, and
run it on an arm64 machine; on another, print how to run it under qemu-user. The listing prints
anywhere. Without a program, a built-in demo.

  -e CODE         the program itself, instead of a file
  --emit=asm      print the A64 listing: labels, offset, word and instruction
  --own           with --emit=asm: the program's own code only, not the entry, exits and routines
  --emit=lir      print the LIR the backend lowers
  --opt           run chapter 9's passes first (the default)
  --no-opt        lower chapter 8's LIR as it is
  --tape N        a fixed tape of N cells (default: a tape that grows to the right)
  --eof MODE      what ',' leaves in the cell at the end of the input: unchanged, zero or max
  --stats         op count, code size, calls to write and read on stderr
  -h, --help      this text`;

const DEMO = "++++++++[>++++++++<-]>+.";

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The same command, run by npm's arm64 Bun: under qemu-user here, directly on arm64. */
function elsewhere(argv: readonly string[]): string {
  const quoted = argv.map((a) => (/^[\w./=,:-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`));
  return `this machine is ${process.arch}, and this code is AArch64: run it with npm's arm64 Bun under qemu-user: npx bun shared/arm64-run.ts chapters/15-second-backend/main.ts${quoted.map((a) => ` ${a}`).join("")}`;
}

// #region run
/** Run on this arm64 machine: the code reads standard input and writes standard output itself. */
function run(name: string, source: string, inv: LirInvocation, opt: boolean): boolean {
  const lir = a64Lir(parse(source), opt);
  using program = NativeProgram.load(a64Code(lir));
  const { result, stats } = program.runWithStats({ tapeSize: inv.tapeSize, eof: inv.eof }, { inputFd: 0, outputFd: 1 });
  if (result.error) console.error(diagnostic(name, result.error));
  if (inv.stats) console.error(`${name}: ${countOps(lir.ops)} LIR ops, ${program.codeSize} bytes of A64 code, ${plural(stats.writes, "write")}, ${plural(stats.reads, "read")}`);
  return result.error === null;
}
// #endregion run

runMain(() => {
  const argv = process.argv.slice(2);
  const parsed = parseLirArgs(argv, USAGE, ["lir", "asm"], { opt: { type: "boolean" }, "no-opt": { type: "boolean" }, own: { type: "boolean" } });
  if (parsed === null) return; // --help
  const { values, ...inv } = parsed;
  if (values.opt === true && values["no-opt"] === true) throw new CliError("give --opt or --no-opt, not both", USAGE);
  if (inv.maxSteps !== undefined) nativeSettings({ maxSteps: inv.maxSteps }); // the code counts no steps
  const opt = values["no-opt"] !== true;
  const demo = inv.file === null;
  const name = inv.file ?? "demo.b";
  const source = demo ? DEMO : (inv.code ?? readSource(name, USAGE));
  try {
    if (demo) console.log(`No program given, so here is ${DEMO}, compiled to A64:\n`);
    if (demo || inv.emit === "asm") {
      const code = lirToA64(a64Lir(parse(source), opt), libcIo());
      console.log(values.own === true ? ownListing(code) : code.asm.text());
    }
    else if (inv.emit === "lir") process.stdout.write(print(a64Lir(parse(source), opt)));
    if (inv.emit !== null) return;
    if (MACHINE !== "arm64") {
      if (demo) return console.log(`\nTo run it: ${elsewhere([])}`);
      console.error(elsewhere(argv));
      process.exitCode = 1;
      return;
    }
    bunFFI("Chapter 15", ["arm64"]);
    if (demo) console.log("\nRun:\n");
    if (!run(name, source, inv, opt)) process.exitCode = 1;
  } catch (e) {
    if (!(e instanceof BrainfuckError || e instanceof LirError)) throw e;
    console.error(diagnostic(name, e));
    process.exitCode = 1;
  }
});
