// Run a Brainfuck program with any tier of the book, or print what a stage makes of it:
//   bun chapters/09-optimizer/main.ts prog.b [--tier interp|template|lir|opt] [--tape N] [--eof unchanged|zero|max] [--stats]
//   bun chapters/09-optimizer/main.ts prog.b --emit=lir|opt-lir|asm|hex [--tier template|lir|opt] [--own] [--positions]
//   bun chapters/09-optimizer/main.ts -e '[->+<]' --emit=opt-lir --stats
// The default tier is opt, the optimizing JIT. --passes a,b,... picks the passes and their order (for
// opt-lir and the opt tier). Standard input is the program's input and standard output its output:
// the native tiers' code reads and writes them itself. --stats=json prints the figures as one line
// of JSON (for the benchmark).
import { readFileSync } from "node:fs";
import { optionalValue } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { Asm } from "../05-control-flow/labels.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { interpret } from "../06-interpreter/interpreter.ts";
import { parse, type Program } from "../06-interpreter/parser.ts";
import type { RunOptions, RunResult } from "../06-interpreter/semantics.ts";
import { fdSink } from "../06-interpreter/write-all.ts";
import { generate, type Generated } from "../07-template-jit/generate.ts";
import { gnuListing, hexDump } from "../07-template-jit/listing.ts";
import { libcIo, nativeSettings } from "../07-template-jit/runtime.ts";
import type { RunStats } from "../07-template-jit/tier.ts";
import { CliError, diagnostic, parseLirArgs, readSource, readsInput, type LirInvocation } from "../08-lir/cli.ts";
import { lirToX86, ownListing, type X86Code } from "../08-lir/codegen-x86.ts";
import { LirError } from "../08-lir/errors.ts";
import { lower } from "../08-lir/lower.ts";
import { print } from "../08-lir/print.ts";
import { optToX86 } from "./codegen-opt.ts";
import { libcScanIo } from "./libc-scan.ts";
import { DEFAULT_PIPELINE, formatStats, optimize, passNamed } from "./optimize.ts";
import { compileMs, isTierName, prepare, TIER_TITLES, TIERS, type Prepared, type TierName } from "./tiers.ts";

const USAGE = `usage: bun chapters/09-optimizer/main.ts (prog.b | -e CODE) [--tier ${TIERS.join("|")}] [--emit=lir|opt-lir|asm|hex [--own] [--positions]] [--passes a,b,...] [--stats[=json]] [--tape N] [--eof unchanged|zero|max]

Run a Brainfuck program with any tier of the book so far, or print what a stage makes of it. Standard
input is the program's input, standard output its output. Without a program, a built-in demo.

  -e CODE             the program itself, instead of a file
  --tier T            ${TIERS.map((t) => `${t}: ${TIER_TITLES[t]}`).join("; ")} (default opt)
  --emit=FORM         print instead of running: lir, opt-lir (the optimized LIR), asm or hex (the tier's code)
  --own               with --emit=asm: only the program's own code, not the entry, exits and I/O routines
  --positions         with --emit=lir|opt-lir: each op's source position
  --passes a,b,...    the optimizer's passes and their order (default ${DEFAULT_PIPELINE.join(",")})
  --stats[=json]      stage times, code size and the pass table on stderr (=json: one line of JSON)
  --tape N            a fixed tape of N cells (default: a tape that grows to the right)
  --eof MODE          what ',' leaves in the cell at the end of the input: unchanged, zero or max
  --max-steps N       stop after N commands with an error (the interpreter only)
  -h, --help          this text`;

const DEMO = "+++++[>+++++++++++++<-]>.[-]++++++++++.";

interface Options {
  readonly tier: TierName;
  readonly passes: readonly string[];
  /** --stats=json: the figures as one line of JSON instead of sentences. */
  readonly json: boolean;
  /** --own: list only the program's own code (not the entry, exits and I/O routines). */
  readonly own: boolean;
}

// #region emit
/** --emit: print the LIR, the optimized LIR, or the machine code (as GNU as source, or hex). */
function emit(source: string, inv: LirInvocation, o: Options, report: (line: string) => void): void {
  const program = parse(source);
  if (inv.emit === "lir") return void process.stdout.write(print(lower(program, { maxNesting: Infinity }), { positions: inv.positions })); // any depth
  if (inv.emit === "opt-lir") {
    const { lir, stats } = optimize(lower(program), { passes: o.passes });
    if (inv.stats) report(formatStats(stats));
    return void process.stdout.write(print(lir, { positions: inv.positions }));
  }
  const code = machineCode(program, o, inv.emit === "asm");
  if (inv.emit === "hex") return console.log(hexDump(code.asm.finish()));
  // Chapter 7's code has no "own" part to show apart: a template JIT's program is all templates.
  console.log(o.own && "own" in code ? ownListing(code) : gnuListing(code.asm));
}

const NO_MACHINE_CODE = "the interpreter makes no machine code: --emit=asm and --emit=hex need --tier template, lir or opt";

/**
 * The code `o.tier` makes of `program`, without loading it (only libc's addresses are needed), with a
 * listing only when `listing` asks for one: bytes need none.
 */
function machineCode(program: Program, o: Options, listing: boolean): X86Code | Generated {
  const a = new Asm({ listing });
  switch (o.tier) {
    case "interp":
      throw new CliError(NO_MACHINE_CODE, USAGE);
    case "template":
      return generate(program, libcIo(), a);
    case "lir":
      return lirToX86(lower(program, { maxNesting: Infinity }), libcIo(), a); // chapter 8's stages take any depth
    case "opt":
      return optToX86(optimize(lower(program), { passes: o.passes }).lir, libcScanIo(), a);
  }
}
// #endregion emit

// #region run
/** Run the program with the tier; diagnostics and --stats go to `report`. True when it ran clean. */
function run(name: string, source: string, inv: LirInvocation, o: Options, report: (line: string) => void): boolean {
  const prepared = prepare(source, o.tier, o.passes);
  const opts: RunOptions = { tapeSize: inv.tapeSize, eof: inv.eof, ...(inv.maxSteps === undefined ? {} : { maxSteps: inv.maxSteps }) };
  const started = performance.now();
  const { result, stats } = execute(prepared, opts);
  const runMs = performance.now() - started;
  if (result.error) report(diagnostic(name, result.error));
  if (inv.stats) report(o.json ? statsJson(prepared, runMs, stats) : statsText(name, prepared, runMs, stats));
  return result.error === null;
}

/**
 * The native tiers read standard input and write standard output themselves (no byte goes through
 * JavaScript); the interpreter reads its input first, if the program has a `,`.
 */
function execute(p: Prepared, opts: RunOptions): { result: RunResult; stats: RunStats | null } {
  if (p.compiled === null) {
    const input = p.program.commands.includes(",") ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
    const result = interpret(p.program, { ...opts, input }, fdSink(1)); // streamed
    return { result, stats: null };
  }
  try {
    return p.compiled.runWithStats(opts, { inputFd: 0, outputFd: 1 });
  } finally {
    p.compiled.free();
  }
}
// #endregion run

// #region stats
function statsText(name: string, p: Prepared, runMs: number, stats: RunStats | null): string {
  const t = p.times;
  const stages = [
    `parsed in ${ms(t.parseMs)}`,
    ...(t.lowerMs === undefined ? [] : [`lowered in ${ms(t.lowerMs)}`]),
    ...(t.optimizeMs === undefined ? [] : [`optimized in ${ms(t.optimizeMs)}`]),
    ...(t.codegenMs === undefined ? [] : [`compiled to ${p.compiled!.codeSize} bytes of code in ${ms(t.codegenMs)}`]),
  ];
  const io = stats === null ? "" : ` (${ms(stats.runMs)} in the code), ${plural(stats.writes, "write")}, ${plural(stats.reads, "read")}`;
  return [
    ...(p.passes ? [formatStats(p.passes)] : []),
    ...(p.fallback === undefined ? [] : [`${name}: ${p.tier}: ${p.fallback}`]),
    `${name}: ${p.tier}: ${stages.join(", ")}`,
    `${name}: ran in ${ms(runMs)}${io}`,
  ].join("\n");
}

/** The same figures as JSON, one line, for tools (shared/bf-bench.ts reads it). */
function statsJson(p: Prepared, runMs: number, stats: RunStats | null): string {
  return JSON.stringify({
    tier: p.tier,
    ...p.times,
    compileMs: compileMs(p.times),
    runMs,
    codeMs: stats?.runMs ?? runMs,
    codeSize: p.compiled?.codeSize ?? 0,
  });
}
// #endregion stats

const ms = (t: number): string => `${t.toFixed(1)} ms`;
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** This chapter's options, after chapter 8's: the tier, the passes, --own; every one checked before the program is read. */
function parse9(argv: readonly string[]): { inv: LirInvocation; o: Options } | null {
  const stats = optionalValue(argv, "stats", "json");
  const parsed = parseLirArgs(stats.argv, USAGE, ["lir", "opt-lir", "asm", "hex"], {
    tier: { type: "string" },
    passes: { type: "string" },
    own: { type: "boolean" },
  }, { passes: "--passes needs a list, e.g. --passes fold-offsets,clear-loops", tier: `--tier needs a value: ${TIERS.join(", ")}` });
  if (parsed === null) return null;
  const { values, ...inv } = parsed;
  const tier = values.tier ?? "opt";
  if (!isTierName(tier)) throw new CliError(`--tier must be ${TIERS.join(", ")}, not '${tier}'`, USAGE);
  const passes = values.passes;
  const names = passes === undefined ? DEFAULT_PIPELINE : passes === "" ? [] : passes.split(",");
  names.forEach(passNamed); // an unknown pass is refused now, before the program is read
  if (tier === "interp" && (inv.emit === "asm" || inv.emit === "hex")) throw new CliError(NO_MACHINE_CODE, USAGE);
  // The native tiers count no steps: their refusal of --max-steps comes now too.
  if (tier !== "interp" && inv.maxSteps !== undefined && inv.emit === null) nativeSettings({ maxSteps: inv.maxSteps });
  return { inv, o: { tier, passes: names, json: stats.given, own: values.own === true } };
}

// #region demo
function demo(o: Options): void {
  const lowered = lower(parse(DEMO));
  console.log(`No program given, so here is ${DEMO}. Its LIR:\n`);
  process.stdout.write(print(lowered));
  const { lir, stats } = optimize(lowered, { passes: o.passes });
  console.log(`\nOptimized, pass by pass:\n\n${formatStats(stats)}\n`);
  process.stdout.write(print(lir));
  console.log(`\nThe optimizing JIT's code for it (the program's own part):\n`);
  console.log(ownListing(optToX86(lir, libcScanIo())));
  const prepared = prepare(DEMO, "opt", o.passes);
  const result = prepared.compiled!.run();
  prepared.compiled!.free();
  console.log(`\nRun (${readsInput(lir.ops) ? "reading" : "no input"}, ${prepared.compiled!.codeSize} bytes of code):\n`);
  process.stdout.write(result.output);
}
// #endregion demo

runMain(() => {
  // Every flag is checked before the file is read and parsed.
  const parsed = parse9(process.argv.slice(2));
  if (parsed === null) return; // --help
  const { inv, o } = parsed;
  if (inv.file === null) return demo(o);
  const name = inv.file;
  const source = inv.code ?? readSource(name, USAGE);
  try {
    if (inv.emit !== null) emit(source, inv, o, console.error);
    else if (!run(name, source, inv, o, console.error)) process.exitCode = 1;
  } catch (e) {
    if (!(e instanceof BrainfuckError || e instanceof LirError)) throw e;
    console.error(diagnostic(name, e));
    process.exitCode = 1;
  }
});
