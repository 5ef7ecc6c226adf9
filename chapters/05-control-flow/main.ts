// Chapter 5's demo: two functions generated at run time, a loop over int32s and a loop that calls
// libc's memchr; their listings with labels; the ABI harness on them and on broken variants; the
// same work in JavaScript, timed side by side; and the crash a misaligned stack causes in libc.
// `bun chapters/05-control-flow/main.ts [labels|calls|harness|speed]` runs one section.
import { Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction } from "iced-x86";
import { UsageError as CommandUsageError, parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { bunFFI } from "../01-pages/ffi.ts";
import { bytesAt, hex } from "../01-pages/pages.ts";
import { AbiHarness, checkAbi } from "./abi-harness.ts";
import { BROKEN } from "./broken-programs.ts";
import { compileProgram } from "./compile.ts";
import { Asm, LabelError } from "./labels.ts";
import { libcAddress } from "./libc-addresses.ts";
import { PROGRAMS, PROGRAM_SIGNATURE, emitCount, emitSum } from "./programs.ts";
import { dataFor } from "./run-in-child.ts";

const SECTIONS = ["labels", "calls", "harness", "speed"] as const;
type Section = (typeof SECTIONS)[number];

/** An argument that names no section of the demo. */
export class UsageError extends CommandUsageError {
  override name = "UsageError";
}

const USAGE = `usage: bun chapters/05-control-flow/main.ts [${SECTIONS.join("|")}]

Chapter 5's demo: two functions generated at run time, their listings with labels, the ABI harness
on them and on broken variants, the same work in JavaScript timed beside them, and the crash a
misaligned stack causes in libc. A section's name runs that section alone.

  -h, --help    this text`;

const [sum, count] = PROGRAMS as [(typeof PROGRAMS)[number], (typeof PROGRAMS)[number]];
const grouped = (n: number | bigint) => n.toLocaleString("en-US");

function labels(): void {
  const a = new Asm();
  emitSum(a);
  console.log(`sum, ${a.finish().length} bytes: 'jle done' is short because the code says so; 'jne loop' is a bound label, near: rel8.`);
  console.log(a.toString());
  const b = new Asm();
  emitCount(b, () => 0x7fff_0000_1000); // a stand-in address for memchr: this is only the listing
  console.log(`\ncount, ${b.finish().length} bytes: forward jumps are rel32 by default, 'jmp next' goes back: rel8.`);
  console.log(b.toString());

  console.log(`\nwhat labels refuse:`);
  // #region demo-label-errors
  const mistakes: [string, (a: Asm) => void][] = [
    ["bind a label twice", (a) => { const l = a.newLabel("top"); a.bind(l).nop().bind(l); }],
    ["jump to a label never bound", (a) => void a.jmp(a.newLabel("exit")).finish()],
    ["a short jump 128 bytes forward", (a) => { const l = a.newLabel("far"); a.jmp(l, "short").db(...new Array<number>(128).fill(0x90)).bind(l); }],
  ];
  for (const [what, mistake] of mistakes) {
    try {
      mistake(new Asm());
    } catch (e) {
      if (!(e instanceof LabelError)) throw e;
      console.log(`  ${what}:\n    ${e.name}: ${e.message}`);
    }
  }
  // #endregion demo-label-errors
}

function harness(): void {
  // #region demo-harness
  const cases = [[sum, Int32Array.of(3, -1, 4, -1, 5), 0], [count, sampleText(1 << 16), 10]] as const;
  for (const [program, data, arg] of cases) {
    using h = new AbiHarness(program.emit, PROGRAM_SIGNATURE);
    const report = h.run(data, data.length, arg);
    const value = checkAbi(report, program.name); // throws AbiViolationError if a rule was broken
    console.log(`${program.name}: returned ${grouped(value)}; ${grouped(report.libcCalls)} libc calls; no rule broken`);
  }
  for (const program of BROKEN.filter((p) => !p.name.startsWith("clobber-"))) {
    using h = new AbiHarness(program.emit, PROGRAM_SIGNATURE);
    const data = dataFor(program, program.data === "int32" ? [1, 2, 3] : "one\ntwo\n");
    const report = h.run(data, data.length, 10);
    console.log(`\n${program.name} (${program.summary}): returned ${report.value}, but`);
    for (const v of report.violations) console.log(`  - ${v}`);
  }
  // #endregion demo-harness
}

// #region js-side
/** The same two functions, in JavaScript. */
function sumJs(data: Int32Array): number {
  let s = 0;
  for (let i = 0; i < data.length; i++) s += data[i]!;
  return s;
}

function countJs(data: Uint8Array, byte: number): number {
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === byte) n++;
  return n;
}

/** The library way: indexOf, which the engine implements natively. */
function countIndexOf(data: Uint8Array, byte: number): number {
  let n = 0;
  for (let i = data.indexOf(byte); i !== -1; i = data.indexOf(byte, i + 1)) n++;
  return n;
}
// #endregion js-side

function speed(): void {
  const ints = sampleInts(1 << 22);
  const text = sampleText(1 << 24);
  using jitSum = compileProgram(sum);
  using jitCount = compileProgram(count);
  // #region demo-speed
  const rows: [string, string, () => number | bigint][] = [
    [`sum of ${grouped(ints.length)} int32s`, "JavaScript loop", () => sumJs(ints)],
    ["", "generated loop", () => jitSum.fn(ints, ints.length, 0)],
    [`'\\n' in ${text.length >> 20} MiB of text`, "JavaScript loop", () => countJs(text, 10)],
    ["", "JavaScript indexOf", () => countIndexOf(text, 10)],
    ["", "generated, memchr", () => jitCount.fn(text, text.length, 10)],
  ];
  // Rounds interleave the rows, so a slow moment on a busy machine hurts them all alike; keep each row's best.
  const results = rows.map(() => ({ value: 0 as number | bigint, ms: Infinity }));
  for (let round = 0; round < 15; round++) {
    rows.forEach(([, , run], i) => {
      const t0 = performance.now();
      const value = run();
      results[i] = { value, ms: Math.min(results[i]!.ms, performance.now() - t0) };
    });
  }
  let baseline = 0;
  console.log(`${"".padEnd(26)}${"".padEnd(20)}${"result".padStart(16)}${"best of 15".padStart(12)}  vs the JS loop`);
  rows.forEach(([task, how], i) => {
    const { value, ms } = results[i]!;
    if (how === "JavaScript loop") baseline = ms;
    const ratio = how === "JavaScript loop" ? "1.00" : `${(baseline / ms).toFixed(2)}x as fast`;
    console.log(`${task.padEnd(26)}${how.padEnd(20)}${grouped(value).padStart(16)}${`${ms.toFixed(2)} ms`.padStart(12)}  ${ratio}`);
  });
  // #endregion demo-speed
}

async function calls(): Promise<void> {
  {
    using compiled = compileProgram(count);
    const memchr = libcAddress("memchr");
    const apart = Math.abs(memchr - compiled.buffer.address);
    console.log(`memchr is at ${hex(memchr)}, the code calling it at ${hex(compiled.buffer.address)}: ${(apart / 2 ** 20).toFixed(1)} MiB apart`);
    console.log(`(rel32 reaches 2048 MiB either way: close enough today, but nothing promises it, so: movabs rax, memchr; call rax)\n`);
  }
  console.log(`snprintf's first instructions, read from libc in this process:`);
  for (const line of disassemble(libcAddress("snprintf"), 8)) console.log(`  ${line}`);
  console.log();
  const { runNative } = await import("../../shared/child.ts"); // Bun-only: imported once bun:ffi is known to work
  for (const aligned of [true, false]) {
    const r = await runNative<string>("chapters/05-control-flow/printf-alignment.ts", "formatWithSnprintf", [Math.PI, "%.5f", aligned]);
    const how = aligned ? "with the padding" : "without it";
    const died = `the child died of ${r.signal ?? `exit ${r.exitCode}`}${r.faultAddress === null ? "" : ` (fault address reported: 0x${r.faultAddress.toString(16)})`}`;
    console.log(`snprintf("%.5f", pi) ${how.padEnd(16)} ${r.ok ? JSON.stringify(r.value) : died}`);
  }
}

/** The first `count` instructions at `address`, decoded by iced-x86 (an independent decoder). */
function disassemble(address: number, count: number): string[] {
  const decoder = new Decoder(64, bytesAt(address, 15 * count).slice(), DecoderOptions.None);
  const formatter = new Formatter(FormatterSyntax.Intel);
  Object.assign(formatter, { hexPrefix: "0x", hexSuffix: "", uppercaseHex: false, spaceAfterOperandSeparator: true, showBranchSize: false, branchLeadingZeros: false });
  const lines: string[] = [];
  for (const insn = new Instruction(); lines.length < count; ) {
    decoder.decodeOut(insn);
    lines.push(`+${insn.ip32.toString(16).padStart(2, "0")}  ${formatter.format(insn)}`);
  }
  return lines;
}

/** Pseudo-random but reproducible: the same numbers on every run. */
function sampleInts(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0, x = 12345; i < n; i++) out[i] = ((x = (Math.imul(x, 1103515245) + 12345) | 0) >> 8) % 1_000_000;
  return out;
}

/** Lowercase letters and spaces, with a newline about every 64 bytes. */
function sampleText(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0, x = 1; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const r = x >>> 24;
    out[i] = r < 4 ? 10 : r < 40 ? 32 : 97 + (r % 26);
  }
  return out;
}

await runMain(async () => {
  const args = parseCommand(process.argv.slice(2), USAGE, { allowPositionals: true });
  if (args === null) return; // --help
  bunFFI("Chapter 5 (control flow and calls)"); // one clear line under Node
  if (args.positionals.length > 1) throw new UsageError(`one section at a time, not ${args.positionals.join(" and ")}`);
  const arg = args.positionals[0];
  if (arg !== undefined && !(SECTIONS as readonly string[]).includes(arg)) {
    throw new UsageError(`there is no section '${arg}': run with one of ${SECTIONS.join(", ")}, or none for all`);
  }
  const run: Record<Section, () => void | Promise<void>> = { labels, calls, harness, speed };
  for (const section of SECTIONS) {
    if (arg !== undefined && arg !== section) continue;
    if (arg === undefined) console.log(`\n== ${section} ==`);
    await run[section]();
  }
});
