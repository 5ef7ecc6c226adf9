// The three ops this chapter adds to the LIR, each with everything chapter 8's stages need to know
// about it (its op-set.ts seam): the verifier's rule, the text form, the interpreter's run function
// and a plain lowering to x86-64. The passes make them; codegen-opt.ts lowers them better.
import { al, eax, ecx, gpr, type Gpr } from "../04-encoder/registers.ts";
import type { Asm } from "../05-control-flow/labels.ts";
import { cellOp, type CellHome, type X86Lowering } from "../08-lir/codegen-x86.ts";
import { LirSyntaxError } from "../08-lir/errors.ts";
import { NEXT, STOP, type Flattener, type Machine } from "../08-lir/interpret-lir.ts";
import { stepList, stepsOf, straight, wrapSigned, type Op, type Range, type Reach, type Steps } from "../08-lir/lir.ts";
import { defineOp } from "../08-lir/op-set.ts";
import type { Block, LirLexer, Token } from "../08-lir/parse-lir.ts";
import type { Printer } from "../08-lir/print.ts";
import { hull, intersect, type Walker } from "../08-lir/verify.ts";

// #region ops
/** Cell `[dst]` += cell `[src]` * k (mod 256): one target of a multiply loop. `k` as for `add`. */
export interface MulAddOp {
  readonly kind: "muladd";
  readonly dst: number;
  readonly src: number;
  readonly k: number;
  readonly pos: number;
}

/** While cell `[0]` is not 0, move by `stride`: `[>]`. `steps` as for MoveOp, `pos` the `[`. */
export interface ScanOp {
  readonly kind: "scan";
  readonly stride: number;
  readonly steps: Steps;
  readonly pos: number;
}

/**
 * If cells lo..hi (offsets from the pointer) are all on the tape, run `then`, else `otherwise`. It
 * runs a multiply loop branch-free when its cells are on the tape, which is nearly always, and the
 * loop as written, checks and all, when they are not. The two branches are two versions of the same
 * code: `otherwise` must be right whether the cells are on the tape or not, and leave the tape and
 * the pointer as `then` does when they are, so that a lowering may run it in `then`'s place.
 */
export interface GuardOp {
  readonly kind: "guard";
  readonly cells: Range;
  readonly then: readonly Op[];
  readonly otherwise: readonly Op[];
  readonly pos: number;
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
/** Both cells must be known to be on the tape; it moves nothing. */
function verifyMulAdd(op: MulAddOp, r: Range, v: Walker): Range {
  v.need(op, op.src, r);
  v.need(op, op.dst, r);
  return r;
}

function printMulAdd(op: MulAddOp, p: Printer): void {
  p.line(`muladd [${op.dst}] += [${op.src}] * ${op.k}`, [op.pos]);
}

/** `muladd [d] += [s] * k` */
function parseMulAdd(t: Token, lex: LirLexer): MulAddOp {
  const dst = lex.cell();
  lex.expect("+=");
  const src = lex.cell();
  lex.expect("*");
  const k = wrapSigned(lex.int(-255, 255, "a factor"));
  if (dst === src) throw new LirSyntaxError(t.pos, `muladd reads and writes the same cell [${dst}]: use 'add' or 'set' instead`);
  return { kind: "muladd", dst, src, k, pos: lex.position(t) };
}

function flattenMulAdd(op: MulAddOp, f: Flattener): void {
  f.emit(op, runMulAdd, op.dst, op.src, op.k);
}

function runMulAdd(m: Machine, dst: number, src: number, k: number): number {
  m.tape[m.p + dst] += m.tape[m.p + src]! * k; // a Uint8Array stores modulo 256
  return NEXT;
}

/** Load, multiply, add. A factor of 1 or -1 needs no multiply. */
function lowerMulAdd(l: X86Lowering, op: MulAddOp): void {
  addTimes(l, op.dst, valueIn32(l.a, l.cell(op.src)), op.k);
}

/**
 * A cell's value in a 32-bit register (its low byte is what counts), for a multiply. A cell in a
 * low-byte register is in the 32-bit register it is the low byte of. A cell in memory, or in a
 * high-byte register (ah..bh, bits 8..15 of theirs, with no 32-bit register of their own), is
 * zero-extended into ecx first.
 */
export function valueIn32(a: Asm, home: CellHome): Gpr<32> {
  if (home.kind !== "mem" && home.rex !== "forbidden") return gpr(32, home.id);
  a.movzx(ecx, home);
  return ecx;
}

/** `[d] += value * k`, with `value` in a 32-bit register (its low byte is what counts). */
export function addTimes(l: X86Lowering, dst: number, value: Gpr<32>, k: number): void {
  const home = l.cell(dst);
  const low = gpr(8, value.id);
  if (k === 1) cellOp(l.a, "add", home, low);
  else if (k === -1) cellOp(l.a, "sub", home, low);
  else cellOp(l.a.imul(eax, value, k), "add", home, al);
}

defineOp({ kind: "muladd", verify: verifyMulAdd, print: printMulAdd, parse: parseMulAdd, flatten: flattenMulAdd, x86: lowerMulAdd });
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

/** Like a move's: the cells of the step that fails, from the cell the scan stopped on. */
function scanReaches(op: ScanOp): readonly Reach[] {
  return straight(op.stride, op.steps);
}

function printScan(op: ScanOp, p: Printer): void {
  p.line(`scan ${op.stride}`, [op.pos, ...stepList(op.steps, Math.abs(op.stride))]);
}

/** `scan s`, with a position for its `[` and one for each step. */
function parseScan(t: Token, lex: LirLexer): ScanOp {
  const stride = lex.nonZero("a stride to scan by");
  const [pos, ...steps] = lex.positions(t, 1 + Math.abs(stride));
  return { kind: "scan", stride, steps: stepsOf(steps), pos: pos! };
}

function flattenScan(op: ScanOp, f: Flattener): void {
  f.emit(op, runScan, op.stride);
}

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

/** A loop of moves, each checked, until the cell is 0. */
function lowerScan(l: X86Lowering, op: ScanOp): void {
  const again = l.label("scan");
  const done = l.label("scan_done");
  const fail = l.offTapeStub(op, () => l.step(-op.stride));
  l.loopTest(op.pos, 0);
  cellOp(l.a, "cmp", l.cell(0), 0).je(done).bind(again);
  l.step(op.stride);
  l.movedOff(op.stride, fail);
  l.loopTest(op.pos, 0);
  cellOp(l.a, "cmp", l.cell(0), 0).jne(again).bind(done);
}

defineOp({
  kind: "scan",
  reaches: scanReaches,
  movesPointer: true,
  verify: (op, r) => afterScan(r, op.stride),
  print: printScan,
  parse: parseScan,
  flatten: flattenScan,
  x86: lowerScan,
});
// #endregion scan

// #region guard
function guardBranches(op: GuardOp): readonly (readonly Op[])[] {
  return [op.then, op.otherwise];
}

/**
 * `then` runs only when the guarded cells are on the tape, and with them every cell between them
 * and the pointer: the tape has no holes. After the guard, only what both branches leave known is.
 */
function verifyGuard(op: GuardOp, r: Range, v: Walker): Range {
  const fast = v.walk(op.then, hull(r, op.cells));
  const slow = v.walk(op.otherwise, r);
  return intersect(fast, slow);
}

function printGuard(op: GuardOp, p: Printer): void {
  p.line(`guard ${op.cells.lo}..${op.cells.hi}`, [op.pos], " {");
  p.body(op.then);
  p.line("} else {", []);
  p.body(op.otherwise);
  p.line("}", []);
}

/** `guard lo..hi { ... } else { ... }`: the parser reads the two branches. */
function parseGuard(t: Token, lex: LirLexer): Block {
  const cells = lex.range();
  const pos = lex.position(t);
  return { between: ["else"], finish: ([then, otherwise]): GuardOp => ({ kind: "guard", cells, pos, then: then!, otherwise: otherwise! }) };
}

/** `otherwise` nearly never runs: out of line, so `then` falls straight through. */
function flattenGuard(op: GuardOp, f: Flattener): void {
  const head = f.emit(op, runGuard, op.cells.lo, op.cells.hi);
  f.walk(op.then);
  f.outOfLine(head, op.otherwise);
}

function runGuard(m: Machine, lo: number, hi: number, otherwise: number): number {
  return m.p + lo >= 0 && m.p + hi < m.tape.length ? NEXT : otherwise;
}

/** The test inline, `otherwise` out of line. */
function lowerGuard(l: X86Lowering, op: GuardOp): void {
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
}

defineOp({ kind: "guard", inner: guardBranches, verify: verifyGuard, print: printGuard, parse: parseGuard, flatten: flattenGuard, x86: lowerGuard });
// #endregion guard
