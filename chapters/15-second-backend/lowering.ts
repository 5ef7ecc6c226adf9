// LIR -> A64, one op at a time, through the same seams as chapter 8's x86 lowering: a rule per op
// kind in a table, the sites of the bounds checks the host replays, code out of line after the
// program. What changes is the machine: every cell is loaded into a register, changed there, and
// stored back, and a constant that does not fit an instruction's field is built in a register first.
import { mem, type Address } from "../14-second-machine/addressing.ts";
import type { Label } from "../14-second-machine/assembler.ts";
import { invert, type Condition } from "../14-second-machine/conditions.ts";
import { A64EncodeError } from "../14-second-machine/errors.ts";
import { w0, type Reg, type W, type X } from "../14-second-machine/registers.ts";
import { LineIndex } from "../06-interpreter/source.ts";
import type { IoImports } from "../07-template-jit/context.ts";
import type { SiteTable } from "../07-template-jit/tier.ts";
import { type Lir, type Op, type OpKind, type OpTypes, type Range } from "../08-lir/lir.ts";
import { PackedSites } from "../08-lir/packed-sites.ts";
import { OpWalk, type OpLowerer } from "../08-lir/op-walk.ts";
import { verify } from "../08-lir/verify.ts";
import { LabelledAssembler } from "./listing.ts";
import { A64_REG, SCRATCH } from "./registers.ts";
import { emitEntry, emitExits, emitFlushRoutine, emitInputRoutine, newExits, type A64Exits } from "./routines.ts";

const { cell, tape, end } = A64_REG;

// #region rules
/** How one op kind becomes A64 code. `previous` is the op whose code ends where this one's starts. */
export type A64Rule<K extends OpKind> = (l: A64Lowering, op: OpTypes[K], previous: Op | null) => void;

/** The lowering, as one rule per op kind: chapter 8's X86Rules for the second machine. */
export type A64Rules = { readonly [K in OpKind]?: A64Rule<K> };
// #endregion rules

/** The code of a program, and how the host reads back a failed bounds check. */
export interface A64Code {
  readonly asm: LabelledAssembler;
  readonly sites: SiteTable;
  /** Where the program's own code is, as offsets [start, end): its ops inline, and their code out of line. */
  readonly own: { readonly inline: Span; readonly outOfLine: Span };
}

export type Span = readonly [start: number, end: number];

/** An op kind the table has no rule for: a later chapter's op, which needs its A64 rule added. */
export class MissingRuleError extends Error {
  override name = "MissingRuleError";
}

// #region lowering
export class A64Lowering implements OpLowerer {
  readonly x: A64Exits;
  /** The reaches of each op that can fail, by site number (what w0 holds at the exit), packed as chapter 8's are. */
  readonly #sites = new PackedSites();
  /** Code that runs rarely, emitted after the exits so the hot path falls straight through. */
  readonly #cold: (() => void)[] = [];
  readonly #names = new Map<string, number>();
  /** The lines of the text the LIR's positions point into (set by generate). */
  #lines: LineIndex = new LineIndex("");
  /** Chapter 8's walk over the op lists, calling back into this table's rules. */
  readonly #walk: OpWalk;

  /**
   * @param far whether a conditional branch from the program's code may have to go farther than its
   * ±1 MiB: then each goes over a `b` (±128 MiB) with the opposite test (see `farBranches`).
   */
  constructor(
    readonly imports: IoImports,
    readonly rules: A64Rules,
    readonly far = false,
    readonly a: LabelledAssembler = new LabelledAssembler(),
  ) {
    this.x = newExits(this.a);
    this.#walk = new OpWalk(this, true);
  }

  /** The whole program: entry, the ops, the exits, the code out of line, then the two I/O routines. */
  generate(lir: Lir): A64Code {
    verify(lir); // the code below trusts the LIR's rule: no op touches a cell nothing checked
    this.#lines = lir.lines;
    emitEntry(this.a);
    const body = this.a.offset;
    this.ops(lir.ops);
    const inline: Span = [body, this.a.offset];
    emitExits(this.a, this.x);
    const cold = this.a.offset;
    for (let i = 0; i < this.#cold.length; i++) this.#cold[i]!(); // out-of-line code may queue more
    const outOfLine: Span = [cold, this.a.offset];
    emitFlushRoutine(this.a, this.x, this.imports);
    emitInputRoutine(this.a, this.x, this.imports);
    return { asm: this.a, sites: this.#sites.done(this.#lines), own: { inline, outOfLine } };
  }

  /** One op after another, by chapter 8's walk: any depth of loops costs no stack. */
  ops(ops: readonly Op[]): void {
    this.#walk.sequence(ops);
  }

  /** One op by its rule, once the walk has done its bookkeeping: what the walk calls back. */
  lowerOp(op: Op, previous: Op | null): void {
    const rule = this.rules[op.kind] as A64Rule<OpKind> | undefined;
    if (rule === undefined) {
      throw new MissingRuleError(`no A64 rule for the op kind '${op.kind}': add one to the table the lowering was given (rules.ts's A64_RULES)`);
    }
    rule(this, op, previous);
  }

  /** The op list inside the op being lowered, then `after`; a rule calls it last. */
  nest(inner: readonly Op[], after: () => void): void {
    this.#walk.nest(inner, after);
  }
  // #endregion lowering

  // #region cells
  /**
   * The address of the cell `[o]`: `[x19, #o]` for 0..4095 (ldrb's unsigned 12-bit offset), or
   * ldurb's signed 9 bits for -256..-1; farther, the offset is built in x17 and added as an index.
   */
  cellAddress(off: number): { readonly address: Address; readonly unscaled: boolean } {
    if (off >= 0 && off <= 4095) return { address: mem(cell, off), unscaled: false };
    if (off >= -256 && off < 0) return { address: mem(cell, off), unscaled: true };
    this.a.mov(SCRATCH.constant, off);
    return { address: mem(cell, SCRATCH.constant), unscaled: false };
  }

  /** Load the cell `[o]` into `w`, zero-extended. */
  load(w: W, off: number): void {
    const { address, unscaled } = this.cellAddress(off);
    if (unscaled) this.a.ldurb(w, address);
    else this.a.ldrb(w, address);
  }

  /** Store the low byte of `w` into the cell `[o]`: the store is what wraps the cell modulo 256. */
  store(w: W, off: number): void {
    const { address, unscaled } = this.cellAddress(off);
    if (unscaled) this.a.sturb(w, address);
    else this.a.strb(w, address);
  }
  // #endregion cells

  // #region constants
  /**
   * rd = rn + value. add and sub take 12 bits (shifted by 12 or not); a value that needs both halves
   * takes two, and anything larger is built in x17 by chapter 14's movePlan and added as a register.
   */
  addConstant(rd: X, rn: X, value: number): void {
    const size = Math.abs(value);
    const op = value < 0 ? "sub" : "add";
    if (size < 4096) {
      if (size === 0) {
        if (rd !== rn) this.a.mov(rd, rn);
      } else this.a[op](rd, rn, size);
    } else if (size < 1 << 24) {
      this.a[op](rd, rn, size & ~0xfff);
      if ((size & 0xfff) !== 0) this.a[op](rd, rd, size & 0xfff);
    } else {
      this.a.mov(SCRATCH.constant, value).add(rd, rn, SCRATCH.constant);
    }
  }
  // #endregion constants

  // #region branches
  /**
   * The conditional branches of the program's code. cbz, cbnz and b.cond reach ±1 MiB (19 bits, in
   * instructions); a loop around more code than that, or a stub past it, is reached with the opposite
   * test jumping over a `b`, which reaches ±128 MiB.
   */
  cbz(r: Reg, target: Label): void {
    if (this.far) this.#over((skip) => this.a.cbnz(r, skip), target);
    else this.a.cbz(r, target);
  }

  cbnz(r: Reg, target: Label): void {
    if (this.far) this.#over((skip) => this.a.cbz(r, skip), target);
    else this.a.cbnz(r, target);
  }

  bcond(cond: Condition, target: Label): void {
    if (this.far) this.#over((skip) => this.a.bcond(invert(cond), skip), target);
    else this.a.bcond(cond, target);
  }

  #over(skipIfNot: (skip: Label) => void, target: Label): void {
    const skip = this.label("far");
    skipIfNot(skip);
    this.a.b(target).bind(skip);
  }
  // #endregion branches

  // #region bounds
  /** Move the pointer by `delta` cells. */
  step(delta: number): void {
    this.addConstant(cell, cell, delta);
  }

  /** Branch to `fail` unless every cell of `cells` is on the tape: a compare for each side beyond the pointer. */
  boundsTest(cells: Range, fail: Label): void {
    if (cells.hi > 0) {
      this.addConstant(SCRATCH.address, cell, cells.hi);
      this.a.cmp(SCRATCH.address, end);
      this.bcond("hs", fail);
    }
    if (cells.lo < 0) {
      this.addConstant(SCRATCH.address, cell, cells.lo);
      this.a.cmp(SCRATCH.address, tape);
      this.bcond("lo", fail);
    }
  }

  /** Branch to `fail` if the pointer, just moved by `delta`, left the tape: unsigned, as on x86. */
  movedOff(delta: number, fail: Label): void {
    this.a.cmp(cell, delta > 0 ? end : tape);
    this.bcond(delta > 0 ? "hs" : "lo", fail);
  }

  /**
   * A new site for `op`, and its stub, out of line: `restore` puts the pointer back where the op's
   * failed step started from, then the stub leaves with the site number in w0.
   */
  offTapeStub(op: Op, restore?: () => void): Label {
    const site = this.#sites.add(op);
    const stub = this.label(`off_tape_${site}`);
    this.later(() => {
      this.a.bind(stub);
      restore?.();
      this.a.mov(w0, site).b(this.x.offTape);
    });
    return stub;
  }
  // #endregion bounds

  /** A new label named `name`, or `name_2`, `name_3`... when the name is taken. */
  label(name: string): Label {
    const n = (this.#names.get(name) ?? 0) + 1;
    this.#names.set(name, n);
    return this.a.newLabel(n === 1 ? name : `${name}_${n}`);
  }

  /** A new label named `name`, then `_line_col` of the source position `pos`, as `label` names them. */
  labelAt(name: string, pos: number): Label {
    const { line, column } = this.#lines.pos(pos);
    return this.label(`${name}_${line}_${column}`);
  }

  /** Emit `emit` after the program, out of the hot path. */
  later(emit: () => void): void {
    this.#cold.push(emit);
  }
}

// #region far
/**
 * The code of `lir`: with near branches, unless one of them cannot reach its target, and then again
 * with every conditional branch of the program's code able to go ±128 MiB (the assembler says which).
 */
export function lowerToA64(lir: Lir, imports: IoImports, rules: A64Rules): A64Code {
  try {
    return new A64Lowering(imports, rules).generate(lir);
  } catch (e) {
    if (!(e instanceof A64EncodeError && /out of \S+ reach/.test(e.message))) throw e;
    return new A64Lowering(imports, rules, true).generate(lir);
  }
}
// #endregion far

/** The listing of the program's own code only: its ops, then their code out of line. */
export function ownListing(code: A64Code): string {
  const spans = [code.own.inline, code.own.outOfLine];
  return code.asm.text((at) => spans.some(([start, end]) => at >= start && at < end));
}
