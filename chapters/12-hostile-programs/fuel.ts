// Fuel compiled into the code: every loop test spends one unit of a counter kept in the context
// block, and a run that has spent all it was given stops at that test, which reports its site number
// as a failed bounds check does. Fuel is handed out in slices; between two slices the code reads the
// clock, so the same counter also enforces a wall-clock deadline. The code generators know nothing
// of it: Fuel plugs into their hook at each loop test (chapter 7's GeneratorHooks), and its fields
// extend chapter 7's context block.
import { mem, qword } from "../04-encoder/operands.ts";
import { eax, ecx, edi, rax, rcx, rsi } from "../04-encoder/registers.ts";
import type { Asm, Label } from "../05-control-flow/labels.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import { CONTEXT_SIZE, CTX, REG, STATUS } from "../07-template-jit/context.ts";
import type { GeneratorHooks } from "../07-template-jit/generate.ts";
import type { Exits } from "../07-template-jit/routines.ts";

const { ctx } = REG;

// #region fuel-layout
/** The fields fuel adds to the context block, after chapter 7's. Every field is 8 bytes. */
export const FUEL_CTX = {
  /** in/out: loop tests left in the current slice of fuel. */
  fuel: CONTEXT_SIZE,
  /** in/out: fuel not handed out in a slice yet. */
  reserve: CONTEXT_SIZE + 8,
  /** in: when the run must stop, in nanoseconds of CLOCK_MONOTONIC. */
  deadline: CONTEXT_SIZE + 16,
  /** scratch: the clock, as clock_gettime fills it in (seconds, then nanoseconds). */
  clockSec: CONTEXT_SIZE + 24,
  clockNsec: CONTEXT_SIZE + 32,
  /** out: why the code stopped at a fuel site: a FUEL_STATUS. */
  halt: CONTEXT_SIZE + 40,
} as const;

/** The context block of fueled code: chapter 7's, then the fields above. */
export const FUEL_CONTEXT_SIZE = CONTEXT_SIZE + 48;
// #endregion fuel-layout

// #region fuel-status
/** What fueled code returns besides context.ts's STATUS, numbered after them: the run was stopped. */
export const FUEL_STATUS = {
  /** A loop test found no fuel left; CTX.site says which test. */
  OUT_OF_FUEL: STATUS.READ_FAILED + 1,
  /** The clock passed FUEL_CTX.deadline; CTX.site says at which test the code noticed. */
  TIMEOUT: STATUS.READ_FAILED + 2,
} as const;
// #endregion fuel-status

// #region slice
/**
 * Loop tests per slice: how often the code reads the clock. A deadline is kept to within a slice,
 * so a slice must be short next to any time limit worth setting, and long next to one clock_gettime,
 * so that the system call costs nothing. How long one lasts is measured, not assumed: figures.ts
 * times it (the chapter quotes it as hostile.slice).
 */
export const FUEL_SLICE = 1 << 20;

/** clock_gettime(2)'s system call number on x86-64 Linux, and the clock the host reads too. */
const SYS_CLOCK_GETTIME = 228;
export const CLOCK_MONOTONIC = 1;
// #endregion slice

/** Where a fuel site stops: the `[` or `]` (or scan) whose test it is, and the cell that test reads. */
export interface FuelSite {
  readonly pos: SourcePos;
  /** The tested cell relative to the pointer: where the interpreter's pointer stands when it stops. */
  readonly offset: number;
}

// #region fuel
/**
 * The fuel sites of one program, their out-of-line stubs, and the routine that hands out slices:
 * the hooks a code generator calls at each loop test, and after its code. A program has a site for
 * every loop test, and a big program has many, so each is a few numbers in columns indexed by its
 * number (where it stands, the cell it tests, where its code resumes) and the label of its stub,
 * not objects.
 */
export class Fuel implements GeneratorHooks {
  /** Each site's `[` or `]`: its offset, line and column. */
  readonly #at: number[] = [];
  readonly #lines: number[] = [];
  readonly #columns: number[] = [];
  /** Each site's tested cell, relative to the pointer. */
  readonly #tested: number[] = [];
  /** Each site's stub, and where the code goes on once the stub has found more fuel. */
  readonly #stubs: Label[] = [];
  readonly #resumes: (Label | number)[] = [];
  readonly #refuel: Label;
  readonly #halt: Label;

  /** `a`: the assembler the code generator emits into. */
  constructor(private readonly a: Asm) {
    this.#refuel = a.newLabel("refuel");
    this.#halt = a.newLabel("halt");
  }

  /**
   * One loop test's worth of fuel, inline: the subtraction borrows only when the slice was empty,
   * and only then does the code go out of line. It changes the flags: emit it before the test's cmp.
   * Records the site (its position and tested offset): `sub qword [r14+FUEL_CTX.fuel], 1`, then
   * `jb fuel_<site>` (a label named so only when the assembler keeps a listing).
   */
  loopTest(pos: SourcePos, offset: number): void {
    const site = this.#stubs.length;
    this.#at.push(pos.offset);
    this.#lines.push(pos.line);
    this.#columns.push(pos.column);
    this.#tested.push(offset);
    const stub = this.a.keepsListing ? this.a.newLabel(`fuel_${site}`) : this.a.newLabel();
    this.#stubs.push(stub);
    this.a.sub(qword(ctx, FUEL_CTX.fuel), 1).jb(stub);
    // Where the stub comes back to: a label only for the listing's sake, an offset otherwise.
    if (this.a.keepsListing) {
      const resume = this.a.newLabel(`fuel_${site}_resume`);
      this.a.bind(resume);
      this.#resumes.push(resume);
    } else {
      this.#resumes.push(this.a.offset);
    }
  }

  /** After the code: the stubs, then the routines they call (the `refuel` routine and `halt`). */
  emitTail(exits: Exits): void {
    this.#emitStubs();
    this.#emitRoutines(exits);
  }

  /** The stubs: ask for a new slice; with none (or no time) left, leave with the site's number. */
  #emitStubs(): void {
    for (let site = 0; site < this.#stubs.length; site++) {
      this.a.bind(this.#stubs[site]!).call(this.#refuel).test(eax, eax).jz(this.#resumes[site]!).mov(qword(ctx, CTX.site), site).jmp(this.#halt);
    }
  }
  // #endregion fuel

  // #region refuel
  /**
   * The slow path, once per slice. Returns 0 with a new slice in FUEL_CTX.fuel (this test's unit
   * already spent), or a FUEL_STATUS, also stored in FUEL_CTX.halt. It reads the clock with a
   * system call of its own, not libc's: no stack alignment to keep, and only rax, rcx, rsi, rdi and
   * r11 change, which no op keeps anything in across a loop test.
   */
  #emitRoutines(x: Exits): void {
    const a = this.a;
    const empty = a.newLabel("refuel_empty");
    const late = a.newLabel("refuel_late");
    const stop = a.newLabel("refuel_stop");
    a.bind(this.#refuel)
      .cmp(qword(ctx, FUEL_CTX.reserve), 0)
      .je(empty)
      .mov(eax, SYS_CLOCK_GETTIME)
      .mov(edi, CLOCK_MONOTONIC)
      .lea(rsi, mem(ctx, FUEL_CTX.clockSec))
      .db(0x0f, 0x05) //                                 syscall: rax = clock_gettime(edi, rsi)
      .imul(rax, qword(ctx, FUEL_CTX.clockSec), 1_000_000_000)
      .add(rax, qword(ctx, FUEL_CTX.clockNsec)) //       rax: now, in nanoseconds
      .cmp(rax, qword(ctx, FUEL_CTX.deadline))
      .jge(late)
      .mov(ecx, FUEL_SLICE)
      .mov(rax, qword(ctx, FUEL_CTX.reserve))
      .cmp(rax, rcx)
      .cmovb(rcx, rax) //                                rcx: min(reserve, slice)
      .sub(qword(ctx, FUEL_CTX.reserve), rcx)
      .dec(rcx) //                                       this test's unit
      .mov(qword(ctx, FUEL_CTX.fuel), rcx)
      .xor(eax, eax)
      .ret();
    a.bind(empty).mov(eax, FUEL_STATUS.OUT_OF_FUEL).jmp(stop);
    a.bind(late).mov(eax, FUEL_STATUS.TIMEOUT);
    a.bind(stop)
      .mov(qword(ctx, FUEL_CTX.fuel), 0) // the borrow left -1: nothing is left
      .mov(qword(ctx, FUEL_CTX.halt), rax)
      .ret();

    // Leave as a failed bounds check does: flush what the program wrote, then the status.
    a.bind(this.#halt).call(x.flush).test(eax, eax).jnz(x.leave).mov(rax, qword(ctx, FUEL_CTX.halt)).jmp(x.leave);
  }
  // #endregion refuel

  /** The site a stopped run reports, by its number. */
  site(n: number): FuelSite | undefined {
    if (!(n >= 0 && n < this.#stubs.length)) return undefined;
    return { pos: { offset: this.#at[n]!, line: this.#lines[n]!, column: this.#columns[n]! }, offset: this.#tested[n]! };
  }
}
