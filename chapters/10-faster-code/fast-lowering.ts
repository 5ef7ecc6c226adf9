// The fast tier's code generator: chapter 9's lowering, with more done better. An innermost loop of
// plain arithmetic keeps its cells in registers for the whole loop, and checks the tape once before
// it instead of at every turn; a straight-line block makes one bounds test, not one per op; a scan
// is inline SSE2 or AVX2, and never reads a byte outside the tape; loop heads start on a 16-byte
// boundary. It also records where each op's code starts and where each loop is, for listings with
// source positions and for a perf map.
import { mem, xmmword, ymmword } from "../04-encoder/operands.ts";
import { al, eax, ecx, edi, edx, esi, gpr, r10d, r11d, r12, r13, r8d, r9d, rax, rbx, rcx, xmm0, xmm1, ymm0, ymm1, type Gpr } from "../04-encoder/registers.ts";
import type { Asm } from "../05-control-flow/labels.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import type { X86Code } from "../08-lir/codegen-x86.ts";
import { cellAt } from "../08-lir/codegen-x86.ts";
import { innerOps, posOf, reachesOf, type CheckOp, type GuardOp, type Lir, type LoopOp, type Op, type Range, type ScanOp } from "../08-lir/lir.ts";
import { OptLowering, type ScanImports } from "../09-optimizer/codegen-opt.ts";

/**
 * How scans compare: 16 cells at a time (SSE2, which every x86-64 has), 32 (AVX2), or as chapter 9
 * does (memchr and memrchr for a stride of 1, one cell at a time for the others).
 */
export type Simd = "sse2" | "avx2" | "libc";

export interface FastOptions {
  readonly simd: Simd;
  /** Keep the cells of innermost arithmetic loops in registers (default true). */
  readonly registers?: boolean;
  /** Align loop heads to this many bytes (default 16; 1 turns it off). */
  readonly loopAlign?: number;
  /** One bounds test for each straight-line block with two tests or more (default true). */
  readonly blockChecks?: boolean;
  /**
   * Only for measuring the price of the checks: test the pointer when it moves, and nothing else.
   * A cell off the tape is then a fault on a guard page (see UNCHECKED_REACH), not an error.
   */
  readonly unchecked?: boolean;
}

/**
 * How far from the pointer an unchecked op may reach: less than the inaccessible page chapter 7's
 * RunMemory puts on each side of the tape. The pointer itself stays on the tape (moves are still
 * checked), so an op that misses the tape lands on a guard page, never in anyone else's memory.
 */
export const UNCHECKED_REACH = 4095;

export class UncheckedReachError extends Error {
  override name = "UncheckedReachError";
}

/** Where the code of one op (or a block's one bounds test) starts, and the Brainfuck command it came from. */
export interface OpMark {
  readonly at: number;
  readonly pos: SourcePos;
  readonly kind: Op["kind"] | "block-check";
}

/** The code of one loop, [start, end), and its `[` and `]`. */
export interface LoopRegion {
  readonly start: number;
  readonly end: number;
  readonly pos: SourcePos;
  readonly endPos: SourcePos;
  /** Its cells were kept in registers. */
  readonly inRegisters: boolean;
}

export interface FastCode extends X86Code {
  readonly marks: readonly OpMark[];
  readonly loops: readonly LoopRegion[];
}

// #region pool
/**
 * The registers a loop's cells may live in: caller-saved ones nothing else in a loop of arithmetic
 * uses (eax is the multiply's scratch). Such a loop makes no call, so nothing clobbers them.
 */
export const CELL_REGISTERS: readonly Gpr<32>[] = [esi, edi, edx, ecx, r8d, r9d, r10d, r11d];
// #endregion pool

const low = (r: Gpr<32>): Gpr<8> => gpr(8, r.id);

export class FastLowering extends OptLowering {
  readonly #simd: Simd;
  readonly #registers: boolean;
  readonly #align: number;
  readonly #blockChecks: boolean;
  readonly #unchecked: boolean;
  readonly #marks: OpMark[] = [];
  readonly #loops: LoopRegion[] = [];

  constructor(imports: ScanImports, options: FastOptions, a?: Asm) {
    super(imports, a);
    this.#simd = options.simd;
    this.#registers = options.registers ?? true;
    this.#align = options.loopAlign ?? 16;
    this.#blockChecks = options.blockChecks ?? true;
    this.#unchecked = options.unchecked ?? false;
  }

  override generate(lir: Lir): FastCode {
    if (this.#unchecked) {
      const far = reach(lir.ops);
      if (far > UNCHECKED_REACH) {
        throw new UncheckedReachError(`an op reaches ${far} cells from the pointer, past the guard pages (${UNCHECKED_REACH}): compile this program with its checks`);
      }
    }
    const code = super.generate(lir);
    return { ...code, marks: this.#marks, loops: this.#loops };
  }

  // #region block-checks
  /**
   * Runs of adds, sets, muladds, checks and guards, with two bounds tests or more between them: the
   * pointer does not move inside such a run, so one test of all the cells they reach answers them
   * all. When it passes, the run without its tests (each guard's fast branch); when it fails, the
   * run as written, out of line, which stops at the exact command that leaves the tape.
   */
  protected override ops(ops: readonly Op[]): void {
    if (!this.#blockChecks || this.#unchecked) return super.ops(ops);
    for (let i = 0; i < ops.length; ) {
      let j = i;
      while (j < ops.length && STRAIGHT.has(ops[j]!.kind)) j++;
      // A run ends on an op both paths leave the same flags after (chapter 9's loops reuse them).
      while (j > i && (ops[j - 1]!.kind === "check" || ops[j - 1]!.kind === "guard")) j--;
      if (j === i) {
        this.op(ops[i++]!);
        continue;
      }
      const run = ops.slice(i, j);
      const cells = testedCells(run);
      if (cells === null) super.ops(run);
      else this.#checkedOnce(run, cells);
      i = j;
    }
  }

  #checkedOnce(run: readonly Op[], cells: Range): void {
    const a = this.a;
    const slow = this.label("block_checks_failed");
    const resume = this.label("block_end");
    this.#marks.push({ at: a.offset, pos: posOf(run[0]!), kind: "block-check" });
    this.boundsTest(cells, slow);
    for (const op of run) {
      if (op.kind === "check") continue;
      if (op.kind === "guard") super.ops(op.then);
      else this.op(op);
    }
    a.bind(resume);
    this.later(() => {
      a.bind(slow);
      super.ops(run);
      a.jmp(resume);
    });
  }
  // #endregion block-checks

  // #region unchecked
  protected override check(op: CheckOp): void {
    if (!this.#unchecked) super.check(op);
  }

  protected override guard(op: GuardOp): void {
    if (this.#unchecked) this.ops(op.then);
    else super.guard(op);
  }
  // #endregion unchecked

  protected override op(op: Op): void {
    this.#marks.push({ at: this.a.offset, pos: posOf(op), kind: op.kind });
    super.op(op);
  }

  protected override loop(op: LoopOp): void {
    const start = this.a.offset;
    const cells = this.#registers ? registerCells(op) : null;
    if (cells) this.#registerLoop(op, cells);
    else super.loop(op);
    this.#loops.push({ start, end: this.a.offset, pos: op.pos, endPos: op.end, inRegisters: cells !== null });
  }

  // #region register-loop
  /**
   * An innermost loop of adds, sets and muladds: test the cell, check the tape once for every cell
   * the body's checks reach (the pointer does not move, so the answer is the same at every turn),
   * load the cells into registers, go round in registers only, and store what changed at the end.
   * When the check fails, the loop as chapter 9 compiles it, out of line, fails at the exact command.
   */
  #registerLoop(op: LoopOp, cells: readonly number[]): void {
    const a = this.a;
    const reg = new Map(cells.map((off, i) => [off, CELL_REGISTERS[i]!] as const));
    const r8 = (off: number): Gpr<8> => low(reg.get(off)!);
    const done = this.label(`end_${op.end.line}_${op.end.column}`);
    const head = this.label(`regs_${op.pos.line}_${op.pos.column}`);
    a.cmp(cellAt(op.off), 0).je(done);
    const reach = this.#unchecked ? null : checkedRange(op.body);
    if (reach) {
      const slow = this.label("regs_checks_failed");
      this.boundsTest(reach, slow);
      this.later(() => {
        a.bind(slow);
        super.loop(op);
        a.jmp(done);
      });
    }
    for (const off of cells) a.movzx(reg.get(off)!, cellAt(off));
    this.#alignHead();
    a.bind(head);
    let flags: number | null = null; // the cell whose zero-ness the flags tell
    for (const inner of op.body) {
      this.#marks.push({ at: a.offset, pos: posOf(inner), kind: inner.kind });
      flags = null;
      if (inner.kind === "add") {
        if (inner.k > 0) a.add(r8(inner.off), inner.k);
        else a.sub(r8(inner.off), -inner.k);
        flags = inner.off;
      } else if (inner.kind === "set") {
        a.mov(r8(inner.off), inner.value);
      } else if (inner.kind === "muladd") {
        const src = reg.get(inner.src)!;
        if (inner.k === 1) a.add(r8(inner.dst), low(src));
        else if (inner.k === -1) a.sub(r8(inner.dst), low(src));
        else a.imul(eax, src, inner.k).add(r8(inner.dst), al);
        flags = inner.dst;
      }
    }
    if (flags !== op.off) a.test(r8(op.off), r8(op.off));
    a.jne(head);
    for (const off of written(op.body)) a.mov(cellAt(off), r8(off));
    a.bind(done);
  }
  // #endregion register-loop

  #alignHead(): void {
    if (this.#align > 1) this.a.align(this.#align);
  }

  // #region simd-scan
  /**
   * A scan, SIMD inline: compare a whole vector of cells with 0 at once, while a whole vector fits
   * between the pointer and the end of the tape it walks to; then the last few cells one at a time,
   * each step bounds-checked, as chapter 8's scan. A vector load that lies inside the tape cannot
   * touch a byte outside it, whatever its alignment. A stride of 2 or more keeps only the bits of
   * the cells the scan stands on: with AVX2, `[>>]` tests 16 cells per compare.
   */
  protected override scan(op: ScanOp): void {
    const a = this.a;
    const s = op.stride;
    const right = s > 0;
    const w = this.#simd === "avx2" ? 32 : 16;
    const cells = Math.floor((w - 1) / Math.abs(s)) + 1; // cells of the scan in one vector
    if (this.#simd === "libc" || cells < 2) return super.scan(op);
    const done = this.label("scan_done");
    const vector = this.label("scan_vector");
    const found = this.label("scan_found");
    const tail = this.label("scan_tail");
    // Off the tape: stand on the cell the failed step started from (the host replays that step).
    const fail = this.offTapeStub(op, () => this.step(-s));
    a.cmp(cellAt(0), 0).je(done); //                     most scans start on a 0
    this.#zeroVector();
    // The vector is [rax, rax + w): from the pointer rightwards, or ending on it leftwards.
    a.bind(vector);
    if (right) a.mov(rax, rbx).lea(rcx, mem(rax, w)).cmp(rcx, r13).ja(tail);
    else a.lea(rax, mem(rbx, -(w - 1))).cmp(rax, r12).jb(tail);
    this.#compareZero(rax);
    if (Math.abs(s) > 1) a.and(ecx, strideMask(s, w)); // sets the flags, as test would
    else a.test(ecx, ecx);
    a.jnz(found);
    this.step(s * cells);
    a.jmp(vector);
    a.bind(found);
    this.#leaveVectors();
    // The nearest 0: the lowest bit going right, the highest going left.
    if (right) a.tzcnt(ecx, ecx);
    else a.bsr(ecx, ecx);
    a.lea(rbx, mem(rax, rcx)).jmp(done);
    a.bind(tail);
    this.#leaveVectors();
    const next = this.label("scan_tail_next");
    a.bind(next).cmp(rbx, right ? r13 : r12);
    if (right) a.jae(fail);
    else a.jb(fail);
    a.cmp(cellAt(0), 0).je(done);
    this.step(s);
    a.jmp(next).bind(done);
  }

  #zeroVector(): void {
    if (this.#simd === "avx2") this.a.vpxor(ymm1, ymm1, ymm1);
    else this.a.pxor(xmm1, xmm1);
  }

  /** ecx = one bit for each byte of the vector at `at` that is 0 (no alignment needed). */
  #compareZero(at: Gpr<64>): void {
    const a = this.a;
    if (this.#simd === "avx2") a.vpcmpeqb(ymm0, ymm1, ymmword(at)).vpmovmskb(ecx, ymm0);
    else a.movdqu(xmm0, xmmword(at)).pcmpeqb(xmm0, xmm1).pmovmskb(ecx, xmm0);
  }

  /** Leave AVX code clean: without vzeroupper, the next SSE instruction (in libc, say) pays a penalty. */
  #leaveVectors(): void {
    if (this.#simd === "avx2") this.a.vzeroupper();
  }
  // #endregion simd-scan
}

// #region register-cells
/**
 * The cells of a loop whose body is only adds, sets, muladds and checks (so it neither moves nor
 * calls), when they fit the register pool; otherwise null. A loop that chapter 9 turns into an `if`
 * (its body ends by zeroing its own cell) runs once at most, and gains nothing from registers.
 */
export function registerCells(loop: LoopOp): number[] | null {
  const cells = new Set<number>([loop.off]);
  for (const op of loop.body) {
    if (op.kind === "add" || op.kind === "set") cells.add(op.off);
    else if (op.kind === "muladd") cells.add(op.src).add(op.dst);
    else if (op.kind !== "check") return null;
  }
  const last = loop.body.at(-1);
  if (last === undefined || (last.kind === "set" && last.off === loop.off && last.value === 0)) return null;
  if (cells.size > CELL_REGISTERS.length) return null;
  return [...cells].sort((x, y) => x - y);
}
// #endregion register-cells

/** The cells the body's checks reach, as one range, or null when it has no check. */
export function checkedRange(body: readonly Op[]): Range | null {
  let r: Range | null = null;
  for (const op of body) {
    for (const { off } of reachesOf(op)) r = r === null ? { lo: Math.min(0, off), hi: Math.max(0, off) } : { lo: Math.min(r.lo, off), hi: Math.max(r.hi, off) };
  }
  return r;
}

// #region stride-mask
/**
 * The bits of a vector's compare mask that are cells a scan by `stride` stands on: bit 0 and every
 * stride-th after it going right (the vector starts on the pointer), bit w - 1 and every stride-th
 * before it going left (the vector ends on it).
 */
export function strideMask(stride: number, w: number): number {
  let mask = 0;
  for (let bit = 0; bit < w; bit += Math.abs(stride)) mask |= 1 << (stride > 0 ? bit : w - 1 - bit);
  return mask >>> 0;
}
// #endregion stride-mask

const STRAIGHT = new Set<Op["kind"]>(["add", "set", "muladd", "check", "guard"]);

/** The cells a straight run's checks and guards test, when there are two tests or more; else null. */
export function testedCells(run: readonly Op[]): Range | null {
  let tests = 0;
  let r: Range = { lo: 0, hi: 0 };
  for (const op of run) {
    const cells = op.kind === "guard" ? op.cells : op.kind === "check" ? checkedRange([op]) : null;
    if (cells === null) continue;
    tests += (cells.lo < 0 ? 1 : 0) + (cells.hi > 0 ? 1 : 0);
    r = { lo: Math.min(r.lo, cells.lo), hi: Math.max(r.hi, cells.hi) };
  }
  return tests >= 2 ? r : null;
}

/** The farthest any op reaches from the pointer, in cells. */
export function reach(ops: readonly Op[]): number {
  let far = 0;
  for (const op of ops) {
    const offs =
      op.kind === "muladd" ? [op.src, op.dst]
      : op.kind === "guard" ? [op.cells.lo, op.cells.hi]
      : op.kind === "check" ? op.reach.map((r) => r.off)
      : "off" in op ? [op.off]
      : [];
    far = Math.max(far, ...offs.map(Math.abs), ...innerOps(op).map(reach));
  }
  return far;
}

/** The cells the body writes, in order of offset. */
function written(body: readonly Op[]): number[] {
  const cells = new Set<number>();
  for (const op of body) {
    if (op.kind === "add" || op.kind === "set") cells.add(op.off);
    else if (op.kind === "muladd") cells.add(op.dst);
  }
  return [...cells].sort((x, y) => x - y);
}

/** The machine code of optimized LIR, with this chapter's lowering. */
export function fastToX86(lir: Lir, imports: ScanImports, options: FastOptions): FastCode {
  return new FastLowering(imports, options).generate(lir);
}
