// How fast is a table-driven encoder written in TypeScript? Instructions encoded per second of CPU
// time by our Assembler (without a listing, as a JIT uses it, and with one) and, on the same
// instruction mix in the same run, by iced-x86's Encoder (Rust compiled to WebAssembly): once with
// its Instruction objects built in advance, once building them as we do. Then the heap an assembler
// keeps per instruction. With --figures, the same as one JSON object, for the prose to quote.
import { Code, Encoder, Instruction, MemoryOperand, Register } from "iced-x86";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { Assembler } from "./assembler.ts";
import { byte, qword, ymmword, xmmword } from "./operands.ts";
import { al, eax, r12, rax, rbx, rcx, xmm0, ymm0, ymm1 } from "./registers.ts";

const NONE = Register.None;
const mem = (base: Register, index = NONE, scale = 1, disp = 0) => new MemoryOperand(base, index, scale, BigInt(disp), disp ? 1 : 0, false, NONE);

// #region mix
// What a Brainfuck JIT emits most: moves, small immediates, byte memory operands, a SIMD scan.
const MIX: readonly (readonly [text: string, ours: (a: Assembler) => void, iced: () => Instruction])[] = [
  ["mov rax, rbx", (a) => a.mov(rax, rbx), () => Instruction.createRegReg(Code.Mov_rm64_r64, Register.RAX, Register.RBX)],
  ["add rax, 8", (a) => a.add(rax, 8), () => Instruction.createRegI32(Code.Add_rm64_imm8, Register.RAX, 8)],
  ["mov eax, 42", (a) => a.mov(eax, 42), () => Instruction.createRegU32(Code.Mov_r32_imm32, Register.EAX, 42)],
  ["mov rax, qword ptr [rbx+rcx*8+16]", (a) => a.mov(rax, qword(rbx, rcx, 8, 16)),
    () => Instruction.createRegMem(Code.Mov_r64_rm64, Register.RAX, mem(Register.RBX, Register.RCX, 8, 16))],
  ["mov byte ptr [rbx+1], al", (a) => a.mov(byte(rbx, 1), al), () => Instruction.createMemReg(Code.Mov_rm8_r8, mem(Register.RBX, NONE, 1, 1), Register.AL)],
  ["lea rbx, [rbx+16]", (a) => a.lea(rbx, qword(rbx, 16)), () => Instruction.createRegMem(Code.Lea_r64_m, Register.RBX, mem(Register.RBX, NONE, 1, 16))],
  ["cmp byte ptr [rbx], 0", (a) => a.cmp(byte(rbx), 0), () => Instruction.createMemI32(Code.Cmp_rm8_imm8, mem(Register.RBX), 0)],
  ["inc byte ptr [rbx]", (a) => a.inc(byte(rbx)), () => Instruction.createMem(Code.Inc_rm8, mem(Register.RBX))],
  ["push r12", (a) => a.push(r12), () => Instruction.createReg(Code.Push_r64, Register.R12)],
  ["pop r12", (a) => a.pop(r12), () => Instruction.createReg(Code.Pop_r64, Register.R12)],
  ["movzx eax, byte ptr [rbx]", (a) => a.movzx(eax, byte(rbx)), () => Instruction.createRegMem(Code.Movzx_r32_rm8, Register.EAX, mem(Register.RBX))],
  ["imul eax, eax, 10", (a) => a.imul(eax, eax, 10), () => Instruction.createRegRegI32(Code.Imul_r32_rm32_imm8, Register.EAX, Register.EAX, 10)],
  ["movdqu xmm0, xmmword ptr [rbx]", (a) => a.movdqu(xmm0, xmmword(rbx)), () => Instruction.createRegMem(Code.Movdqu_xmm_xmmm128, Register.XMM0, mem(Register.RBX))],
  ["vpcmpeqb ymm1, ymm0, ymmword ptr [rbx]", (a) => a.vpcmpeqb(ymm1, ymm0, ymmword(rbx)),
    () => Instruction.createRegRegMem(Code.VEX_Vpcmpeqb_ymm_ymm_ymmm256, Register.YMM1, Register.YMM0, mem(Register.RBX))],
];
// #endregion mix

export interface BenchRow {
  readonly name: string;
  readonly perSecond: number;
}

/**
 * The process's CPU time in ms. On a busy machine, wall time would also count the time spent
 * waiting for a core. (Bun's per-thread CPU time ticks in milliseconds: too coarse for a pass.)
 */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * How long each pass runs before it is measured, in ms of CPU time. The engine compiles its fastest
 * code only for code that has already run a long while: a warm-up of one measurement's rounds
 * measured ours at about half the speed it settles at.
 */
export const WARM_UP_MS = 500;

/** Run `pass` for `ms` of CPU time at least (none for 0), a thousand rounds at a time. */
function warmUp(pass: (round: number) => void, ms: number): void {
  const start = cpuMs();
  for (let i = 0; cpuMs() - start < ms; ) for (const end = i + 1000; i < end; i++) pass(i);
}

/**
 * Instructions per second of CPU time for each pass, best of `runs`, once each has warmed up. The
 * passes take turns within each run, so that a busy machine slows them all alike.
 */
function measure(rounds: number, runs: number, warmUpMs: number, passes: readonly ((round: number) => void)[]): number[] {
  const best = passes.map(() => Infinity);
  for (const pass of passes) warmUp(pass, warmUpMs);
  for (let r = 0; r < runs; r++) {
    passes.forEach((pass, k) => {
      const start = cpuMs();
      for (let i = 0; i < rounds; i++) pass(i);
      best[k] = Math.min(best[k]!, cpuMs() - start);
    });
  }
  return best.map((ms) => (rounds * MIX.length) / (Math.max(ms, 0.001) / 1000));
}

/** One pass of the mix through our Assembler; a new one every 1000 rounds, as a JIT compiles many programs. */
function oursPass(listing: boolean): (round: number) => void {
  const emits = MIX.map(([, emit]) => emit);
  let a = new Assembler({ listing });
  return (i) => {
    if (i % 1000 === 0) a = new Assembler({ listing });
    for (const emit of emits) emit(a);
  };
}

/** The four passes, each warmed up for `warmUpMs` and then measured `runs` times (the tests warm up for 0). */
export function runBench(rounds = 20_000, runs = 5, warmUpMs = WARM_UP_MS): BenchRow[] {
  // Fresh buffers every 1000 rounds for iced too, so neither pays for one ever-growing buffer.
  const encoder = new Encoder(64);
  const prebuilt = MIX.map(([, , build]) => build());
  const rip = 0x1000n;
  const icedPrebuilt = (i: number) => {
    if (i % 1000 === 0) encoder.takeBuffer();
    for (const insn of prebuilt) encoder.encode(insn, rip);
  };
  const builds = MIX.map(([, , build]) => build);
  const icedBuilt = (i: number) => {
    if (i % 1000 === 0) encoder.takeBuffer();
    for (const build of builds) {
      const insn = build();
      encoder.encode(insn, rip);
      insn.free();
    }
  };
  const [o, l, p, b] = measure(rounds, runs, warmUpMs, [oursPass(false), oursPass(true), icedPrebuilt, icedBuilt]);
  for (const insn of prebuilt) insn.free();
  encoder.free();
  return [
    { name: "ours: Assembler, no listing", perSecond: o! },
    { name: "ours: Assembler, keeping a listing", perSecond: l! },
    { name: "iced-x86: Encoder, prebuilt Instructions", perSecond: p! },
    { name: "iced-x86: create Instruction + Encoder", perSecond: b! },
  ];
}

export function formatBench(rows: readonly BenchRow[]): string {
  const width = Math.max(...rows.map((r) => r.name.length));
  const base = rows[0]!.perSecond;
  const lines = rows.map((r) => `${r.name.padEnd(width)}  ${(r.perSecond / 1e6).toFixed(2).padStart(7)} M/s  ${(r.perSecond / base).toFixed(2).padStart(5)}x`);
  return [`${"encoder".padEnd(width)}  ${"instructions".padStart(11)}  vs ours`, ...lines].join("\n");
}

// #region heap
export interface HeapRow {
  readonly listing: boolean;
  /** Heap still in use per instruction once the garbage is collected, the code buffer included. */
  readonly heapPerInstruction: number;
  readonly codePerInstruction: number;
}

/** What one assembler holding `rounds` rounds of the mix keeps on the heap, per instruction. */
export function measureHeap(rounds = 20_000): HeapRow[] | null {
  const gc = (globalThis as { Bun?: { gc(full: boolean): void } }).Bun?.gc;
  if (!gc) return null; // Node without --expose-gc cannot collect on demand
  return [false, true].map((listing) => {
    gc(true);
    const before = process.memoryUsage().heapUsed;
    const a = new Assembler({ listing });
    for (let i = 0; i < rounds; i++) for (const [, emit] of MIX) emit(a);
    gc(true);
    const n = rounds * MIX.length;
    const row = { listing, heapPerInstruction: (process.memoryUsage().heapUsed - before) / n, codePerInstruction: a.offset / n };
    return row;
  });
}

export function formatHeap(rows: readonly HeapRow[]): string {
  return rows.map((r) => `heap kept per instruction, ${r.listing ? "keeping a listing" : "no listing"}: ` +
    `${r.heapPerInstruction.toFixed(1)} bytes (the code is ${r.codePerInstruction.toFixed(1)} bytes)`).join("\n");
}
// #endregion heap

// #region figures
/**
 * The figures the prose quotes, from one run: instructions per second of CPU time (millions, one
 * decimal) with and without a listing, how many times faster iced-x86 is with prebuilt Instructions
 * and how many times slower building them, and the heap kept per instruction against the code's size.
 */
export function benchFigures(rows: readonly BenchRow[], heap: readonly HeapRow[] | null): Record<string, string> {
  const [ours, listed, prebuilt, built] = rows.map((r) => r.perSecond) as [number, number, number, number];
  const out: Record<string, string> = {
    perSecond: `${(ours / 1e6).toFixed(1)} million`,
    listingPerSecond: `${(listed / 1e6).toFixed(1)} million`,
    icedPrebuiltFaster: `${(prebuilt / ours).toFixed(1)}×`,
    icedBuiltSlower: `${(ours / built).toFixed(1)}×`,
  };
  const [bare, listing] = heap ?? [];
  if (bare && listing) {
    out.heapPerInstruction = `${bare.heapPerInstruction.toFixed(0)} bytes`;
    out.listingHeapPerInstruction = `${listing.heapPerInstruction.toFixed(0)} bytes`;
    out.codePerInstruction = `${bare.codePerInstruction.toFixed(1)} bytes`;
  }
  return out;
}
// #endregion figures

// Run as a script (under Bun or under Node with tsx), not when a test imports runBench.
const script = process.argv[1];
if (script !== undefined && resolve(script) === fileURLToPath(import.meta.url)) {
  runMain(() => {
    const usage = "usage: bun chapters/04-encoder/bench.ts [--rounds N] [--figures]\n\nInstructions encoded per second, ours beside iced-x86's encoder.\n\n  --rounds N    rounds of the mix (default 20000)\n  --figures     one JSON object, for a `run figures=...` block of the chapter's README\n  -h, --help    this text";
    const args = parseCommand(process.argv.slice(2), usage, { options: { rounds: { type: "string" }, figures: { type: "boolean" } } });
    if (args === null) return;
    const rounds = Number(args.values.rounds ?? 20_000);
    if (!Number.isSafeInteger(rounds) || rounds < 1) throw new RangeError(`--rounds must be a whole number, 1 or more, not '${args.values.rounds}'`);
    if (args.values.figures === true) return void console.log(JSON.stringify(benchFigures(runBench(rounds), measureHeap())));
    console.log(`${MIX.length} kinds of instruction (${MIX.map((m) => m[0].split(" ")[0]).join(", ")}), each warmed up for ${WARM_UP_MS} ms of CPU time, then ${rounds} rounds, best of 5:\n`);
    console.log(formatBench(runBench(rounds)));
    const heap = measureHeap();
    if (heap) console.log(`\n${formatHeap(heap)}`);
  });
}
