// LIR -> x86-64, one op at a time, on chapter 7's native runtime: its context block, its statuses,
// its flush routine and its way of reporting a bounds check that failed (a site number, whose
// steps the host replays). What changes is the register plan: rbx holds the current cell's
// address, so the cell `[o]` of an op is the operand `[rbx+o]`, and a verified LIR needs no bounds
// check on any op but the ones that say so (move, check, scan and guard).
import { byte, dword, mem, qword, type Mem } from "../04-encoder/operands.ts";
import { al, cl, eax, ecx, edi, edx, r12, r13, rax, rbx, rdi, rsi, type Gpr } from "../04-encoder/registers.ts";
import { Frame } from "../05-control-flow/frame.ts";
import { Asm, type Label } from "../05-control-flow/labels.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import { CTX, REG, STATUS, type IoImports } from "../07-template-jit/context.ts";
import { gnuListing } from "../07-template-jit/listing.ts";
import type { GeneratorHooks } from "../07-template-jit/generate.ts";
import { FRAME, emitExits, emitFlushRoutine, newExits, type Exits } from "../07-template-jit/routines.ts";
import type { SiteTable } from "../07-template-jit/tier.ts";
import { innerOps, reachesOf, type AddOp, type CheckOp, type GuardOp, type InOp, type Lir, type LoopOp, type MoveOp, type MulAddOp, type Op, type OutOp, type Range, type Reach, type ScanOp, type SetOp } from "./lir.ts";
import { verify } from "./verify.ts";

// #region registers
/**
 * Chapter 7's registers, with two changed: the current cell and the end of the tape are addresses.
 * `[rbx+o]` is then any cell an op names, with no index register, and a move is one add. All five
 * are callee-saved, so chapter 7's frame (FRAME) saves them, and calls into libc keep them.
 */
export const LIR_REG = {
  /** The address of the current cell: tape + pointer. */
  cell: rbx,
  /** The address of cell 0. */
  tape: r12,
  /** The address one past the last cell. */
  end: r13,
  /** The context block, and the output cursor, as in chapter 7 (its flush routine uses them). */
  ctx: REG.ctx,
  out: REG.out,
} as const;
// #endregion registers

const { cell, tape, end, ctx, out } = LIR_REG;

/** The cell `[o]` of an op: a byte at `rbx + o`. */
export const cellAt = (off: number): Mem => byte(cell, off);

/** Machine code for a program, and how the host reads back a failed bounds check. */
export interface X86Code {
  readonly asm: Asm;
  readonly sites: SiteTable;
  /**
   * Where the program's own code is, as offsets [start, end): what its ops became, inline, and
   * their out-of-line code. The rest (entry, exits, I/O routines) is the same for every program.
   */
  readonly own: { readonly inline: Span; readonly outOfLine: Span };
}

/** Offsets [start, end) in the code. */
export type Span = readonly [start: number, end: number];

// #region lowering
/**
 * The lowering, one method per op. Chapter 9 extends it (a subclass overrides the ops it lowers
 * better); everything else is shared: the frame, the exits, the sites, the out-of-line code.
 */
export class X86Lowering {
  protected readonly a: Asm;
  protected readonly x: Exits;
  /** The op of each bounds check that can fail, by site number (what eax holds at the exit). */
  private readonly sites: (MoveOp | CheckOp | ScanOp)[] = [];
  /** Code that runs rarely, emitted after the program so the hot path falls straight through. */
  private readonly cold: (() => void)[] = [];
  /** How many labels have each name so far: a listing must not bind one name twice. */
  private readonly names = new Map<string, number>();
  /** Code added at each loop test (chapter 7's instrumentation seam), or null: none. */
  protected hooks: GeneratorHooks | null = null;

  constructor(
    protected readonly imports: IoImports,
    a: Asm = new Asm(),
  ) {
    this.a = a;
    this.x = newExits(a);
  }

  /**
   * The whole program: entry, the ops, exits, the out-of-line code, then the I/O routines, and
   * last what `hooks` add after the code (their loop-test code goes in with the ops).
   */
  generate(lir: Lir, hooks?: GeneratorHooks): X86Code {
    verify(lir); // the code below trusts the LIR's rule: no op touches a cell nothing checked
    const a = this.a;
    this.hooks = hooks ?? null;
    emitLirEntry(a);
    const body = a.offset;
    this.ops(lir.ops);
    const inline: Span = [body, a.offset];
    emitLirExits(a, this.x);
    // Out-of-line code may queue more (a guard's slow branch has its own failed checks).
    const cold = a.offset;
    for (let i = 0; i < this.cold.length; i++) this.cold[i]!();
    const own = { inline, outOfLine: [cold, a.offset] as const };
    this.routines(lir);
    this.hooks?.emitTail(this.x);
    const sites = this.sites;
    // Only a failed check asks, so the steps are worked out then, not for every site.
    const steps = (site: number) => (site < sites.length ? reachesOf(sites[site]!).map((r) => ({ offset: r.off, pos: r.pos })) : []);
    return { asm: a, sites: steps, own };
  }

  protected ops(ops: readonly Op[]): void {
    for (const op of ops) this.op(op);
  }

  /** The routines the ops call, after everything else: flush, and input if the program reads. */
  protected routines(lir: Lir): void {
    emitFlushRoutine(this.a, this.x, this.imports);
    if (usesInput(lir.ops)) emitCellInputRoutine(this.a, this.x, this.imports);
  }

  protected op(op: Op): void {
    switch (op.kind) {
      case "add": return this.add(op);
      case "set": return this.set(op);
      case "move": return this.move(op);
      case "check": return this.check(op);
      case "loop": return this.loop(op);
      case "in": return this.in(op);
      case "out": return this.out(op);
      case "muladd": return this.muladd(op);
      case "scan": return this.scan(op);
      case "guard": return this.guard(op);
    }
  }
  // #endregion lowering

  // #region cells
  /** `add [o] k`: one add (or sub) on the byte in memory. */
  protected add(op: AddOp): void {
    if (op.k > 0) this.a.add(cellAt(op.off), op.k);
    else this.a.sub(cellAt(op.off), -op.k);
  }

  /** `set [o] v`: one store. */
  protected set(op: SetOp): void {
    this.a.mov(cellAt(op.off), op.value);
  }

  /** `muladd [d] += [s] * k`: load, multiply, add. A factor of 1 or -1 needs no multiply. */
  protected muladd(op: MulAddOp): void {
    this.a.movzx(ecx, cellAt(op.src));
    this.addTimes(op.dst, ecx, op.k);
  }

  /** `[d] += value * k`, with `value` in a 32-bit register (its low byte is what counts). */
  protected addTimes(dst: number, value: Gpr<32>, k: number): void {
    const low = value === ecx ? cl : al;
    if (k === 1) this.a.add(cellAt(dst), low);
    else if (k === -1) this.a.sub(cellAt(dst), low);
    else this.a.imul(eax, value, k).add(cellAt(dst), al);
  }
  // #endregion cells

  // #region bounds
  /** `move d`: one add, then one compare with the end the move goes towards. */
  protected move(op: MoveOp): void {
    const fail = this.offTapeStub(op, () => this.step(-op.delta)); // the host wants the pointer before the move
    this.step(op.delta);
    this.a.cmp(cell, op.delta > 0 ? end : tape);
    if (op.delta > 0) this.a.jae(fail);
    else this.a.jb(fail);
  }

  /** Move the pointer by `delta` cells. */
  protected step(delta: number): void {
    if (delta > 0) this.a.add(cell, delta);
    else this.a.sub(cell, -delta);
  }

  /** `check ...`: only the farthest reach on each side; if those are on the tape, all are. */
  protected check(op: CheckOp): void {
    this.boundsTest(extent(op.reach), this.offTapeStub(op));
  }

  /**
   * Jump to `fail` unless every cell of `cells` is on the tape. The pointer's own cell is, so only
   * the side(s) of `cells` beyond it need a compare.
   */
  protected boundsTest(cells: Range, fail: Label): void {
    if (cells.hi > 0) this.a.lea(rax, mem(cell, cells.hi)).cmp(rax, end).jae(fail);
    if (cells.lo < 0) this.a.lea(rax, mem(cell, cells.lo)).cmp(rax, tape).jb(fail);
  }

  /**
   * A new site for `op`, and its stub, out of line: `restore` puts the pointer back where the op's
   * failed step started from (the host replays the op's reaches from there), then the stub leaves
   * with the site number in eax.
   */
  protected offTapeStub(op: MoveOp | CheckOp | ScanOp, restore?: () => void): Label {
    const site = this.sites.length;
    this.sites.push(op);
    const stub = this.label(`off_tape_${site}`);
    this.later(() => {
      this.a.bind(stub);
      restore?.();
      this.a.mov(eax, site).jmp(this.x.offTape);
    });
    return stub;
  }
  // #endregion bounds

  // #region loops
  /** `loop [o] { ... }`: test before the body, and again at its end to go round. */
  protected loop(op: LoopOp): void {
    const body = this.label(`loop_${op.pos.line}_${op.pos.column}`); // named after the [ and the ]
    const done = this.label(`end_${op.end.line}_${op.end.column}`);
    this.loopTest(op.pos, op.off);
    this.a.cmp(cellAt(op.off), 0).je(done).bind(body);
    this.ops(op.body);
    this.loopTest(op.end, op.off);
    this.a.cmp(cellAt(op.off), 0).jne(body).bind(done);
  }

  /**
   * Before every loop test (the unit interpretLir counts as a step): the hooks' code, if any. It may
   * change the flags, so it comes before the test's compare.
   */
  protected loopTest(pos: SourcePos, off: number): void {
    this.hooks?.loopTest(pos, off);
  }

  /** `scan s`: a loop of moves, each checked, until the cell is 0. */
  protected scan(op: ScanOp): void {
    const again = this.label("scan");
    const done = this.label("scan_done");
    const fail = this.offTapeStub(op, () => this.step(-op.stride));
    this.loopTest(op.pos, 0);
    this.a.cmp(cellAt(0), 0).je(done).bind(again);
    this.step(op.stride);
    this.a.cmp(cell, op.stride > 0 ? end : tape);
    if (op.stride > 0) this.a.jae(fail);
    else this.a.jb(fail);
    this.loopTest(op.pos, 0);
    this.a.cmp(cellAt(0), 0).jne(again).bind(done);
  }

  /** `guard a..b { then } else { otherwise }`: the test inline, `otherwise` out of line. */
  protected guard(op: GuardOp): void {
    const slow = this.label("guard_else");
    const resume = this.label("guard_end");
    this.boundsTest(op.cells, slow);
    this.ops(op.then);
    this.a.bind(resume);
    this.later(() => {
      this.a.bind(slow);
      this.ops(op.otherwise);
      this.a.jmp(resume);
    });
  }
  // #endregion loops

  // #region io
  /** `out [o]`: append the byte to the output buffer; flush when it is full. */
  protected out(op: OutOp): void {
    const next = this.label("out_done");
    this.a.mov(al, cellAt(op.off))
      .mov(byte(out), al)
      .inc(out)
      .cmp(out, qword(ctx, CTX.outEnd))
      .jb(next, "short")
      .call(this.x.flush)
      .test(eax, eax)
      .jnz(this.x.leave)
      .bind(next);
  }

  /** `in [o]`: the input routine reads into the cell whose address is in rsi. */
  protected in(op: InOp): void {
    this.a.lea(rsi, mem(cell, op.off)).call(this.x.input).test(eax, eax).jnz(this.x.leave);
  }
  // #endregion io

  /** A new label named `name`, or `name_2`, `name_3`... when the name is taken. */
  protected label(name: string): Label {
    const n = (this.names.get(name) ?? 0) + 1;
    this.names.set(name, n);
    return this.a.newLabel(n === 1 ? name : `${name}_${n}`);
  }

  /** Emit `emit` after the program, out of the hot path. */
  protected later(emit: () => void): void {
    this.cold.push(emit);
  }
}

/** Does any op of `ops`, or inside them, have this kind? */
export function uses(ops: readonly Op[], kind: Op["kind"]): boolean {
  return ops.some((op) => op.kind === kind || innerOps(op).some((inner) => uses(inner, kind)));
}

function usesInput(ops: readonly Op[]): boolean {
  return uses(ops, "in");
}

/** The smallest and the largest offset of the reaches (each side of 0 at most). */
function extent(reach: readonly Reach[]): Range {
  let lo = 0;
  let hi = 0;
  for (const { off } of reach) [lo, hi] = [Math.min(lo, off), Math.max(hi, off)];
  return { lo, hi };
}

// #region entry-exits
/** Save the registers, then load them from the context block (its address is in rdi). */
export function emitLirEntry(a: Asm): void {
  FRAME.prologue(a);
  a.mov(ctx, rdi)
    .mov(tape, qword(ctx, CTX.tape))
    .mov(end, qword(ctx, CTX.tapeSize))
    .add(end, tape)
    .mov(cell, qword(ctx, CTX.pointer))
    .add(cell, tape)
    .mov(out, qword(ctx, CTX.outCursor));
}

/**
 * Chapter 7's exits: flush, and leave with flush's status; a failed check leaves with its site in
 * eax. Every exit first turns the cell's address back into the index the context block holds.
 */
export function emitLirExits(a: Asm, x: Exits): void {
  emitExits(a, x, () => a.sub(cell, tape));
}
// #endregion entry-exits

// #region input
/**
 * Read one byte into the cell whose address is in rsi, after flushing any pending output (so a
 * prompt shows first). At end of input, CTX.eof says what to store (-1: nothing). Returns 0,
 * STATUS.WRITE_FAILED or STATUS.READ_FAILED, like chapter 7's routine, which reads only `[0]`.
 */
export function emitCellInputRoutine(a: Asm, x: Exits, imports: IoImports): void {
  const frame = new Frame({ locals: 8 }); // the cell's address, across the calls
  const read = a.newLabel("input_read");
  const done = a.newLabel("input_done");
  const failed = a.newLabel("input_failed");
  const leave = a.newLabel("input_leave");
  a.bind(x.input);
  frame.prologue(a);
  a.mov(frame.local(0), rsi)
    .cmp(out, qword(ctx, CTX.outBuffer))
    .je(read)
    .call(x.flush)
    .test(eax, eax)
    .jnz(leave)
    .bind(read)
    .mov(edi, dword(ctx, CTX.inFd))
    .mov(rsi, frame.local(0))
    .mov(edx, 1)
    .callAbsolute(imports.read) //            rax = read(fd, cell, 1)
    .inc(qword(ctx, CTX.reads))
    .test(rax, rax)
    .jg(done) //                              1: the byte is in the cell
    .jl(failed) //                            -1: an error
    .mov(eax, dword(ctx, CTX.eof)) //        0: end of input
    .test(eax, eax)
    .js(done)
    .mov(rsi, frame.local(0))
    .mov(byte(rsi), al)
    .bind(done)
    .xor(eax, eax)
    .bind(leave);
  frame.epilogue(a);
  a.bind(failed).mov(qword(ctx, CTX.ioResult), rax).mov(eax, STATUS.READ_FAILED).jmp(leave);
}
// #endregion input

// #region generate
/** The machine code of a (verified) LIR program, with `imports` as the addresses of write and read. */
export function lirToX86(lir: Lir, imports: IoImports): X86Code {
  return new X86Lowering(imports).generate(lir);
}
// #endregion generate

// #region own-listing
/**
 * The listing of the program's own code only: what its ops became, then their out-of-line code
 * (or only one of the two), without the entry, the exits and the I/O routines every program shares.
 */
export function ownListing(code: X86Code, parts: readonly (keyof X86Code["own"])[] = ["inline", "outOfLine"]): string {
  const spans = parts.map((p) => code.own[p]);
  const inside = (at: number) => spans.some(([start, end]) => at >= start && at < end);
  const lines = gnuListing(code.asm).split("\n").slice(1); // without the .intel_syntax line
  const kept: string[] = [];
  // A label line comes before the instruction it marks. Labels that mark the end of the ops (where
  // a loop that runs no more jumps) are kept too; the end of the out-of-line code is the next routine.
  const opsEnd = parts.includes("inline") ? code.own.inline[1] : -1;
  let pending: string[] = [];
  let last = -1;
  for (const line of lines) {
    const at = /# ([0-9a-f]+):/.exec(line);
    if (!at) {
      pending.push(line);
      continue;
    }
    const offset = parseInt(at[1]!, 16);
    if (inside(offset) || (offset === opsEnd && inside(last))) kept.push(...pending);
    if (inside(offset)) kept.push(line);
    last = offset;
    pending = [];
  }
  return kept.join("\n");
}
// #endregion own-listing
