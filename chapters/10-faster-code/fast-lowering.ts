// The fast tier's code generator: chapter 9's lowering, with more done better. An innermost loop of
// plain arithmetic, or a nest of loops that neither moves nor calls, keeps its cells in registers
// for the whole loop, and checks the tape once before it instead of at every turn; a straight run
// keeps in registers the cells it reads back after writing them; a straight-line block makes one
// bounds test, not one per op; a scan by a stride short enough is inline SSE2 or AVX2, and never
// reads a byte outside the tape; the head of a loop in registers starts on a 16-byte boundary. It
// also records where each op's code starts and where each loop is, for listings with source
// positions and for a perf map.
import { mem, xmmword, ymmword } from "../04-encoder/operands.ts";
import { eax, ecx, edi, edx, esi, gpr, r10d, r11d, r8d, r9d, rax, rcx, xmm0, xmm1, ymm0, ymm1, type Gpr } from "../04-encoder/registers.ts";
import { Asm } from "../05-control-flow/labels.ts";
import { LIR_REG, X86Lowering, cellAt, cellOp, type ListRule, type LoopEdge, type X86Code, type X86Rule, type X86Rules } from "../08-lir/codegen-x86.ts";
import { extent, isBalanced, posOf, wrapUnsigned, type Lir, type LoopOp, type Op, type OpKind, type OpTypes, type Range } from "../08-lir/lir.ts";
import { definitionOf } from "../08-lir/op-set.ts";
import { flagsOf, optRules, type ScanImports } from "../09-optimizer/codegen-opt.ts";
import { valueIn32, type MulAddOp, type ScanOp } from "../09-optimizer/ops.ts";

const { cell, tape, end } = LIR_REG;

/**
 * How scans compare: 16 bytes at a time (SSE2, which every x86-64 has), 32 (AVX2), or as chapter 9
 * does (memchr and memrchr for a stride of 1, one cell at a time for the others). A stride too long
 * for VECTOR_CELLS of its cells in a vector is chapter 9's scan whatever this says.
 */
export type Simd = "sse2" | "avx2" | "libc";

export interface FastOptions {
  readonly simd: Simd;
  /**
   * Keep cells in registers (default true): an innermost loop's or a loop nest's (registerLoop),
   * and a straight run's, the cells it reads back after writing them (inCache). False turns off
   * both: every cell stays in memory, as in chapter 9.
   */
  readonly registers?: boolean;
  /** Lower the turns after a walking loop's first knowing which cells the turn before cleared (default true). */
  readonly carried?: boolean;
  /**
   * Align the head of each loop in registers that goes round (the outermost loop of a nest, not an
   * `if`) to this many bytes (default 16; 1 turns it off). No other loop is aligned.
   */
  readonly loopAlign?: number;
  /**
   * One bounds test for each straight-line block with two tests or more (default true). False tests
   * each check and guard where it is, as chapter 9 does; a run with no test in it still keeps its
   * cells in registers (`registers`).
   */
  readonly blockChecks?: boolean;
  /**
   * Only for measuring the price of the checks: no test per op, but one test before each block of
   * ops that neither loops nor scans (moves included) of every cell the block reaches, and a move
   * tests nothing. A failed test runs the block as written, out of line, which stops at the exact
   * command; so a cell off the tape is still an error, never a fault or a stray write. A loop in
   * registers keeps its one test before the loop, a scan its own tests, and the straight runs
   * between a block's moves keep their cells in registers (`registers`).
   */
  readonly unchecked?: boolean;
  /**
   * Record where each loop's code is (FastCode.loops), for a perf map. Off by default unless the
   * assembler keeps a listing: a program has a region for every loop, kept as long as its code.
   */
  readonly loopRegions?: boolean;
}

/** Where the code of one op (or a block's one bounds test) starts, and the Brainfuck command it came from. */
export interface OpMark {
  readonly at: number;
  /** The command's offset in the source (FastCode.lines gives its line and column). */
  readonly pos: number;
  readonly kind: Op["kind"] | "block-check";
}

/** The code of one loop, [start, end), and its `[` and `]`. */
export interface LoopRegion {
  readonly start: number;
  readonly end: number;
  readonly pos: number;
  readonly endPos: number;
  /** Its cells were kept in registers. */
  readonly inRegisters: boolean;
}

export interface FastCode extends X86Code {
  /** Where each op's code starts, for a listing with source positions: none without a listing. */
  readonly marks: readonly OpMark[];
  /**
   * Its loops (none unless asked for with `loopRegions` or a listing is kept); theirs and the marks'
   * positions point into the text `lines` (X86Code) indexes.
   */
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

/** The low bytes of the pool, which hold the cells. */
const CELL_LOW: readonly Gpr<8>[] = CELL_REGISTERS.map(low);

/**
 * What the fast lowering records as it goes: where each op's code starts (null when the assembler
 * keeps no listing, the only place the marks show), and each loop (null when not asked for).
 */
export interface CodeNotes {
  readonly marks: OpMark[] | null;
  readonly loops: LoopRegion[] | null;
}

// #region fast-rules
/**
 * The fast lowering: chapter 9's rules with `loop`, `muladd` and `scan` replaced (and for the
 * unchecked variant `check`, `guard` and `move`, which test nothing inside a tested block), every
 * op's start recorded, and a rule for op lists: the checks and guards of a straight-line block
 * answered by one bounds test (checkBlocks; for the unchecked variant, TestedBlocks tests a block
 * of ops between loops and scans, moves included), and a straight run's cells in registers (inCache).
 * Out of line, where code runs after a failed test, it lowers plainly, as chapter 9 does, and a
 * guard that is in no loop there is its checked branch alone: copies there would hold copies.
 */
export function fastRules(imports: ScanImports, options: FastOptions, record: CodeNotes): { rules: X86Rules; list: ListRule | null } {
  const opt = optRules(imports);
  const unchecked = options.unchecked ?? false;
  const nest: NestState = { homes: null, opt, align: options.loopAlign ?? 16, record, regs: new Map() };
  const copies = new WeakSet<MulAddOp>(); // muladds into a cell known to be 0: stores
  let turning = 0; // loops open in the out-of-line code being lowered
  const rules: X86Rules = {
    ...opt,
    loop: (l, op, previous) => {
      const start = l.a.offset;
      const inside = nest.homes; // a loop inside a loop nest whose cells are in registers
      const plain = l.lowersOutOfLine; // chapter 9's loop, with no copy of its own
      const cells = inside === null && (options.registers ?? true) && !plain ? (registerCells(op) ?? nestCells(op)) : null;
      const later = inside === null && cells === null && (options.carried ?? true) && !plain ? laterTurns(op, copies) : null;
      if (inside !== null) innerLoop(l, op, inside, record);
      else if (cells !== null) registerLoop(l, op, cells, nest);
      else if (later !== null) peeledLoop(l, op, later);
      else if (!plain) opt.loop!(l, op, previous);
      else {
        turning++;
        try {
          opt.loop!(l, op, previous);
        } finally {
          turning--;
        }
      }
      record.loops?.push({ start, end: l.a.offset, pos: op.pos, endPos: op.end, inRegisters: inside !== null || cells !== null });
    },
    // Out of line and in no loop there, a guard runs once each time: its checked branch will do.
    // In a loop, the turns may be many (a walk whose guard failed at the first), and its fast
    // branch pays for itself.
    guard: (l, op, previous) => (l.lowersOutOfLine && turning === 0 ? l.ops(op.otherwise) : definitionOf(op).x86(l, op, previous)),
    muladd: (l, op, previous) => (copies.has(op) ? copyInto(l, op, previous) : opt.muladd!(l, op, previous)),
    scan: (l, op, previous) => (options.simd === "libc" ? opt.scan!(l, op, previous) : simdScan(l, op, options.simd, () => opt.scan!(l, op, previous))),
  };
  // A straight run with no test left in it keeps its cells in registers whatever the tests do, so
  // that turning the block tests off (or all tests) measures the tests alone.
  const straight: ListRule = options.registers ?? true ? inCache : (l, run) => l.sequence(run);
  if (unchecked) {
    const blocks = new TestedBlocks(rules, straight);
    return { rules: marked(blocks.rules, record.marks), list: (l, ops) => (l.lowersOutOfLine ? l.sequence(ops) : blocks.lower(l, ops, record.marks)) };
  }
  const once = options.blockChecks ?? true;
  return { rules: marked(rules, record.marks), list: (l, ops) => (l.lowersOutOfLine ? l.sequence(ops) : checkBlocks(l, ops, record.marks, straight, once)) };
}
// #endregion fast-rules

/** The op kinds whose code the marks tell apart. */
const KINDS = ["add", "set", "move", "check", "loop", "in", "out", "muladd", "scan", "guard"] as const satisfies readonly OpKind[];

/** `rules`, each first noting where its op's code starts. */
function marked(rules: X86Rules, marks: OpMark[] | null): X86Rules {
  if (marks === null) return rules;
  const wrap = <K extends OpKind>(kind: K): X86Rule<K> => {
    const rule: X86Rule<K> = rules[kind] ?? ((l, op, previous) => definitionOf(op).x86(l, op, previous));
    return (l, op, previous) => {
      marks.push({ at: l.a.offset, pos: posOf(op), kind: op.kind });
      rule(l, op, previous);
    };
  };
  return Object.fromEntries(KINDS.map((kind) => [kind, wrap(kind)])) as X86Rules;
}

// #region block-checks
/**
 * Runs of adds, sets, muladds, checks and guards, with two bounds tests or more between them: the
 * pointer does not move inside such a run, so one test of all the cells they reach answers them
 * all. When it passes, the run without its tests (each guard's fast branch); when it fails, the
 * run as written, out of line, which stops at the exact command that leaves the tape.
 */
function checkBlocks(l: X86Lowering, ops: readonly Op[], marks: OpMark[] | null, straight: ListRule, once: boolean): void {
  for (let i = 0; i < ops.length; ) {
    let j = i;
    while (j < ops.length && isStraight(ops[j]!)) j++;
    // A run ends on an op both paths leave the same flags after (chapter 9's loops reuse them).
    while (j > i && (ops[j - 1]!.kind === "check" || ops[j - 1]!.kind === "guard")) j--;
    if (j === i) {
      l.op(ops[i++]!);
      continue;
    }
    const run = j - i === ops.length ? ops : ops.slice(i, j); // often the whole list: a guard's branch
    const cells = testedCells(run);
    if (cells !== null && once) checkedOnce(l, run, cells, marks, straight);
    else if (!tests(run)) straight(l, run); // nothing to test
    else l.sequence(run);
    i = j;
  }
}

function checkedOnce(l: X86Lowering, run: readonly Op[], cells: Range, marks: OpMark[] | null, straight: ListRule): void {
  const a = l.a;
  const slow = l.label("block_checks_failed");
  const resume = l.label("block_end");
  marks?.push({ at: a.offset, pos: posOf(run[0]!), kind: "block-check" });
  l.boundsTest(cells, slow);
  straight(l, withoutTests(run));
  a.bind(resume);
  l.later(() => {
    a.bind(slow);
    l.sequence(run);
    a.jmp(resume);
  });
}

/** A run once its tests have passed: without its checks, each guard's fast branch in its place. */
function withoutTests(run: readonly Op[]): Op[] {
  const ops: Op[] = [];
  for (const op of run) {
    if (op.kind === "guard") for (const fast of op.then) ops.push(fast);
    else if (op.kind !== "check") ops.push(op);
  }
  return ops;
}

/** Whether a run holds a check or a guard. */
function tests(run: readonly Op[]): boolean {
  for (const op of run) if (op.kind === "check" || op.kind === "guard") return true;
  return false;
}
// #endregion block-checks

// #region block-cache
/**
 * The registers a straight run's cells may live in: the loop pool without ecx, which chapter 9's
 * muladd loads its source into when the source is in memory.
 */
export const RUN_REGISTERS: readonly Gpr<32>[] = CELL_REGISTERS.filter((r) => r !== ecx);

/**
 * A straight run of adds, sets and muladds that nothing can stop half-way (no test in it): each
 * cell it reads after writing it lives in a register from its first touch to the end of the run,
 * loaded first if the run reads it before it writes it, and stored at the end. What this saves is
 * a store, then the load of the same cell by the next op, which waits for that store. The other
 * cells stay in memory: one instruction on memory is as good as a load, the op and a store.
 */
function inCache(l: X86Lowering, run: readonly Op[]): void {
  const cells = cached(run);
  if (cells.length === 0) return l.sequence(run);
  const homes = new Map(cells.map((c, i) => [c.off, low(RUN_REGISTERS[i]!)] as const));
  const a = l.a;
  for (const c of cells) if (c.readFirst) a.movzx(gpr(32, homes.get(c.off)!.id), cellAt(c.off));
  l.inHomes(homes, () => l.sequence(run));
  // A cached cell is one the run reads after writing it: every one goes back to memory.
  for (const c of cells) a.mov(cellAt(c.off), homes.get(c.off)!);
}

/**
 * The cells of a run of adds, sets and muladds that it reads after writing them, as many as
 * RUN_REGISTERS, the most touched first: where a register saves a load of what a store has just
 * written. A cell only read, or read and then set, is as well off in memory.
 */
export function cachedCells(run: readonly Op[]): number[] {
  return cached(run).map((c) => c.off);
}

/**
 * cachedCells, with what the run does to each: the cells to load first are the ones it reads first.
 * None for a run with anything but adds, sets and muladds in it.
 */
function cached(run: readonly Op[]): CellTouches[] {
  // This runs for every straight run, and a run touches a few cells: a list searched from the
  // start costs less than a Map and two Sets built for each.
  const cells: CellTouches[] = [];
  let rereads = 0;
  for (const op of run) {
    if (op.kind === "add") rereads += touch(cells, op.off, true, true);
    else if (op.kind === "set") rereads += touch(cells, op.off, false, true);
    else if (op.kind === "muladd") {
      rereads += touch(cells, op.src, true, false);
      rereads += touch(cells, op.dst, true, true);
    } else return NO_CELLS;
  }
  if (rereads === 0) return NO_CELLS;
  return cells
    .filter((c) => c.reread)
    .sort((x, y) => y.touches - x.touches || x.off - y.off)
    .slice(0, RUN_REGISTERS.length);
}

const NO_CELLS: CellTouches[] = [];

/** One cell of a run, as cachedCells counts it. */
interface CellTouches {
  readonly off: number;
  /** Its first touch reads it (an add, a muladd), not a set. */
  readonly readFirst: boolean;
  touches: number;
  written: boolean;
  /** Read after the run wrote it. */
  reread: boolean;
}

/** Count a touch of the cell `off`; 1 when it makes the cell one read after a write, else 0. */
function touch(cells: CellTouches[], off: number, reads: boolean, writes: boolean): number {
  let c: CellTouches | undefined;
  for (let i = 0; i < cells.length && c === undefined; i++) if (cells[i]!.off === off) c = cells[i];
  if (c === undefined) cells.push((c = { off, readFirst: reads, touches: 0, written: false, reread: false }));
  c.touches++;
  const first = reads && c.written && !c.reread;
  if (first) c.reread = true;
  if (writes) c.written = true;
  return first ? 1 : 0;
}

// #endregion block-cache

// #region unchecked
/**
 * Unchecked: one bounds test before each block, of every cell its ops reach from where the pointer
 * stands when it starts, the cells its moves land on included. While the block's fast path is
 * lowered, a check emits nothing, a guard runs its fast branch and a move only moves; the slow
 * path is the block with every test, and the flags both leave are the same op's.
 */
class TestedBlocks {
  readonly rules: X86Rules;
  #fast = false;

  readonly #straight: ListRule;

  constructor(checked: X86Rules, straight: ListRule) {
    this.#straight = straight;
    const rule = <K extends "check" | "guard" | "move">(kind: K, fast: X86Rule<K>): X86Rule<K> => {
      const slow: X86Rule<K> = checked[kind] ?? ((l, op, previous) => definitionOf(op).x86(l, op, previous));
      return (l, op, previous) => (this.#fast ? fast(l, op, previous) : slow(l, op, previous));
    };
    this.rules = {
      ...checked,
      check: rule("check", () => {}),
      guard: rule("guard", (l, op) => l.sequence(op.then)),
      move: rule("move", (l, op) => l.step(op.delta)),
    };
  }

  lower(l: X86Lowering, ops: readonly Op[], marks: OpMark[] | null): void {
    for (let i = 0; i < ops.length; ) {
      let j = i;
      while (j < ops.length && !endsBlock(ops[j]!)) j++;
      if (j === i) {
        // With every test: this list may be a loop's body inside an outer block's fast path.
        const outer = this.#fast;
        this.#fast = false;
        try {
          l.op(ops[i++]!);
        } finally {
          this.#fast = outer;
        }
        continue;
      }
      const block = ops.slice(i, j);
      const cells = blockReach(block);
      if (cells.lo < 0 || cells.hi > 0) this.#tested(l, block, cells, marks);
      else this.#fastPath(l, block); // reaches no cell but the pointer's: nothing can fail
      i = j;
    }
  }

  #tested(l: X86Lowering, block: readonly Op[], cells: Range, marks: OpMark[] | null): void {
    const slow = l.label("block_checks_failed");
    const resume = l.label("block_end");
    marks?.push({ at: l.a.offset, pos: posOf(block[0]!), kind: "block-check" });
    l.boundsTest(cells, slow);
    this.#fastPath(l, block);
    l.a.bind(resume);
    l.later(() => {
      l.a.bind(slow);
      l.sequence(block);
      l.a.jmp(resume);
    });
  }

  /** The block with no tests: its moves only move, and the runs between them go to `straight`. */
  #fastPath(l: X86Lowering, block: readonly Op[]): void {
    const outer = this.#fast; // a guard's branch inside a fast path lowers its own blocks
    this.#fast = true;
    try {
      for (let i = 0; i < block.length; ) {
        let j = i;
        while (j < block.length && isStraight(block[j]!)) j++;
        // As in checkBlocks, a run ends before its last checks and guards, which go through the
        // rules: the op after the block then follows one both paths leave the same flags after.
        let k = j;
        while (k > i && (block[k - 1]!.kind === "check" || block[k - 1]!.kind === "guard")) k--;
        if (k > i) this.#straight(l, withoutTests(block.slice(i, k)));
        for (; k < Math.max(j, i + 1); k++) l.op(block[k]!);
        i = k;
      }
    } finally {
      this.#fast = outer;
    }
  }
}

/** What a block of ops stops before: a loop, a scan, or a guard whose loop walks (the pointer's end is unknown). */
function endsBlock(op: Op): boolean {
  return op.kind === "loop" || op.kind === "scan" || (op.kind === "guard" && !isStraight(op));
}

/** The cells a block of ops reaches, from the pointer at its start: its checks' and guards', and where its moves land. */
export function blockReach(block: readonly Op[]): Range {
  let at = 0;
  let lo = 0;
  let hi = 0;
  const reach = (a: number, b: number) => [lo, hi] = [Math.min(lo, at + a), Math.max(hi, at + b)];
  for (const op of block) {
    if (op.kind === "move") {
      at += op.delta;
      reach(0, 0);
    } else if (op.kind === "guard") reach(op.cells.lo, op.cells.hi);
    else if (op.kind === "check") {
      const r = extent(op.reach);
      reach(r.lo, r.hi);
    }
  }
  return { lo, hi };
}
// #endregion unchecked

// #region register-loop
/**
 * An innermost loop of adds, sets and muladds: test the cell, check the tape once for every cell
 * the body's checks reach (the pointer does not move, so the answer is the same at every turn),
 * load the cells into registers, go round with the ops' own rules working on the registers, and
 * store what changed at the end. When the check fails, the loop as chapter 9 compiles it, out of
 * line, fails at the exact command. A loop nest (nestCells) is lowered the same way, its inner
 * loops on the registers too (innerLoop).
 */
function registerLoop(l: X86Lowering, op: OpTypes["loop"], cells: readonly number[], nest: NestState): void {
  const a = l.a;
  // One map for every nest, filled again: nothing asks for a nest's homes once its code is done.
  const homes = nest.regs;
  homes.clear();
  for (let i = 0; i < cells.length; i++) homes.set(cells[i]!, CELL_LOW[i]!);
  const once = runsOnce(op);
  const done = l.labelAt("end", op.end);
  const head = l.labelAt(once ? "regs_if" : "regs", op.pos);
  a.cmp(cellAt(op.off), 0).je(done);
  const { reach, written } = nestFacts(op.body, cells);
  if (reach) {
    const slow = l.label("regs_checks_failed");
    l.boundsTest(reach, slow);
    l.later(() => {
      a.bind(slow);
      // Out of line: its cells in memory, inner loops included. Chapter 9's rule, called here
      // rather than through the loop rule: a nest holds no guard to ask whether it is in a loop.
      nest.opt.loop!(l, op, null);
      a.jmp(done);
    });
  }
  for (let i = 0; i < cells.length; i++) a.movzx(CELL_REGISTERS[i]!, cellAt(cells[i]!));
  if (nest.align > 1 && !once) a.align(nest.align);
  a.bind(head);
  nest.homes = homes;
  try {
    l.inHomes(homes, () => inRegisters(l, op.body, nest.record));
  } finally {
    nest.homes = null;
  }
  if (!once) {
    const r = homes.get(op.off)!;
    if (flagsOf(l.last) !== op.off) a.test(r, r);
    a.jne(head);
  }
  for (let i = 0; i < cells.length; i++) if (written & (1 << i)) a.mov(cellAt(cells[i]!), CELL_LOW[i]!);
  a.bind(done);
}

/** A body whose cells are in registers: its ops by their rules, its checks (tested before the nest) only noted. */
function inRegisters(l: X86Lowering, body: readonly Op[], record: CodeNotes): void {
  for (const inner of body) {
    if (inner.kind === "check") record.marks?.push({ at: l.a.offset, pos: posOf(inner), kind: inner.kind });
    else l.op(inner);
  }
}
// #endregion register-loop

// #region inner-loop
/**
 * A loop inside a loop nest in registers: test its register, go round on registers. A loop that
 * runs once at most (runsOnce) needs no test at its end: its body leaves the cell 0. In a chain
 * of such ifs, each one's way out falls straight into the next one's, to the nest's one end.
 */
function innerLoop(l: X86Lowering, op: OpTypes["loop"], homes: ReadonlyMap<number, Gpr<8>>, record: CodeNotes): void {
  const a = l.a;
  const r = homes.get(op.off)!;
  const once = runsOnce(op);
  const done = l.labelAt("end", op.end);
  const body = l.labelAt(once ? "if" : "loop", op.pos);
  a.test(r, r).je(done).bind(body);
  inRegisters(l, op.body, record);
  if (!once) {
    if (flagsOf(l.last) !== op.off) a.test(r, r);
    a.jne(body);
  }
  a.bind(done);
}
// #endregion inner-loop

// #region carried-zeros
/**
 * A loop that walks: straight ops, then one move. A cell its body ends by setting to 0 is, after
 * the move, another cell of the next turn, at a known offset; a next turn that first adds to that
 * cell, or adds a product to it, can store instead: the cell is 0. mandelbrot's
 * `[>[->>>>>>>>>+<<<<<<<<<]<<<<<<<<<<]` is `muladd [10] += [1] * 1; set [1] 0; move -9`: from the
 * second turn on, [10] is the [1] the turn before cleared. The stored form does not wait for the
 * store of that 0 to reach the load of an add, turn after turn.
 *
 * The body of the later turns, or null when no turn gains: the first touch of each cell known to
 * be 0 becomes a set (an add) or a copy (a muladd, noted in `copies`).
 */
export function laterTurns(loop: LoopOp, copies: WeakSet<MulAddOp>): Op[] | null {
  const body = loop.body;
  const move = body.at(-1);
  if (move?.kind !== "move" || body.length > MAX_PEELED) return null;
  const ops = body.slice(0, -1);
  if (!ops.every((op) => op.kind === "add" || op.kind === "set" || op.kind === "muladd" || op.kind === "check")) return null;
  const lastWrite = new Map<number, Op>();
  const first = new Map<number, Op>();
  for (const op of ops) {
    const touched = op.kind === "add" || op.kind === "set" ? [op.off] : op.kind === "muladd" ? [op.src, op.dst] : [];
    for (const off of touched) if (!first.has(off)) first.set(off, op);
    if (op.kind === "add" || op.kind === "set") lastWrite.set(op.off, op);
    else if (op.kind === "muladd") lastWrite.set(op.dst, op);
  }
  const zeros = new Set<number>();
  for (const [off, w] of lastWrite) if (w.kind === "set" && w.value === 0) zeros.add(off - move.delta);
  const replaced = new Map<Op, Op>();
  for (const off of zeros) {
    const op = first.get(off);
    if (op?.kind === "add") replaced.set(op, { kind: "set", off, value: wrapUnsigned(op.k), pos: op.pos });
    else if (op?.kind === "muladd" && op.dst === off && op.src !== off) {
      const copy = { ...op };
      copies.add(copy);
      replaced.set(op, copy);
    }
  }
  return replaced.size === 0 ? null : body.map((op) => replaced.get(op) ?? op);
}

/** Longest body a loop is peeled for: the first turn is a second copy of it. */
const MAX_PEELED = 12;

/** The first turn as written, then the later turns (laterTurns) round a loop of their own. */
function peeledLoop(l: X86Lowering, op: OpTypes["loop"], later: readonly Op[]): void {
  const a = l.a;
  const done = l.labelAt("end", op.end);
  const head = l.labelAt("later", op.pos);
  a.cmp(cellAt(op.off), 0).je(done);
  l.ops(op.body);
  a.cmp(cellAt(op.off), 0).je(done); // the body ends with a move: no flags to reuse
  a.bind(head);
  l.ops(later);
  a.cmp(cellAt(op.off), 0).jne(head);
  a.bind(done);
}

/** A muladd into a cell known to be 0: `[d] = [s] * k`, a store where the muladd adds. */
function copyInto(l: X86Lowering, op: MulAddOp, previous: Op | null): void {
  const a = l.a;
  const src = l.cell(op.src);
  let value: Gpr<8>;
  if (src.kind === "mem") {
    // chapter 9's muladd leaves the source in ecx; so does this
    if (!(previous?.kind === "muladd" && previous.src === op.src && previous.dst !== previous.src)) a.movzx(ecx, src);
    value = gpr(8, ecx.id);
  } else value = src;
  if (op.k !== 1) {
    a.imul(eax, src.kind === "mem" ? ecx : valueIn32(a, src), op.k);
    value = gpr(8, eax.id);
  }
  cellOp(a, "mov", l.cell(op.dst), value);
}
// #endregion carried-zeros

// #region simd-scan
/**
 * The fewest cells of a scan a vector compare must test to beat chapter 9's strided scan, which
 * tests four cells per bounds check with plain compares and has nothing to set up or leave.
 */
export const VECTOR_CELLS = 8;

/** How many cells of a scan by `stride` one vector of `bytes` holds (the scan stands on the first). */
export function vectorCells(stride: number, bytes: number): number {
  return Math.floor((bytes - 1) / Math.abs(stride)) + 1;
}

/**
 * A scan, SIMD inline: compare a whole vector of cells with 0 at once, while a whole vector fits
 * between the pointer and the end of the tape it walks to; then the last few cells one at a time,
 * each step bounds-checked, as chapter 8's scan. A vector load that lies inside the tape cannot
 * touch a byte outside it, whatever its alignment. A stride of 2 or more keeps only the bits of
 * the cells the scan stands on: with AVX2, `[>>]` tests 16 cells per compare. A stride too long
 * for VECTOR_CELLS cells in a vector is chapter 9's scan.
 */
function simdScan(l: X86Lowering, op: ScanOp, simd: "sse2" | "avx2", otherwise: () => void): void {
  const a = l.a;
  const s = op.stride;
  const right = s > 0;
  const w = simd === "avx2" ? 32 : 16;
  const cells = vectorCells(s, w); // cells of the scan in one vector
  if (cells < VECTOR_CELLS) return otherwise();
  const done = l.label("scan_done");
  const vector = l.label("scan_vector");
  const found = l.label("scan_found");
  const tail = l.label("scan_tail");
  // Off the tape: stand on the cell the failed step started from (the host replays that step).
  const fail = l.offTapeStub(op, () => l.step(-s));
  a.cmp(cellAt(0), 0).je(done); //                     most scans start on a 0
  if (simd === "avx2") a.vpxor(ymm1, ymm1, ymm1);
  else a.pxor(xmm1, xmm1);
  // The vector is [rax, rax + w): from the pointer rightwards, or ending on it leftwards.
  a.bind(vector);
  if (right) a.mov(rax, cell).lea(rcx, mem(rax, w)).cmp(rcx, end).ja(tail);
  else a.lea(rax, mem(cell, -(w - 1))).cmp(rax, tape).jb(tail);
  // ecx = one bit for each byte of the vector at rax that is 0 (no alignment needed).
  if (simd === "avx2") a.vpcmpeqb(ymm0, ymm1, ymmword(rax)).vpmovmskb(ecx, ymm0);
  else a.movdqu(xmm0, xmmword(rax)).pcmpeqb(xmm0, xmm1).pmovmskb(ecx, xmm0);
  if (Math.abs(s) > 1) a.and(ecx, strideMask(s, w)); // sets the flags, as test would
  else a.test(ecx, ecx);
  a.jnz(found);
  l.step(s * cells);
  a.jmp(vector);
  a.bind(found);
  leaveVectors(a, simd);
  // The nearest 0: the lowest bit going right, the highest going left.
  if (right) a.tzcnt(ecx, ecx);
  else a.bsr(ecx, ecx);
  a.lea(cell, mem(rax, rcx)).jmp(done);
  a.bind(tail);
  leaveVectors(a, simd);
  const next = l.label("scan_tail_next");
  a.bind(next);
  l.movedOff(s, fail);
  a.cmp(cellAt(0), 0).je(done);
  l.step(s);
  a.jmp(next).bind(done);
}

/** Leave AVX code clean: without vzeroupper, the next SSE instruction (in libc, say) pays a penalty. */
function leaveVectors(a: Asm, simd: "sse2" | "avx2"): void {
  if (simd === "avx2") a.vzeroupper();
}
// #endregion simd-scan

// #region register-cells
/**
 * The cells of a loop whose body is only adds, sets, muladds and checks (so it neither moves nor
 * calls), when they fit the register pool; otherwise null. A loop that chapter 9 turns into an `if`
 * (its body ends by zeroing its own cell) runs once at most, and gains nothing from registers.
 */
export function registerCells(loop: LoopOp): number[] | null {
  // The loop rule asks this of every loop: a short list of cells costs less to make than a Set,
  // and the walk stops once they overflow the pool.
  const cells = [loop.off];
  for (const op of loop.body) {
    if (op.kind === "add" || op.kind === "set") note(cells, op.off);
    else if (op.kind === "muladd") note(note(cells, op.src), op.dst);
    else if (op.kind !== "check") return null;
    if (cells.length > CELL_REGISTERS.length) return null;
  }
  const last = loop.body.at(-1);
  if (last === undefined || (last.kind === "set" && last.off === loop.off && last.value === 0)) return null;
  return cells.sort((x, y) => x - y);
}

/** `cells` with `off` added, unless it is there already. */
function note(cells: number[], off: number): number[] {
  if (!cells.includes(off)) cells.push(off);
  return cells;
}
// #endregion register-cells

// #region nest-cells
/**
 * The cells of a loop nest: a loop with loops inside, whose ops, at every depth, are only adds,
 * sets, muladds, checks and loops, when they fit the register pool; otherwise null. Such a nest
 * does not move either, so every cell is where it was, whichever loop runs.
 */
export function nestCells(loop: LoopOp): number[] | null {
  const cells = [loop.off];
  let loops = 0;
  // The loop rule asks this of every loop, so the walk stops at the first op a nest cannot hold
  // (most loops have one near the top) instead of listing the whole subtree every time: a program
  // nested d deep would pay d times for its innermost ops.
  const todo: (readonly Op[])[] = [loop.body];
  for (let list = todo.pop(); list !== undefined; list = todo.pop()) {
    for (const op of list) {
      if (op.kind === "add" || op.kind === "set") note(cells, op.off);
      else if (op.kind === "muladd") note(note(cells, op.src), op.dst);
      else if (op.kind === "loop") {
        note(cells, op.off);
        loops++;
        todo.push(op.body);
      } else if (op.kind !== "check") return null;
      if (cells.length > CELL_REGISTERS.length) return null;
    }
  }
  if (loops === 0) return null;
  return cells.sort((x, y) => x - y);
}

/**
 * A loop that runs once at most: its balanced body ends by setting its cell to 0, or with a loop
 * on the same cell, which only ends when that cell is 0.
 */
export function runsOnce(loop: LoopOp): boolean {
  const last = loop.body.at(-1);
  if (last === undefined) return false;
  const ends = (last.kind === "set" && last.off === loop.off && last.value === 0) || (last.kind === "loop" && last.off === loop.off);
  return ends && isBalanced(loop.body); // the cheap question first
}
// #endregion nest-cells

/**
 * State the loop rule keeps: the registers of the loop nest being lowered, and what every nest's
 * lowering needs (the map its homes are filled into, made once).
 */
interface NestState {
  homes: ReadonlyMap<number, Gpr<8>> | null;
  readonly opt: X86Rules;
  readonly align: number;
  readonly record: CodeNotes;
  readonly regs: Map<number, Gpr<8>>;
}

/**
 * What a nest's lowering needs of its body, at every depth, in one walk: the cells its checks reach
 * (one range, or null when it has none), and the cells it writes, as a bit for each of `cells`
 * (which holds them all). A stack of lists, not recursion, and nothing collected on the way.
 */
function nestFacts(body: readonly Op[], cells: readonly number[]): { reach: Range | null; written: number } {
  let checked = false;
  let lo = 0;
  let hi = 0;
  let written = 0;
  const todo: (readonly Op[])[] = [body];
  for (let list = todo.pop(); list !== undefined; list = todo.pop()) {
    for (let i = 0; i < list.length; i++) {
      const op = list[i]!;
      if (op.kind === "check") {
        for (const { off } of op.reach) {
          checked = true;
          lo = Math.min(lo, off);
          hi = Math.max(hi, off);
        }
      } else if (op.kind === "add" || op.kind === "set") written |= 1 << cells.indexOf(op.off);
      else if (op.kind === "muladd") written |= 1 << cells.indexOf(op.dst);
      else if (op.kind === "loop") todo.push(op.body);
    }
  }
  return { reach: checked ? { lo, hi } : null, written };
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

/** An op a straight run may hold: one that neither moves the pointer nor loops nor calls. */
const isStraight = (op: Op): boolean =>
  op.kind === "add" ||
  op.kind === "set" ||
  op.kind === "muladd" ||
  op.kind === "check" ||
  // A guard whose loop walks the tape leaves the pointer somewhere no test before it can know. Its
  // `then` is all a tested run keeps of it: when the test fails, the run is lowered as written.
  (op.kind === "guard" && isBalanced(op.then));

/** The cells a straight run's checks and guards test, when there are two tests or more; else null. */
export function testedCells(run: readonly Op[]): Range | null {
  let tests = 0;
  let lo = 0;
  let hi = 0;
  for (const op of run) {
    let below = 0; // the op's farthest cells on each side: extent, without a Range for each check
    let above = 0;
    if (op.kind === "guard") {
      below = op.cells.lo;
      above = op.cells.hi;
    } else if (op.kind === "check") {
      for (const r of op.reach) {
        below = Math.min(below, r.off);
        above = Math.max(above, r.off);
      }
    } else continue;
    tests += (below < 0 ? 1 : 0) + (above > 0 ? 1 : 0);
    lo = Math.min(lo, below);
    hi = Math.max(hi, above);
  }
  return tests >= 2 ? { lo, hi } : null;
}

/** The machine code of optimized LIR (or of a program's optimized LIR in parts), with this chapter's lowering. */
export function fastToX86(lir: Lir | Iterable<Lir | LoopEdge>, imports: ScanImports, options: FastOptions, a: Asm = new Asm()): FastCode {
  const record: CodeNotes = { marks: a.keepsListing ? [] : null, loops: a.keepsListing || options.loopRegions === true ? [] : null };
  const { rules, list } = fastRules(imports, options, record);
  const code = new X86Lowering(imports, a, rules, list).generate(lir);
  return { ...code, marks: record.marks ?? [], loops: record.loops ?? [] };
}
