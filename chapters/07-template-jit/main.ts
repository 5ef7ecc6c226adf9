// Run a Brainfuck program with the template JIT:
//   bun chapters/07-template-jit/main.ts prog.b [--tape N] [--eof unchanged|zero|max] [--input FILE]
//                                                [--emit=asm|hex] [--stats] [--compare]
// Standard input is the program's input (read by the generated code itself, one byte per `,`),
// standard output its output (written by the generated code, a buffer at a time). Errors are printed
// as "prog.b:3:14: error: ...", exit code 1. Without a program, a tour of the chapter.
import { runMain } from "../../shared/main.ts";
import { Asm } from "../05-control-flow/labels.ts";
import { errorLine, parseOrReport, readBytes, readProgram } from "../06-interpreter/cli.ts";
import { parse, type Program } from "../06-interpreter/parser.ts";
import type { RunOptions } from "../06-interpreter/semantics.ts";
import { USAGE, parseArgs, type JitInvocation } from "./cli.ts";
import { compareWithInterpreter, formatComparison } from "./compare.ts";
import { hexDump } from "./listing.ts";
import { DEFAULT_BUFFER_SIZE } from "./runtime.ts";
import { templateJit } from "./template-jit.ts";
import type { RunIO } from "./tier.ts";
import { emitAdd, emitClose, emitInput, emitMove, emitOpen, emitOutput } from "./templates.ts";

const HELLO = `++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.>>.<-.<.+++.------.--------.>>+.>++.`;
// 26 letters, and between two letters loops that copy a cell back and forth: 127 million steps.
const BUSY = `++++++++[>++++++++<-]>+>++++++++++++++++++++++++++[<.+>>++++++++++[>-[>++[>+>+<<-]>>[<<+>>-]<<<-]<-]<-]++++++++++.`;
const OFF_TAPE = `walk right three cells and then left four\n>>> <<<<`;
// 8^6 = 262,144 zero bytes of output, and little else.
const LOUD = `++++++++[>++++++++[>++++++++[>++++++++[>++++++++[>++++++++[>.<-]<-]<-]<-]<-]<-]`;

// #region run
function run(name: string, program: Program, inv: JitInvocation, input: Uint8Array | null): boolean {
  let t = performance.now();
  using compiled = templateJit.compile(program);
  const compileMs = performance.now() - t;
  if (inv.emit !== null) {
    console.log(inv.emit === "asm" ? compiled.listing() : hexDump(compiled.code()));
    return true;
  }
  const opts: RunOptions = {
    tapeSize: inv.tapeSize,
    eof: inv.eof,
    ...(inv.maxSteps === undefined ? {} : { maxSteps: inv.maxSteps }),
    ...(input === null ? {} : { input }),
  };
  // The generated code reads and writes the real file descriptors: no byte goes through JavaScript.
  const io: RunIO = { outputFd: 1, ...(input === null ? { inputFd: 0 } : {}) };
  t = performance.now();
  const { result, stats } = compiled.runWithStats(opts, io);
  const runMs = performance.now() - t;
  if (result.error) console.error(errorLine(name, result.error));
  if (inv.stats) {
    console.error(
      `${name}: compiled ${program.length} commands into ${compiled.codeSize} bytes of code in ${compileMs.toFixed(1)} ms; ` +
        `ran in ${runMs.toFixed(1)} ms (${stats.runMs.toFixed(1)} ms in the code), ${plural(stats.writes, "write")}, ${plural(stats.reads, "read")}`,
    );
  }
  return result.error === null;
}
// #endregion run

function compare(name: string, program: Program, inv: JitInvocation, input: Uint8Array | null): boolean {
  const c = compareWithInterpreter(program, { tapeSize: inv.tapeSize, eof: inv.eof, input: input ?? new Uint8Array(0) });
  console.log(formatComparison(name, c));
  return c.difference === null;
}

// #region tour
function tour(): void {
  console.log("Each command is a fixed template (rbx: cell index, r12: tape, r13: tape size, r14: context, r15: output):\n");
  const templates: [string, (a: Asm) => void][] = [
    ["+++", (a) => emitAdd(a, "+", 3)],
    ["-", (a) => emitAdd(a, "-", 1)],
    [">>", (a) => emitMove(a, ">", 2, a.newLabel("off_tape"))],
    ["<", (a) => emitMove(a, "<", 1, a.newLabel("off_tape"))],
    [".", (a) => emitOutput(a, a.newLabel("flush"), a.newLabel("leave"))],
    [",", (a) => emitInput(a, a.newLabel("input"), a.newLabel("leave"))],
    ["[", (a) => emitOpen(a, a.newLabel("body"), a.newLabel("end"))],
    ["]", (a) => {
      const body = a.newLabel("body");
      emitClose(a.bind(body), body, a.newLabel("end")); // body is behind: a short jump back
    }],
  ];
  for (const [command, emit] of templates) {
    const a = new Asm();
    emit(a);
    const lines = a.listing.map((l) => `${l.text.padEnd(34)} ${[...l.bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ")}`);
    console.log(lines.map((l, i) => `  ${(i === 0 ? command : "").padEnd(5)} ${l}`).join("\n"));
  }

  const hello = parse(HELLO);
  using compiled = templateJit.compile(hello);
  const { result, stats } = compiled.runWithStats();
  console.log(`\nhello.b, ${hello.length} commands -> ${compiled.codeSize} bytes of code; it printed ` +
    `${JSON.stringify(new TextDecoder().decode(result.output))} with ${plural(stats.writes, "call")} to write`);

  using walkCode = templateJit.compile(parse(OFF_TAPE));
  const walk = walkCode.run();
  console.log(`\nwalk.b stops where the interpreter stops, with ${walk.error?.name}:\n  ${errorLine("walk.b", walk.error!)}`);

  buffering();

  console.log(`\nSide by side, on a busy program:\n`);
  console.log(formatComparison("busy.b", compareWithInterpreter(parse(BUSY), {})));
}
// #endregion tour

// #region buffering
/** The same output written through a 1-byte buffer (a write per byte) and through the usual 64 KiB. */
function buffering(): void {
  using loud = templateJit.compile(parse(LOUD));
  console.log(`\nWhy output is buffered: loud.b prints 262,144 bytes (into a memory file)`);
  for (const bufferSize of [1, DEFAULT_BUFFER_SIZE]) {
    const { result, stats } = loud.runWithStats({}, { bufferSize });
    const ns = (stats.runMs * 1e6) / result.output.length;
    console.log(`  a ${String(bufferSize).padStart(5)}-byte buffer: ${String(stats.writes).padStart(6)} writes, ${stats.runMs.toFixed(1).padStart(6)} ms, ${ns.toFixed(1).padStart(5)} ns per byte`);
  }
}
// #endregion buffering

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

runMain(() => {
  const inv = parseArgs(process.argv.slice(2));
  if (inv === null) return; // --help
  if (inv.file === null) return tour();
  // Flags first (parseArgs), then the files, then the parse: a bad --input costs no compile.
  const input = inv.input === null ? null : readBytes(inv.input, USAGE);
  const source = readProgram(inv.file, USAGE);
  const program = parseOrReport(inv.file, source, console.error);
  if (program === null) {
    process.exitCode = 1;
    return;
  }
  const ok = inv.compare ? compare(inv.file, program, inv, input) : run(inv.file, program, inv, input);
  if (!ok) process.exitCode = 1;
});
