// Compile a Brainfuck program to WebAssembly and run it, or show the module:
//   bun chapters/13-wasm-backend/main.ts prog.b [--tape N] [--eof unchanged|zero|max] [--max-steps N] [--stats[=json]]
//   bun chapters/13-wasm-backend/main.ts prog.b --emit=wat|hex|lir|opt-lir
//   bun chapters/13-wasm-backend/main.ts -e '[->+<]' --emit=wat
// --lowered skips chapter 9's optimizer; --stats=json prints the figures as one line of JSON, the way
// chapter 9's main.ts does for the benchmark. Standard input is the program's input. Pure TypeScript and
// the engine's WebAssembly: it runs under Node too (npx tsx chapters/13-wasm-backend/main.ts ...).
import { readFileSync } from "node:fs";
import { optionalValue } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { parse } from "../06-interpreter/parser.ts";
import { fdSink } from "../06-interpreter/write-all.ts";
import { diagnostic, parseLirArgs, readSource, readsInput, type LirInvocation } from "../08-lir/cli.ts";
import { LirError, MAX_NESTING } from "../08-lir/errors.ts";
import { interpretLir } from "../08-lir/interpret-lir.ts";
import { countOps, type Lir } from "../08-lir/lir.ts";
import { lower } from "../08-lir/lower.ts";
import { print } from "../08-lir/print.ts";
import { optimize } from "../09-optimizer/optimize.ts";
import "../09-optimizer/collect-bun.ts"; // the collections between passes, in Bun
import { decodeModule } from "./decode.ts";
import { hexDump } from "./hex-dump.ts";
import { WasmProgram } from "./wasm-program.ts";

const USAGE = `usage: bun chapters/13-wasm-backend/main.ts (prog.b | -e CODE) [--emit=wat|hex|lir|opt-lir] [--lowered] [--tape N] [--eof unchanged|zero|max] [--max-steps N] [--stats[=json]]

Compile a Brainfuck program to WebAssembly and run it, or show the module. Standard input is the
program's input, standard output its output. Without a program, a built-in demo.

  -e CODE           the program itself, instead of a file
  --emit=FORM       print instead of running: wat (the module as text), hex (its bytes), lir, opt-lir
  --lowered         skip chapter 9's optimizer: compile the LIR as lowered
  --tape N          cells on the tape (default 30000)
  --eof MODE        what ',' leaves in the cell at the end of the input: unchanged, zero or max
  --max-steps N     stop after N loop tests with an error
  --stats[=json]    sizes and times on stderr (=json: one line of JSON, as chapter 9's main.ts prints them)
  -h, --help        this text`;

const DEMO = "++++++++[>++++++++<-]>+ <++++++++++++++++++++++++++[>.+<-]";

// #region run
/** Show or run one program; diagnostics go to `report`. True when it ran (or showed) clean. */
function run(name: string, source: string, inv: LirInvocation & { readonly json: boolean }, optimized: boolean, report: (line: string) => void): boolean {
  try {
    const started = performance.now();
    // The passes and the module's generation recurse once per level of nesting: a program nested
    // deeper than MAX_NESTING runs with chapter 8's LIR interpreter instead (its module is refused).
    const running = inv.emit === null || inv.emit === "lir";
    const parsed = parse(source);
    if (inv.emit === null && parsed.depth > MAX_NESTING) return runDeep(name, lower(parsed, { maxNesting: Infinity }), inv, parsed.depth, report);
    // The passes get a function that lowers, so that nothing here keeps the lowered LIR (LirSource).
    const lowering = () => lower(parsed, { maxNesting: running ? Infinity : MAX_NESTING });
    const lir = optimized && inv.emit !== "lir" ? optimize(lowering).lir : lowering();
    const frontEndMs = performance.now() - started;
    if (inv.emit === "lir" || inv.emit === "opt-lir") {
      process.stdout.write(print(lir, { positions: inv.positions }));
      return true;
    }
    const program = new WasmProgram(lir);
    const fuel = inv.maxSteps !== undefined;
    if (inv.emit === "wat") process.stdout.write(program.wat(fuel));
    if (inv.emit === "hex") process.stdout.write(hexDump(program.bytes(fuel)));
    if (inv.emit !== null) return true;

    const { generateMs, compileMs, code } = program.variant(fuel);
    const input = readsInput(lir.ops) ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
    const options = { input, tapeSize: inv.tapeSize, eof: inv.eof, ...(fuel ? { maxSteps: inv.maxSteps } : {}) };
    const { result, stats } = program.runWithStats(options, fdSink(1)); // streamed, synchronously
    if (result.error) report(diagnostic(name, result.error));
    if (inv.stats && inv.json) {
      const compile = frontEndMs + generateMs + compileMs;
      report(JSON.stringify({ tier: "wasm", compileMs: compile, runMs: stats.runMs, codeSize: code.bytes.length, steps: stats.steps }));
    } else if (inv.stats) {
      const functions = decodeModule(code.bytes).functions.length;
      report(
        `${name}: ${countOps(lir.ops)} LIR ops${optimized ? " after optimizing" : ""}, ${code.bytes.length} bytes of WebAssembly in ${functions} functions; ` +
          `parse to LIR ${ms(frontEndMs)}, LIR to module ${ms(generateMs)}, engine compile ${ms(compileMs)}, run ${ms(stats.runMs)}` +
          (stats.steps === null ? "" : `, ${stats.steps} loop tests`),
      );
    }
    return result.error === null;
  } catch (e) {
    if (!(e instanceof BrainfuckError || e instanceof LirError)) throw e;
    report(diagnostic(name, e));
    return false;
  }
}
// #endregion

/** A program nested too deep for the module: chapter 8's LIR interpreter runs it, and --stats says why. */
function runDeep(name: string, lir: Lir, inv: LirInvocation & { readonly json: boolean }, depth: number, report: (line: string) => void): boolean {
  const input = readsInput(lir.ops) ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
  const started = performance.now();
  const options = { input, tapeSize: inv.tapeSize, eof: inv.eof, ...(inv.maxSteps === undefined ? {} : { maxSteps: inv.maxSteps }) };
  const result = interpretLir(lir, options, fdSink(1));
  const runMs = performance.now() - started;
  if (result.error) report(diagnostic(name, result.error));
  if (inv.stats && inv.json) report(JSON.stringify({ tier: "wasm", compileMs: 0, runMs, codeSize: 0, fallback: "lir-interpreter" }));
  else if (inv.stats) report(`${name}: loops nested ${depth} deep, past the ${MAX_NESTING} the module takes: run by the LIR interpreter in ${ms(runMs)}`);
  return result.error === null;
}

function ms(t: number): string {
  return `${t.toFixed(1)} ms`;
}

runMain(() => {
  const stats = optionalValue(process.argv.slice(2), "stats", "json");
  const parsed = parseLirArgs(stats.argv, USAGE, ["wat", "hex", "lir", "opt-lir"], { lowered: { type: "boolean" } });
  if (parsed === null) return; // --help
  const optimized = parsed.values.lowered !== true;
  const inv = { ...parsed, json: stats.given };
  if (inv.file !== null) {
    if (!run(inv.file, inv.code ?? readSource(inv.file, USAGE), inv, optimized, console.error)) process.exitCode = 1;
    return;
  }
  console.log(`No program given, so here is ${DEMO}, optimized:\n`);
  run("demo.b", DEMO, { ...inv, emit: "opt-lir" }, optimized, console.log);
  console.log(`\nas a WebAssembly module, ${new WasmProgram(optimize(lower(parse(DEMO))).lir).bytes().length} bytes:\n`);
  run("demo.b", DEMO, { ...inv, emit: "hex" }, optimized, console.log);
  console.log(`\nand run:\n`);
  run("demo.b", DEMO, inv, optimized, console.log);
  console.log();
});
