// Fuel compiled into the code (chapter 12): every loop test spends one unit of a counter kept in the
// context block, and a run that has spent all it was given stops at that test, which reports its
// site number as a failed bounds check does. Fuel is handed out in slices; between two slices the
// code reads the clock, so the same counter also enforces a wall-clock deadline. Code compiled
// without fuel has none of this: a tier generates the fueled variant only when a run asks for limits.
import { mem, qword } from "../04-encoder/operands.ts";
import { eax, ecx, edi, rax, rcx, rsi } from "../04-encoder/registers.ts";
import type { Asm, Label } from "../05-control-flow/labels.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import { CTX, REG } from "./context.ts";
import type { Exits } from "./routines.ts";

const { ctx } = REG;

// #region fuel-status
/** What fueled code returns besides context.ts's STATUS: the run was stopped, not finished. */
export const FUEL_STATUS = {
  /** A loop test found no fuel left; CTX.site says which test. */
  OUT_OF_FUEL: 4,
  /** The clock passed CTX.deadline; CTX.site says at which test the code noticed. */
  TIMEOUT: 5,
} as const;
// #endregion fuel-status

// #region slice
/**
 * Loop tests per slice: how often the code reads the clock. A slice takes about a millisecond, so
 * a deadline is kept to within a millisecond or so, and one clock_gettime per slice costs nothing.
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
/** The fuel sites of one program, their out-of-line stubs, and the routine that hands out slices. */
export class Fuel {
  readonly sites: FuelSite[] = [];
  readonly #stubs: { readonly stub: Label; readonly resume: Label; readonly site: number }[] = [];
  readonly #refuel: Label;
  readonly #halt: Label;

  constructor(private readonly a: Asm) {
    this.#refuel = a.newLabel("refuel");
    this.#halt = a.newLabel("halt");
  }

  /**
   * One loop test's worth of fuel, inline: the subtraction borrows only when the slice was empty,
   * and only then does the code go out of line. It changes the flags: emit it before the test's cmp.
   */
  test(pos: SourcePos, offset = 0): void {
    const site = this.sites.length;
    this.sites.push({ pos, offset });
    const stub = this.a.newLabel(`fuel_${site}`);
    const resume = this.a.newLabel(`fuel_${site}_resume`);
    this.#stubs.push({ stub, resume, site });
    this.a.sub(qword(ctx, CTX.fuel), 1).jb(stub).bind(resume);
  }

  /** The stubs: ask for a new slice; with none (or no time) left, leave with the site's number. */
  emitStubs(): void {
    for (const { stub, resume, site } of this.#stubs) {
      this.a.bind(stub).call(this.#refuel).test(eax, eax).jz(resume).mov(qword(ctx, CTX.site), site).jmp(this.#halt);
    }
  }
  // #endregion fuel

  // #region refuel
  /**
   * The slow path, once per slice. Returns 0 with a new slice in CTX.fuel (this test's unit already
   * spent), or a FUEL_STATUS, also stored in CTX.halt. It reads the clock with a system call of its
   * own, not libc's: no stack alignment to keep, and only rax, rcx, rsi, rdi and r11 change,
   * which no op keeps anything in across a loop test.
   */
  emitRoutines(x: Exits): void {
    const a = this.a;
    const empty = a.newLabel("refuel_empty");
    const late = a.newLabel("refuel_late");
    const stop = a.newLabel("refuel_stop");
    a.bind(this.#refuel)
      .cmp(qword(ctx, CTX.reserve), 0)
      .je(empty)
      .mov(eax, SYS_CLOCK_GETTIME)
      .mov(edi, CLOCK_MONOTONIC)
      .lea(rsi, mem(ctx, CTX.clockSec))
      .db(0x0f, 0x05) //                                 syscall: rax = clock_gettime(edi, rsi)
      .imul(rax, qword(ctx, CTX.clockSec), 1_000_000_000)
      .add(rax, qword(ctx, CTX.clockNsec)) //            rax: now, in nanoseconds
      .cmp(rax, qword(ctx, CTX.deadline))
      .jge(late)
      .mov(ecx, FUEL_SLICE)
      .mov(rax, qword(ctx, CTX.reserve))
      .cmp(rax, rcx)
      .cmovb(rcx, rax) //                                rcx: min(reserve, slice)
      .sub(qword(ctx, CTX.reserve), rcx)
      .dec(rcx) //                                       this test's unit
      .mov(qword(ctx, CTX.fuel), rcx)
      .xor(eax, eax)
      .ret();
    a.bind(empty).mov(eax, FUEL_STATUS.OUT_OF_FUEL).jmp(stop);
    a.bind(late).mov(eax, FUEL_STATUS.TIMEOUT);
    a.bind(stop)
      .mov(qword(ctx, CTX.fuel), 0) // the borrow left -1: nothing is left
      .mov(qword(ctx, CTX.halt), rax)
      .ret();

    // Leave as a failed bounds check does: flush what the program wrote, then the status.
    a.bind(this.#halt).call(x.flush).test(eax, eax).jnz(x.leave).mov(rax, qword(ctx, CTX.halt)).jmp(x.leave);
  }
  // #endregion refuel

  /** The site a stopped run reports, by its number. */
  site(n: number): FuelSite | undefined {
    return this.sites[n];
  }
}
