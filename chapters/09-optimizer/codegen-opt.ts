// The optimizing JIT's code generator: chapter 8's lowering, with the ops that optimized LIR is
// made of lowered better. A scan by one cell calls libc's memchr or memrchr, which compare 16 or
// 32 bytes at a time, and a longer stride checks the tape's end once per four steps; a run of
// muladds from one cell loads that cell once; a loop reuses the flags its last add left, and a loop
// that can only run once is an `if`. And `out` calls a routine, because big programs have thousands.
import { byte, mem, qword } from "../04-encoder/operands.ts";
import { al, eax, ecx, esi, r12, r13, r14, r15, rax, rbx, rdi, rdx, rsp } from "../04-encoder/registers.ts";
import type { Asm, Label } from "../05-control-flow/labels.ts";
import { CTX, type IoImports } from "../07-template-jit/context.ts";
import { X86Lowering, cellAt, uses, type X86Code } from "../08-lir/codegen-x86.ts";
import { isBalanced, type AddOp, type Lir, type LoopOp, type MulAddOp, type Op, type OutOp, type ScanOp } from "../08-lir/lir.ts";

/** The addresses the optimized code calls: chapter 7's write and read, and two scans. */
export interface ScanImports extends IoImports {
  readonly memchr: number;
  readonly memrchr: number;
}

/** Steps of a strided scan made between two compares with the end of the tape. */
export const SCAN_UNROLL = 4;

// #region opt-lowering
export class OptLowering extends X86Lowering {
  /** The offset of the cell whose value ecx holds, or null. Valid only within a run of muladds. */
  #inEcx: number | null = null;
  /** The cell whose zero-ness the flags tell (the last instruction added to it), or null. */
  #flags: number | null = null;

  /** The routine `out` calls. */
  #put: Label | null = null;

  constructor(
    protected readonly scanImports: ScanImports,
    a?: Asm,
  ) {
    super(scanImports, a);
  }

  protected override op(op: Op): void {
    // Anything but a muladd may write the cell ecx holds, or be a jump target; only an arithmetic op leaves flags.
    if (op.kind !== "muladd") this.#inEcx = null;
    this.#flags = null;
    super.op(op);
    if (op.kind !== "muladd") this.#inEcx = null;
    if (op.kind !== "add" && op.kind !== "muladd") this.#flags = null;
  }

  protected override add(op: AddOp): void {
    super.add(op);
    this.#flags = op.off; // add and sub set ZF when the cell becomes 0
  }

  /** `muladd`s from the same cell, one after another (a multiply loop's targets), load it once. */
  protected override muladd(op: MulAddOp): void {
    if (this.#inEcx !== op.src) this.a.movzx(ecx, cellAt(op.src));
    this.#inEcx = op.dst === op.src ? null : op.src;
    this.addTimes(op.dst, ecx, op.k);
    this.#flags = op.dst; // addTimes ends with an add or sub on [dst]
  }
  // #endregion opt-lowering

  // #region out
  /**
   * `out [o]`: the byte in al, and a call. Chapter 8's eight inline instructions are faster by a call
   * per byte, but `awib.b` has 3,000 outs: two instructions each make its code a third smaller.
   */
  protected override out(op: OutOp): void {
    this.#put ??= this.label("put_byte");
    this.a.mov(al, cellAt(op.off)).call(this.#put);
  }

  protected override routines(lir: Lir): void {
    super.routines(lir);
    if (uses(lir.ops, "out")) this.#emitPut(this.#put ?? this.label("put_byte"));
  }

  /**
   * Append al to the output buffer, and flush it when it is full. A failed flush cannot return to
   * the op: it drops its return address and leaves the program with flush's status in eax.
   */
  #emitPut(put: Label): void {
    const a = this.a;
    const full = this.label("put_flush");
    const failed = this.label("put_failed");
    a.bind(put).mov(byte(r15), al).inc(r15).cmp(r15, qword(r14, CTX.outEnd)).jae(full).ret();
    // rsp is 8 past a multiple of 16 here: 8 more keep flush's calls to write aligned.
    a.bind(full).sub(rsp, 8).call(this.x.flush).add(rsp, 8).test(eax, eax).jnz(failed).ret();
    a.bind(failed).add(rsp, 8).jmp(this.x.leave); // drop the return address: leave from the program's frame
  }
  // #endregion out

  // #region loop
  /**
   * A loop tests its cell before the body, and again after it, to go round. Two cases need less:
   * when the body's last instruction added to that cell, its flags already say whether it is 0; and
   * when a balanced body ends by setting the cell to 0, it never goes round, so it is an `if`.
   */
  protected override loop(op: LoopOp): void {
    const last = op.body.at(-1);
    const once = last?.kind === "set" && last.off === op.off && last.value === 0 && isBalanced(op.body);
    const body = this.label(once ? `if_${op.pos.line}_${op.pos.column}` : `loop_${op.pos.line}_${op.pos.column}`);
    const done = this.label(`end_${op.end.line}_${op.end.column}`);
    this.loopTest(op.pos, op.off);
    this.a.cmp(cellAt(op.off), 0).je(done).bind(body);
    this.ops(op.body);
    this.loopTest(op.end, op.off); // a hook sees every test interpretLir counts, even one known to fail
    if (!once) {
      if (this.#flags !== op.off || this.hooks !== null) this.a.cmp(cellAt(op.off), 0); // a hook may change the flags
      this.a.jne(body);
    }
    this.a.bind(done);
  }
  // #endregion loop

  // #region memchr
  /**
   * `scan 1` is memchr(p, 0, end - p): the first 0 at or after the pointer; `scan -1` is
   * memrchr(tape, 0, p - tape + 1): the last one at or before it. Not found: the scan walks to the
   * last cell it can reach, and its next step leaves the tape.
   */
  protected override scan(op: ScanOp): void {
    if (this.hooks !== null) return super.scan(op); // a hook sees each cell's test only in chapter 8's loop
    if (Math.abs(op.stride) !== 1) return this.stridedScan(op);
    const a = this.a;
    const done = this.label("scan_done");
    // Not found: stand on the last cell the scan reached (the host replays the failed step from there).
    const fail = this.offTapeStub(op, () => a.lea(rbx, op.stride > 0 ? mem(r13, -1) : mem(r12)));
    a.cmp(cellAt(0), 0).je(done); //            most scans start on a 0: no call at all
    if (op.stride > 0) a.mov(rdi, rbx).mov(rdx, r13).sub(rdx, rbx);
    else a.mov(rdi, r12).lea(rdx, mem(rbx, 1)).sub(rdx, r12);
    a.xor(esi, esi)
      .callAbsolute(op.stride > 0 ? this.scanImports.memchr : this.scanImports.memrchr)
      .test(rax, rax)
      .jz(fail)
      .mov(rbx, rax)
      .bind(done);
  }
  // #endregion memchr

  // #region strided-scan
  /**
   * Other strides: while the next SCAN_UNROLL steps all land on the tape, test their cells with no
   * bounds check at all, then move by all of them at once; near the end, chapter 8's checked loop.
   */
  private stridedScan(op: ScanOp): void {
    const a = this.a;
    const s = op.stride;
    const span = s * SCAN_UNROLL;
    const done = this.label("scan_done");
    const fast = this.label("scan_fast");
    const near = this.label("scan_near_end");
    const hits = Array.from({ length: SCAN_UNROLL - 1 }, (_, k) => this.label(`scan_hit_${k + 1}`));
    const fail = this.offTapeStub(op, () => this.step(-s));
    a.cmp(cellAt(0), 0).je(done);
    // rax: the last pointer from which all SCAN_UNROLL steps stay on the tape (not included, rightwards).
    a.lea(rax, s > 0 ? mem(r13, -span) : mem(r12, -span)).cmp(rbx, rax);
    if (s > 0) a.jae(near);
    else a.jb(near);
    a.bind(fast);
    hits.forEach((hit, k) => a.cmp(cellAt(s * (k + 1)), 0).je(hit));
    this.step(span);
    a.cmp(cellAt(0), 0).je(done).cmp(rbx, rax);
    if (s > 0) a.jb(fast);
    else a.jae(fast);
    a.bind(near);
    this.step(s);
    a.cmp(rbx, s > 0 ? r13 : r12);
    if (s > 0) a.jae(fail);
    else a.jb(fail);
    a.cmp(cellAt(0), 0).jne(near).bind(done);
    this.later(() => {
      hits.forEach((hit, k) => {
        a.bind(hit);
        this.step(s * (k + 1));
        a.jmp(done);
      });
    });
  }
  // #endregion strided-scan
}

/** The machine code of optimized LIR. */
export function optToX86(lir: Lir, imports: ScanImports): X86Code {
  return new OptLowering(imports).generate(lir);
}
