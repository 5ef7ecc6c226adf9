// The rule table: how each op kind of the LIR becomes A64 code. Chapter 8's seven kinds, and the
// three chapter 9's passes make (its ops.ts defines them). The table is the whole backend's view of
// the IR: a kind added later needs one more entry here, and nothing else changes.
import { mem, post } from "../14-second-machine/addressing.ts";
import { w0, wzr, x1 } from "../14-second-machine/registers.ts";
import { CTX } from "../07-template-jit/context.ts";
import { extent, type Op, type OpTypes } from "../08-lir/lir.ts";
import "../09-optimizer/ops.ts"; // the kinds chapter 9 adds: their types, and their definitions for the verifier
import type { MulAddOp } from "../09-optimizer/ops.ts";
import { A64Lowering, type A64Rules } from "./lowering.ts";
import { A64_REG, SCRATCH } from "./registers.ts";

const { ctx, out } = A64_REG;
const { value, other, factor, address } = SCRATCH;

// #region cells
/** `add [o] k`: load, add (or sub) the 12-bit immediate, store; strb keeps the low byte. */
function add(l: A64Lowering, op: OpTypes["add"]): void {
  l.load(value, op.off);
  if (op.k > 0) l.a.add(value, value, op.k);
  else l.a.sub(value, value, -op.k);
  l.store(value, op.off);
}

/** `set [o] v`: one store, of the zero register when v is 0. */
function set(l: A64Lowering, op: OpTypes["set"]): void {
  if (op.value === 0) return l.store(wzr, op.off);
  l.a.mov(value, op.value);
  l.store(value, op.off);
}
// #endregion cells

// #region moves
/** `move d`: add to x19, then one unsigned compare with the end it moves towards. */
function move(l: A64Lowering, op: OpTypes["move"]): void {
  const fail = l.offTapeStub(op, () => l.step(-op.delta)); // the host wants the pointer before the move
  l.step(op.delta);
  l.movedOff(op.delta, fail);
}

/** `check ...`: the farthest reach on each side. */
function check(l: A64Lowering, op: OpTypes["check"]): void {
  l.boundsTest(extent(op.reach), l.offTapeStub(op));
}
// #endregion moves

// #region loops
/** `loop [o] { ... }`: cbz tests a register for zero and branches, with no compare and no flags. */
function loop(l: A64Lowering, op: OpTypes["loop"]): void {
  const body = l.labelAt("loop", op.pos);
  const done = l.labelAt("end", op.end);
  l.load(value, op.off);
  l.cbz(value, done);
  l.a.bind(body);
  l.nest(op.body, () => {
    l.load(value, op.off);
    l.cbnz(value, body);
    l.a.bind(done);
  });
}
// #endregion loops

// #region io
/** `out [o]`: store the byte with a post-index (x23 moves on by one), flush when the buffer is full. */
function outOp(l: A64Lowering, op: OpTypes["out"]): void {
  const next = l.label("out_done");
  l.load(value, op.off);
  l.a.strb(value, post(out, 1))
    .ldr(address, mem(ctx, CTX.outEnd))
    .cmp(out, address)
    .bcond("lo", next)
    .bl(l.x.flush); //            bl: the return address goes in x30, which the frame saved
  l.cbnz(w0, l.x.leave);
  l.a.bind(next);
}

/** `in [o]`: the input routine reads into the cell whose address is in x1. */
function inOp(l: A64Lowering, op: OpTypes["in"]): void {
  l.addConstant(x1, A64_REG.cell, op.off);
  l.a.bl(l.x.input);
  l.cbnz(w0, l.x.leave);
}
// #endregion io

// #region muladd
/**
 * `muladd [d] += [s] * k`: madd does the multiply and the add in one (msub for a negative factor).
 * A run of muladds from one cell, a multiply loop's targets, loads that cell once.
 */
function muladd(l: A64Lowering, op: MulAddOp, previous: Op | null): void {
  const loaded = previous?.kind === "muladd" && previous.src === op.src && previous.dst !== previous.src;
  if (!loaded) l.load(value, op.src);
  l.load(other, op.dst);
  if (op.k === 1) l.a.add(other, other, value);
  else if (op.k === -1) l.a.sub(other, other, value);
  else {
    l.a.mov(factor, Math.abs(op.k));
    if (op.k > 0) l.a.madd(other, value, factor, other);
    else l.a.msub(other, value, factor, other);
  }
  l.store(other, op.dst);
}
// #endregion muladd

// #region scan
/** `scan s`: a loop of checked moves until the cell is 0. */
function scan(l: A64Lowering, op: OpTypes["scan"]): void {
  const again = l.label("scan");
  const done = l.label("scan_done");
  const fail = l.offTapeStub(op, () => l.step(-op.stride));
  l.load(value, 0);
  l.a.cbz(value, done).bind(again);
  l.step(op.stride);
  l.movedOff(op.stride, fail);
  l.load(value, 0);
  l.a.cbnz(value, again).bind(done);
}
// #endregion scan

// #region guard
/** `guard lo..hi`: the test inline, `then` straight through, `otherwise` out of line. */
function guard(l: A64Lowering, op: OpTypes["guard"]): void {
  const slow = l.label("guard_else");
  const resume = l.label("guard_end");
  l.boundsTest(op.cells, slow);
  l.later(() => {
    l.a.bind(slow);
    l.ops(op.otherwise);
    l.a.b(resume);
  });
  l.nest(op.then, () => l.a.bind(resume));
}
// #endregion guard

// #region table
/** The backend: a rule for each op kind chapters 8 and 9 define. */
export const A64_RULES: A64Rules = { add, set, move, check, loop, in: inOp, out: outOp, muladd, scan, guard };
// #endregion table
