// LIR -> x86-64, one op at a time, on chapter 7's native runtime: its context block, its statuses,
// its flush routine and its way of reporting a bounds check that failed (a site number, whose
// steps the host replays). What changes is the register plan: rbx holds the current cell's
// address, so the cell `[o]` of an op is the operand `[rbx+o]`, and a verified LIR needs no bounds
// check on any op but the ones that say so (move and check).
import { byte, dword, mem, qword, type Imm, type Mem } from "../04-encoder/operands.ts";
import { al, eax, edi, edx, gpr, r12, r13, rax, rbx, rdi, rsi, type Gpr } from "../04-encoder/registers.ts";
import { Frame } from "../05-control-flow/frame.ts";
import { Asm, type Label } from "../05-control-flow/labels.ts";
import { LineIndex } from "../06-interpreter/source.ts";
import { CTX, REG, STATUS, type IoImports } from "../07-template-jit/context.ts";
import { gnuListing } from "../07-template-jit/listing.ts";
import type { GeneratorHooks } from "../07-template-jit/generate.ts";
import { FRAME, emitExits, emitFlushRoutine, newExits, type Exits } from "../07-template-jit/routines.ts";
import type { SiteTable } from "../07-template-jit/tier.ts";
import { extent, type Lir, type Op, type OpKind, type OpTypes, type Range } from "./lir.ts";
import { definitionOf } from "./op-set.ts";
import { OpWalk, type OpLowerer } from "./op-walk.ts";
import { LirError } from "./errors.ts";
import { PackedSites } from "./packed-sites.ts";
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

// Nearly every op names a cell a few steps from the pointer, and a program names them over and
// over: those operands are made once (an operand is never changed), not once per instruction.
const NEAR = 128;
const NEAR_CELLS: readonly Mem[] = Array.from({ length: 2 * NEAR }, (_, i) => byte(cell, i - NEAR));

/** The cell `[o]` of an op: a byte at `rbx + o`. */
export const cellAt = (off: number): Mem => (off >= -NEAR && off < NEAR ? NEAR_CELLS[off + NEAR]! : byte(cell, off));

// A bounds test names a cell's address, for lea, as often: those are made once as well.
const NEAR_ADDRESSES: readonly Mem[] = Array.from({ length: 2 * NEAR }, (_, i) => mem(cell, i - NEAR));

/** The address of the cell `[o]`, `rbx + o`, without a size: what lea takes. */
const addressAt = (off: number): Mem => (off >= -NEAR && off < NEAR ? NEAR_ADDRESSES[off + NEAR]! : mem(cell, off));

/** Machine code for a program, and how the host reads back a failed bounds check. */
export interface X86Code {
  readonly asm: Asm;
  readonly sites: SiteTable;
  /**
   * Where the program's own code is, as offsets [start, end): what its ops became, inline, and
   * their out-of-line code. The rest (entry, exits, I/O routines) is the same for every program.
   * (A program generated in parts has the out-of-line code of each part but the last inline, after it.)
   */
  readonly own: { readonly inline: Span; readonly outOfLine: Span };
  /** The lines of the text the LIR's positions point into. */
  readonly lines: LineIndex;
}

/** Offsets [start, end) in the code. */
export type Span = readonly [start: number, end: number];

/**
 * Between two parts of a program in parts (see generate): a loop whose body is too big to be one
 * part, opened before the parts its body comes in and closed after them. `pos` is its `[`, `end`
 * its `]`, both in the text `lines` indexes; the loop tests cell [0], as a lowered loop does.
 */
export interface LoopEdge {
  readonly edge: "open" | "close";
  readonly pos: number;
  readonly end: number;
  readonly lines: LineIndex;
}

// #region lowering
/** How one op kind becomes machine code. `previous` is the op whose code ends where this one's starts. */
export type X86Rule<K extends OpKind> = (l: X86Lowering, op: OpTypes[K], previous: Op | null) => void;

/**
 * The lowering, as one rule per op kind. A kind the table leaves out is lowered by its definition
 * (op-set.ts). A lowering that does some ops better is this table with those rules replaced.
 */
export type X86Rules = { readonly [K in OpKind]?: X86Rule<K> };

/** How an op list becomes machine code; by default, one op after another (X86Lowering.sequence). */
export type ListRule = (l: X86Lowering, ops: readonly Op[]) => void;

/**
 * What every rule works with: the assembler, the exits, the sites of the bounds checks, the code
 * out of line, the routines. It generates the whole program around what the rules emit.
 */
export class X86Lowering implements OpLowerer {
  readonly x: Exits;
  /** The reaches of each op that can fail, by site number (what eax holds at the exit). */
  readonly #sites = new PackedSites();
  /**
   * Each site's off-tape stub, as columns indexed by the site number: its label, and how it puts the
   * pointer back, until the stub is written. A program has a stub for every move, so a stub is these
   * two entries, not an object.
   */
  readonly #stubLabels: (Label | null)[] = [];
  readonly #stubRestores: (number | (() => void) | undefined)[] = [];
  /**
   * Code that runs rarely, emitted after the program so the hot path falls straight through, in the
   * order it was asked for: what `later` was given, or the site number of an off-tape stub.
   */
  readonly #cold: (number | (() => void))[] = [];
  /** Routines the rules asked for, emitted once each after the I/O routines. */
  readonly #routines: (() => void)[] = [];
  readonly #routineLabels = new Map<string, Label>();
  /** How many labels have each name so far: a listing must not bind one name twice. */
  readonly #names = new Map<string, number>();
  /** Code added at each loop test (chapter 7's instrumentation seam), or null: none. */
  #hooks: GeneratorHooks | null = null;
  /** The lines of the text the LIR's positions point into (set by generate). */
  #lines: LineIndex = new LineIndex("");
  /** Where cells live instead of memory, for a while, or null. */
  #homes: ReadonlyMap<number, Gpr<8>> | null = null;
  /** The loops open whose bodies come in parts, innermost last, with their labels. */
  readonly #edges: (LoopEdge & { readonly body: Label; readonly done: Label })[] = [];
  /** The walk over the op lists, which calls back into the rules for each op. */
  readonly #walk: OpWalk;
  /** Each op kind's rule: the table's, else its definition's, found once per kind. */
  readonly #ruleOf = new Map<OpKind, X86Rule<OpKind>>();
  /** Whether the out-of-line code is being emitted (lowersOutOfLine). */
  #outOfLine = false;

  constructor(
    readonly imports: IoImports,
    readonly a: Asm = new Asm(),
    readonly rules: X86Rules = LIR_X86_RULES,
    readonly list: ListRule | null = null,
  ) {
    this.x = newExits(a);
    // Only under this chapter's own table may a rule leave its body to the walk: its loop rule does
    // nothing after the body, and a table that wraps rules might.
    const defer = rules === LIR_X86_RULES && list === null;
    this.#walk = new OpWalk(this, defer);
  }

  /**
   * The whole program: entry, the ops, exits, the out-of-line code, then the I/O routines and the
   * ones the rules asked for, and last what `hooks` add after the code (their loop-test code goes
   * in with the ops). The program comes as its LIR, or as its LIR in parts, each taking up where the
   * one before left off: each part is verified and lowered when it comes, so that whoever makes the
   * parts need hold only one (see #coldSoFar). Between parts may come the edges of a loop whose body
   * is parts of its own (#edge).
   */
  generate(lir: Lir | Iterable<Lir | LoopEdge>, hooks?: GeneratorHooks): X86Code {
    const a = this.a;
    this.#hooks = hooks ?? null;
    emitLirEntry(a);
    const body = a.offset;
    let parts = 0;
    for (const part of "ops" in lir ? [lir] : lir) {
      if ("edge" in part) {
        this.#edge(part);
        continue;
      }
      verify(part); // the code below trusts the LIR's rule: no op touches a cell nothing checked
      if (parts++ > 0) this.#coldSoFar();
      this.#lines = part.lines; // the parts of a program point into the same text
      this.ops(part.ops);
    }
    const unclosed = this.#edges.pop();
    if (unclosed !== undefined) throw new LirError(unclosed.lines.pos(unclosed.pos), "a loop whose body came in parts was opened here and never closed");
    const inline: Span = [body, a.offset];
    emitLirExits(a, this.x);
    const cold = a.offset;
    this.#emitCold();
    const own = { inline, outOfLine: [cold, a.offset] as const };
    emitFlushRoutine(a, this.x, this.imports);
    // Only an `in` op calls the input routine: when none did, the program reads nothing.
    if (a.isAwaited(this.x.input)) emitCellInputRoutine(a, this.x, this.imports);
    for (let i = 0; i < this.#routines.length; i++) this.#routines[i]!();
    this.#hooks?.emitTail(this.x);
    const lines = this.#lines;
    return { asm: a, sites: this.#sites.done(lines), own, lines };
  }

  /** The out-of-line code asked for so far, in order; out-of-line code may ask for more (a slow path has its own failed checks). */
  #emitCold(): void {
    this.#outOfLine = true;
    try {
      for (let i = 0; i < this.#cold.length; i++) {
        const later = this.#cold[i]!;
        if (typeof later !== "function") this.#emitStub(later);
        else {
          this.#walk.forget(); // its first op follows no op's code: it is jumped to from elsewhere
          later();
        }
      }
    } finally {
      this.#outOfLine = false;
    }
    this.#cold.length = 0;
  }

  /**
   * True while what `later` was given is emitted: code off the hot path, mostly a copy of ops
   * lowered inline already (a slow path). A lowering that works hard for speed may do less there.
   */
  get lowersOutOfLine(): boolean {
    return this.#outOfLine;
  }

  /**
   * Between two parts, the out-of-line code of the parts before, behind a jump: what asked for it
   * holds their ops, which can then go. Out-of-line code is lowered by the walk too, so the op it
   * lowered last is not the one the next part's code follows: the walk forgets it. (With nothing
   * queued, the next part's code follows the last part's, as in one list.)
   */
  #coldSoFar(): void {
    if (this.#cold.length === 0) return;
    const next = this.label("next_part");
    this.a.jmp(next);
    this.#emitCold();
    this.a.bind(next);
    this.#walk.forget();
  }

  // #region edges
  /**
   * An edge of a loop whose body comes in parts: the loop rule's test at the `[` when it opens
   * (testAtOpen), the one at the `]` when it closes (testAtClose). The out-of-line code of the
   * parts before an open edge goes in first, so that it is not inside the loop; the walk forgets
   * the op before, since the test is code after it.
   */
  #edge(e: LoopEdge): void {
    this.#lines = e.lines;
    if (e.edge === "open") {
      this.#coldSoFar();
      const loop = { ...e, body: this.labelAt("loop", e.pos), done: this.labelAt("end", e.end) };
      this.#edges.push(loop);
      testAtOpen(this, e.pos, 0, loop.body, loop.done);
    } else {
      const loop = this.#edges.pop();
      if (loop === undefined) throw new LirError(e.lines.pos(e.end), "a loop whose body came in parts was closed here, but none was open");
      if (loop.pos !== e.pos || loop.end !== e.end) {
        const open = e.lines.pos(loop.pos);
        throw new LirError(e.lines.pos(e.end), `a loop whose body came in parts was closed here, but the loop open is the one at ${open.line}:${open.column}`);
      }
      testAtClose(this, e.end, 0, loop.body, loop.done);
    }
    this.#walk.forget();
  }
  // #endregion edges

  /** An op list: the list rule, if any, else one op after another. */
  ops(ops: readonly Op[]): void {
    if (this.list) this.list(this, ops);
    else this.sequence(ops);
  }

  /** One op after another, by the walk (op-walk.ts), which keeps its own stack of open bodies. */
  sequence(ops: readonly Op[]): void {
    this.#walk.sequence(ops);
  }

  /** One op, by its rule. */
  op(op: Op): void {
    this.#walk.op(op);
  }

  /** One op by its rule, once the walk has done its bookkeeping: what the walk calls back. */
  lowerOp(op: Op, previous: Op | null): void {
    let rule = this.#ruleOf.get(op.kind);
    if (rule === undefined) this.#ruleOf.set(op.kind, (rule = (this.rules[op.kind] ?? definitionOf(op).x86) as X86Rule<OpKind>));
    rule(this, op, previous);
  }

  /**
   * The op list inside the op being lowered, then `after`: as `ops(inner); after()`. A rule calls it
   * last. When the op is one of a sequence's, the sequence lowers both once the rule has returned.
   */
  nest(inner: readonly Op[], after: () => void): void {
    this.#walk.nest(inner, after);
  }

  /**
   * The op whose code ends where the code now ends, or null: what it left in registers and flags
   * is still there. Inside a rule, the last op of the list it lowered, if any.
   */
  get last(): Op | null {
    return this.#walk.last;
  }

  /** Code added at each loop test, or null. */
  get hooks(): GeneratorHooks | null {
    return this.#hooks;
  }

  /** Where the cell `[o]` of an op is: `[rbx+o]`, unless `inHomes` put it in a register. */
  cell(off: number): CellHome {
    return this.#homes?.get(off) ?? cellAt(off);
  }

  /** Lower what `emit` lowers with the cells of `homes` in those registers, not in memory. */
  inHomes(homes: ReadonlyMap<number, Gpr<8>>, emit: () => void): void {
    const outer = this.#homes;
    this.#homes = homes;
    try {
      emit();
    } finally {
      this.#homes = outer;
    }
  }
  // #endregion lowering

  // #region bounds
  /** Move the pointer by `delta` cells. */
  step(delta: number): void {
    if (delta > 0) this.a.add(cell, delta);
    else this.a.sub(cell, -delta);
  }

  /**
   * Jump to `fail` unless every cell of `cells` is on the tape. The pointer's own cell is, so only
   * the side(s) of `cells` beyond it need a compare.
   */
  boundsTest(cells: Range, fail: Label): void {
    if (cells.hi > 0) this.a.lea(rax, addressAt(cells.hi)).cmp(rax, end).jae(fail);
    if (cells.lo < 0) this.a.lea(rax, addressAt(cells.lo)).cmp(rax, tape).jb(fail);
  }

  /**
   * Jump to `fail` if the pointer, just moved by `delta` one way or the other, left the tape: a
   * compare with the end it moved towards.
   */
  movedOff(delta: number, fail: Label): void {
    this.a.cmp(cell, delta > 0 ? end : tape);
    if (delta > 0) this.a.jae(fail);
    else this.a.jb(fail);
  }

  /**
   * A new site for `op` (whose reaches the host replays when it fails), and its stub, out of line:
   * `restore` puts the pointer back where the op's failed step started from (a step, as a move's
   * stub takes, or code), then the stub leaves with the site number in eax.
   */
  offTapeStub(op: Op, restore?: number | (() => void)): Label {
    const site = this.#sites.add(op);
    const label = this.label("off_tape", site);
    this.#stubLabels.push(label);
    this.#stubRestores.push(restore);
    this.#cold.push(site);
    return label;
  }

  #emitStub(site: number): void {
    const restore = this.#stubRestores[site];
    this.a.bind(this.#stubLabels[site]!);
    if (typeof restore === "number") this.step(restore);
    else restore?.();
    this.a.mov(eax, site).jmp(this.x.offTape);
    // Written: what it needed can go (a closure may hold its op), rather than wait for the program's end.
    this.#stubLabels[site] = null;
    this.#stubRestores[site] = undefined;
  }
  // #endregion bounds

  /**
   * Before every loop test (the unit interpretLir counts as a step): the hooks' code, if any. It may
   * change the flags, so it comes before the test's compare.
   */
  loopTest(pos: number, off: number): void {
    this.#hooks?.loopTest(this.#lines.pos(pos), off);
  }

  /**
   * A new label named `name`, then `_n` when `n` is given, and `_2`, `_3`... when that name is
   * taken. Without a listing the name only shows in an error, so it is plain `name` and nothing is
   * counted: a big program makes many labels.
   */
  label(name: string, n?: number): Label {
    if (!this.a.keepsListing) return this.a.newLabel(name);
    return this.#named(n === undefined ? name : `${name}_${n}`);
  }

  /** A new label named `name`, then `_line_col` of the source position `pos`, as `label` names them. */
  labelAt(name: string, pos: number): Label {
    if (!this.a.keepsListing) return this.a.newLabel(name);
    const { line, column } = this.#lines.pos(pos);
    return this.#named(`${name}_${line}_${column}`);
  }

  /** A new label named `full`, or `full_2`, `full_3`... when that name is taken. */
  #named(full: string): Label {
    const n = (this.#names.get(full) ?? 0) + 1;
    this.#names.set(full, n);
    return this.a.newLabel(n === 1 ? full : `${full}_${n}`);
  }

  /** Emit `emit` after the program, out of the hot path. */
  later(emit: () => void): void {
    this.#cold.push(emit);
  }

  /**
   * The label of the routine named `name`, which `emit` emits (from its label on) once, after the
   * I/O routines: code many ops call instead of each carrying a copy.
   */
  routine(name: string, emit: (start: Label) => void): Label {
    let start = this.#routineLabels.get(name);
    if (start === undefined) {
      const label = this.label(name);
      this.#routineLabels.set(name, (start = label));
      this.#routines.push(() => emit(label));
    }
    return start;
  }
}

// #region cells
/** Where a cell is while code works on it: in memory, `[rbx+o]`, or for a while in a register. */
export type CellHome = Mem | Gpr<8>;

/**
 * `add`, `sub`, `mov` or `cmp` with the cell as destination, wherever it is. The two branches make
 * the same call: each method has one form for a register destination and one for memory, and
 * TypeScript picks a form only once `home` is known to be one or the other.
 */
export function cellOp(a: Asm, mnemonic: "add" | "sub" | "mov" | "cmp", home: CellHome, src: Gpr | Imm): Asm {
  return home.kind === "mem" ? a[mnemonic](home, src) : a[mnemonic](home, src);
}

/** `add [o] k`: one add (or sub) on the cell. */
function add(l: X86Lowering, op: OpTypes["add"]): void {
  const home = l.cell(op.off);
  if (op.k > 0) cellOp(l.a, "add", home, op.k);
  else cellOp(l.a, "sub", home, -op.k);
}

/**
 * `set [o] v`: one store. A cell in a low-byte register gets all 32 bits written (only the low byte
 * counts, and the rest is 0 like a movzx's): a write of the byte alone would wait for whatever the
 * register held before. A high-byte register (ah..bh) has no 32-bit register of its own.
 */
function set(l: X86Lowering, op: OpTypes["set"]): void {
  const home = l.cell(op.off);
  if (home.kind === "mem" || home.rex === "forbidden") cellOp(l.a, "mov", home, op.value);
  else l.a.mov(gpr(32, home.id), op.value);
}
// #endregion cells

// #region moves
/** `move d`: one add, then one compare with the end the move goes towards. */
function move(l: X86Lowering, op: OpTypes["move"]): void {
  const fail = l.offTapeStub(op, -op.delta); // the host wants the pointer before the move
  l.step(op.delta);
  l.movedOff(op.delta, fail);
}

/** `check ...`: only the farthest reach on each side; if those are on the tape, all are. */
function check(l: X86Lowering, op: OpTypes["check"]): void {
  l.boundsTest(extent(op.reach), l.offTapeStub(op));
}
// #endregion moves

// #region loops
/** `loop [o] { ... }`: test before the body, and again at its end to go round. */
function loop(l: X86Lowering, op: OpTypes["loop"]): void {
  const body = l.labelAt("loop", op.pos); // named after the [ and the ]
  const done = l.labelAt("end", op.end);
  testAtOpen(l, op.pos, op.off, body, done);
  l.nest(op.body, () => testAtClose(l, op.end, op.off, body, done));
}

/** The test at a loop's `[` (`pos`) on cell `[o]`: past the loop to `done` when it is 0, else into `body`. */
export function testAtOpen(l: X86Lowering, pos: number, off: number, body: Label, done: Label): void {
  l.loopTest(pos, off);
  cellOp(l.a, "cmp", l.cell(off), 0).je(done).bind(body);
}

/** The test at its `]` (`end`): round again to `body` unless the cell is 0, then `done`. */
export function testAtClose(l: X86Lowering, end: number, off: number, body: Label, done: Label): void {
  l.loopTest(end, off);
  cellOp(l.a, "cmp", l.cell(off), 0).jne(body).bind(done);
}
// #endregion loops

// #region io
/** `out [o]`: append the byte to the output buffer; flush when it is full. */
function outOp(l: X86Lowering, op: OpTypes["out"]): void {
  const next = l.label("out_done");
  l.a.mov(al, cellAt(op.off))
    .mov(byte(out), al)
    .inc(out)
    .cmp(out, qword(ctx, CTX.outEnd))
    .jb(next, "short")
    .call(l.x.flush)
    .test(eax, eax)
    .jnz(l.x.leave)
    .bind(next);
}

/** `in [o]`: the input routine reads into the cell whose address is in rsi. */
function inOp(l: X86Lowering, op: OpTypes["in"]): void {
  l.a.lea(rsi, mem(cell, op.off)).call(l.x.input).test(eax, eax).jnz(l.x.leave);
}
// #endregion io

// #region rules
/** This chapter's lowering: a rule for each of its ops. */
export const LIR_X86_RULES: X86Rules = { add, set, move, check, loop, in: inOp, out: outOp };
// #endregion rules

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
/**
 * The machine code of a (verified) LIR program, with `imports` as the addresses of write and read,
 * assembled into `a` (which keeps a listing unless made without one).
 */
export function lirToX86(lir: Lir, imports: IoImports, a: Asm = new Asm()): X86Code {
  return new X86Lowering(imports, a).generate(lir);
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
