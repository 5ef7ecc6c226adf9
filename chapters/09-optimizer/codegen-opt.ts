// The optimizing JIT's code generator: chapter 8's lowering, with the ops that optimized LIR is
// made of lowered better. A scan by one cell calls libc's memchr or memrchr, which compare 16 or
// 32 bytes at a time, and a longer stride checks the tape's end once per four steps; a run of
// muladds from one cell loads that cell once; a loop reuses the flags its last add left, and a loop
// that can only run once is an `if`. And `out` calls a routine, because big programs have thousands.
import { byte, mem, qword } from "../04-encoder/operands.ts";
import { al, eax, ecx, esi, rax, rdi, rdx, rsp } from "../04-encoder/registers.ts";
import { Asm, type Label } from "../05-control-flow/labels.ts";
import { CTX, type IoImports } from "../07-template-jit/context.ts";
import { LIR_REG, LIR_X86_RULES, X86Lowering, cellAt, cellOp, type ListRule, type X86Code, type X86Rules } from "../08-lir/codegen-x86.ts";
import { isBalanced, type Lir, type Op, type OpTypes } from "../08-lir/lir.ts";
import { definitionOf } from "../08-lir/op-set.ts";
import { addTimes, type MulAddOp, type ScanOp } from "./ops.ts";

const { cell, tape, end, ctx, out } = LIR_REG;

/** The addresses the optimized code calls: chapter 7's write and read, and two scans. */
export interface ScanImports extends IoImports {
  readonly memchr: number;
  readonly memrchr: number;
}

/** Steps of a strided scan made between two compares with the end of the tape. */
export const SCAN_UNROLL = 4;

// #region opt-lowering
/** The optimizing lowering: chapter 8's rules, with these replaced. */
export function optRules(imports: ScanImports): X86Rules {
  return { ...LIR_X86_RULES, muladd, out: callPut, loop, scan: (l, op) => scan(l, op, imports) };
}

/** The cell whose zero-ness the flags tell after `op` (its code ends with an add or sub on it), or null. */
export function flagsOf(op: Op | null): number | null {
  if (op?.kind === "add") return op.off;
  if (op?.kind === "muladd") return op.dst; // addTimes ends with an add or sub on [dst]
  return null;
}

/** `muladd`s from the same cell, one after another (a multiply loop's targets), load it once. */
function muladd(l: X86Lowering, op: MulAddOp, previous: Op | null): void {
  const src = l.cell(op.src);
  if (src.kind !== "mem") return definitionOf(op).x86(l, op, previous); // already in a register
  const inEcx = previous?.kind === "muladd" && previous.src === op.src && previous.dst !== previous.src;
  if (!inEcx) l.a.movzx(ecx, src);
  addTimes(l, op.dst, ecx, op.k);
}

/** The optimizing JIT's lowering of a whole program. */
export class OptLowering extends X86Lowering {
  constructor(imports: ScanImports, a?: Asm, list: ListRule | null = null) {
    super(imports, a, optRules(imports), list);
  }
}
// #endregion opt-lowering

// #region out
/**
 * `out [o]`: the byte in al, and a call. Chapter 8's eight inline instructions are faster by a call
 * per byte, but `awib.b` has 3,000 outs: two instructions each make its code a third smaller.
 */
function callPut(l: X86Lowering, op: OpTypes["out"]): void {
  l.a.mov(al, cellAt(op.off)).call(l.routine("put_byte", (put) => emitPut(l, put)));
}

/**
 * Append al to the output buffer, and flush it when it is full. A failed flush cannot return to
 * the op: it drops its return address and leaves the program with flush's status in eax.
 */
function emitPut(l: X86Lowering, put: Label): void {
  const a = l.a;
  const full = l.label("put_flush");
  const failed = l.label("put_failed");
  a.bind(put).mov(byte(out), al).inc(out).cmp(out, qword(ctx, CTX.outEnd)).jae(full).ret();
  // rsp is 8 past a multiple of 16 here: 8 more keep flush's calls to write aligned.
  a.bind(full).sub(rsp, 8).call(l.x.flush).add(rsp, 8).test(eax, eax).jnz(failed).ret();
  a.bind(failed).add(rsp, 8).jmp(l.x.leave); // drop the return address: leave from the program's frame
}
// #endregion out

// #region loop
/**
 * A loop tests its cell before the body, and again after it, to go round. Two cases need less:
 * when the body's last instruction added to that cell, its flags already say whether it is 0; and
 * when a balanced body ends by setting the cell to 0, it never goes round, so it is an `if`.
 */
function loop(l: X86Lowering, op: OpTypes["loop"]): void {
  const last = op.body.at(-1);
  const once = last?.kind === "set" && last.off === op.off && last.value === 0 && isBalanced(op.body);
  const body = l.labelAt(once ? "if" : "loop", op.pos);
  const done = l.labelAt("end", op.end);
  l.loopTest(op.pos, op.off);
  cellOp(l.a, "cmp", l.cell(op.off), 0).je(done).bind(body);
  l.ops(op.body);
  const flags = flagsOf(l.last);
  l.loopTest(op.end, op.off); // a hook sees every test interpretLir counts, even one known to fail
  if (!once) {
    if (flags !== op.off || l.hooks !== null) cellOp(l.a, "cmp", l.cell(op.off), 0); // a hook may change the flags
    l.a.jne(body);
  }
  l.a.bind(done);
}
// #endregion loop

// #region memchr
/**
 * `scan 1` is memchr(p, 0, end - p): the first 0 at or after the pointer; `scan -1` is
 * memrchr(tape, 0, p - tape + 1): the last one at or before it. Not found: the scan walks to the
 * last cell it can reach, and its next step leaves the tape.
 */
function scan(l: X86Lowering, op: ScanOp, imports: ScanImports): void {
  if (l.hooks !== null) return definitionOf(op).x86(l, op, null); // a hook sees each cell's test only in the plain loop
  if (Math.abs(op.stride) !== 1) return stridedScan(l, op);
  const a = l.a;
  const done = l.label("scan_done");
  // Not found: stand on the last cell the scan reached (the host replays the failed step from there).
  const fail = l.offTapeStub(op, () => a.lea(cell, op.stride > 0 ? mem(end, -1) : mem(tape)));
  cellOp(a, "cmp", l.cell(0), 0).je(done); //            most scans start on a 0: no call at all
  if (op.stride > 0) a.mov(rdi, cell).mov(rdx, end).sub(rdx, cell);
  else a.mov(rdi, tape).lea(rdx, mem(cell, 1)).sub(rdx, tape);
  a.xor(esi, esi)
    .callAbsolute(op.stride > 0 ? imports.memchr : imports.memrchr)
    .test(rax, rax)
    .jz(fail)
    .mov(cell, rax)
    .bind(done);
}
// #endregion memchr

// #region strided-scan
/**
 * Other strides: while the next SCAN_UNROLL steps all land on the tape, test their cells with no
 * bounds check at all, then move by all of them at once; near the end, chapter 8's checked loop.
 */
function stridedScan(l: X86Lowering, op: ScanOp): void {
  const a = l.a;
  const s = op.stride;
  const span = s * SCAN_UNROLL;
  const done = l.label("scan_done");
  const fast = l.label("scan_fast");
  const near = l.label("scan_near_end");
  const hits = Array.from({ length: SCAN_UNROLL - 1 }, (_, k) => l.label("scan_hit", k + 1));
  const fail = l.offTapeStub(op, () => l.step(-s));
  const zero = (off: number) => cellOp(a, "cmp", l.cell(off), 0);
  zero(0).je(done);
  // rax: the last pointer from which all SCAN_UNROLL steps stay on the tape (not included, rightwards).
  a.lea(rax, s > 0 ? mem(end, -span) : mem(tape, -span)).cmp(cell, rax);
  if (s > 0) a.jae(near);
  else a.jb(near);
  a.bind(fast);
  hits.forEach((hit, k) => zero(s * (k + 1)).je(hit));
  l.step(span);
  zero(0).je(done).cmp(cell, rax);
  if (s > 0) a.jb(fast);
  else a.jae(fast);
  a.bind(near);
  l.step(s);
  l.movedOff(s, fail);
  zero(0).jne(near).bind(done);
  l.later(() => {
    hits.forEach((hit, k) => {
      a.bind(hit);
      l.step(s * (k + 1));
      a.jmp(done);
    });
  });
}
// #endregion strided-scan

/** The machine code of optimized LIR, assembled into `a` (which keeps a listing unless made without one). */
export function optToX86(lir: Lir, imports: ScanImports, a: Asm = new Asm()): X86Code {
  return new OptLowering(imports, a).generate(lir);
}
