// The three ops this chapter adds to the LIR, each with everything chapter 8's stages need to know
// about it (its op-set.ts seam): the verifier's rule, the text form, the interpreter's run function
// and a plain lowering to x86-64. The passes make them; codegen-opt.ts lowers them better.
import { al, eax, ecx, gpr, type Gpr } from "../04-encoder/registers.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import { onCell, type X86Lowering } from "../08-lir/codegen-x86.ts";
import { LirSyntaxError } from "../08-lir/errors.ts";
import { NEXT, STOP, type Machine } from "../08-lir/interpret-lir.ts";
import { straight, wrapSigned, type Op, type Range } from "../08-lir/lir.ts";
import { defineOp } from "../08-lir/op-set.ts";
import { hull, intersect } from "../08-lir/verify.ts";

// #region ops
/** Cell `[dst]` += cell `[src]` * k (mod 256): one target of a multiply loop. `k` as for `add`. */
export interface MulAddOp {
  readonly kind: "muladd";
  readonly dst: number;
  readonly src: number;
  readonly k: number;
  readonly pos: SourcePos;
}

/** While cell `[0]` is not 0, move by `stride`: `[>]`. `steps` as for MoveOp, `pos` the `[`. */
export interface ScanOp {
  readonly kind: "scan";
  readonly stride: number;
  readonly steps: readonly SourcePos[];
  readonly pos: SourcePos;
}

/**
 * If cells lo..hi (offsets from the pointer) are all on the tape, run `then`, else `otherwise`. It
 * runs a multiply loop branch-free when its cells are on the tape, which is nearly always, and the
 * loop as written, checks and all, when they are not.
 */
export interface GuardOp {
  readonly kind: "guard";
  readonly cells: Range;
  readonly then: readonly Op[];
  readonly otherwise: readonly Op[];
  readonly pos: SourcePos;
}

declare module "../08-lir/lir.ts" {
  interface OpTypes {
    muladd: MulAddOp;
    scan: ScanOp;
    guard: GuardOp;
  }
}
// #endregion ops

// #region muladd
defineOp({
  kind: "muladd",
  verify(op, r, v) {
    v.need(op, op.src, r);
    v.need(op, op.dst, r);
    return r;
  },
  print: (op, p) => p.line(`muladd [${op.dst}] += [${op.src}] * ${op.k}`, [op.pos]),
  parse(t, lex) {
    const dst = lex.cell();
    lex.expect("+=");
    const src = lex.cell();
    lex.expect("*");
    const k = wrapSigned(lex.int(-255, 255, "a factor"));
    if (dst === src) throw new LirSyntaxError(t.pos, `muladd reads and writes the same cell [${dst}]: use 'add' or 'set' instead`);
    return { kind: "muladd", dst, src, k, pos: lex.position(t) };
  },
  flatten: (op, f) => void f.emit(op, runMulAdd, op.dst, op.src, op.k),
  /** Load, multiply, add. A factor of 1 or -1 needs no multiply. */
  x86(l, op) {
    const src = l.cell(op.src);
    if (src.kind === "mem") l.a.movzx(ecx, src);
    addTimes(l, op.dst, src.kind === "mem" ? ecx : gpr(32, src.id), op.k);
  },
});

function runMulAdd(m: Machine, dst: number, src: number, k: number): number {
  m.tape[m.p + dst] += m.tape[m.p + src]! * k;
  return NEXT;
}

/** `[d] += value * k`, with `value` in a 32-bit register (its low byte is what counts). */
export function addTimes(l: X86Lowering, dst: number, value: Gpr<32>, k: number): void {
  const home = l.cell(dst);
  const low = gpr(8, value.id);
  if (k === 1) l.a.add(...onCell(home, low));
  else if (k === -1) l.a.sub(...onCell(home, low));
  else l.a.imul(eax, value, k).add(...onCell(home, al));
}
// #endregion muladd

// #region scan
/**
 * A scan is `loop [0] { move stride }`, and knows what that loop would. Each step checks the cells
 * it crosses and carries the rest along, so after one step or more the far side of `r` is still
 * known, a stride further away (by one step), and the near side at least up to the pointer. After
 * the scan, either no step ran (`r`) or some did: only what both know is known.
 */
export function afterScan(r: Range, stride: number): Range {
  const stepped = stride > 0 ? { lo: r.lo - stride, hi: 0 } : { lo: 0, hi: r.hi - stride };
  return intersect(r, stepped);
}

defineOp({
  kind: "scan",
  reaches: (op) => straight(op.stride, op.steps),
  movesPointer: true,
  verify: (op, r) => afterScan(r, op.stride),
  print: (op, p) => p.line(`scan ${op.stride}`, [op.pos, ...op.steps]),
  parse(t, lex) {
    const stride = lex.nonZero("a stride to scan by");
    const [pos, ...steps] = lex.positions(t, 1 + Math.abs(stride));
    return { kind: "scan", stride, steps, pos: pos! };
  },
  flatten: (op, f) => void f.emit(op, runScan, op.stride),
  /** A loop of moves, each checked, until the cell is 0. */
  x86(l, op) {
    const again = l.label("scan");
    const done = l.label("scan_done");
    const fail = l.offTapeStub(op, () => l.step(-op.stride));
    l.loopTest(op.pos, 0);
    l.a.cmp(...onCell(l.cell(0), 0)).je(done).bind(again);
    l.step(op.stride);
    l.movedOff(op.stride, fail);
    l.loopTest(op.pos, 0);
    l.a.cmp(...onCell(l.cell(0), 0)).jne(again).bind(done);
  },
});

/** Each cell a scan stops on is a loop test, counted as a step. */
function runScan(m: Machine, stride: number): number {
  const end = scanEnd(m.tape, m.p, stride);
  const tests = Math.abs(end - m.p) / Math.abs(stride) + 1;
  if (m.steps + tests > m.maxSteps) {
    m.p += (m.maxSteps - m.steps) * stride; // it tests the cells it can, and moves past them
    m.stepLimit = true;
    return STOP;
  }
  m.steps += tests;
  m.p = end;
  return m.tape[end] !== 0 ? STOP : NEXT; // no 0 before the edge: the next step leaves the tape
}

/**
 * Where a scan from p by `stride` stops: on the first 0 in its way, or on the last cell it can
 * reach before the next step would leave the tape. By one cell, that is `indexOf`: memchr.
 */
export function scanEnd(tape: Uint8Array, p: number, stride: number): number {
  if (stride === 1) {
    const zero = tape.indexOf(0, p);
    return zero < 0 ? tape.length - 1 : zero;
  }
  if (stride === -1) {
    const zero = tape.lastIndexOf(0, p);
    return zero < 0 ? 0 : zero;
  }
  const last = stride > 0 ? p + Math.floor((tape.length - 1 - p) / stride) * stride : p % -stride;
  while (tape[p] !== 0 && p !== last) p += stride;
  return p;
}
// #endregion scan

// #region guard
defineOp({
  kind: "guard",
  inner: (op) => [op.then, op.otherwise],
  verify(op, r, v) {
    // `then` runs only when the guarded cells are on the tape, and with them every cell between
    // them and the pointer: the tape has no holes.
    const fast = v.walk(op.then, hull(r, op.cells));
    const slow = v.walk(op.otherwise, r);
    return intersect(fast, slow);
  },
  print(op, p) {
    p.line(`guard ${op.cells.lo}..${op.cells.hi}`, [op.pos], " {");
    p.body(op.then);
    p.line("} else {", []);
    p.body(op.otherwise);
    p.line("}", []);
  },
  parse(t, lex) {
    const cells = lex.range();
    const pos = lex.position(t);
    return { between: ["else"], finish: ([then, otherwise]): GuardOp => ({ kind: "guard", cells, pos, then: then!, otherwise: otherwise! }) };
  },
  // `otherwise` nearly never runs: out of line, so `then` falls straight through.
  flatten(op, f) {
    const head = f.emit(op, runGuard, op.cells.lo, op.cells.hi);
    f.walk(op.then);
    f.outOfLine(head, op.otherwise);
  },
  /** The test inline, `otherwise` out of line. */
  x86(l, op) {
    const slow = l.label("guard_else");
    const resume = l.label("guard_end");
    l.boundsTest(op.cells, slow);
    l.ops(op.then);
    l.a.bind(resume);
    l.later(() => {
      l.a.bind(slow);
      l.ops(op.otherwise);
      l.a.jmp(resume);
    });
  },
});

function runGuard(m: Machine, lo: number, hi: number, otherwise: number): number {
  return m.p + lo >= 0 && m.p + hi < m.tape.length ? NEXT : otherwise;
}
// #endregion guard

