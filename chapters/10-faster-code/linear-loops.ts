// Linear loops: a loop of arithmetic whose turns, after the first, all do the same thing. In long.b,
// `[<+++>- >>>>> +++[->+++++<]>[-]< <<<<<]` is, once optimized, a loop that adds 3 to [0], takes 1
// from its counter, and sets [6] and [7] to 0 after a multiply between them. Its first turn depends
// on what [6] held; every later turn starts with [6] = [7] = 0 and so does exactly the same: adds
// constants. That is what a C compiler's induction-variable analysis finds, and where gcc's lead
// over chapter 9's code on long.b comes from. Here: run the first turn as written, then all the
// others at once, as muladds from the counter, as chapter 9's multiply loops do.
import { wrapSigned, wrapUnsigned, type Lir, type LoopOp, type Op } from "../08-lir/lir.ts";
import { inverse } from "../09-optimizer/passes/mul-loops.ts";
import { rewrite } from "../09-optimizer/rewrite.ts";

/** A cell at the end of a turn: its value at the start plus k, a constant k, or unknown. */
type Value = { readonly kind: "plus"; readonly k: number } | { readonly kind: "const"; readonly k: number } | { readonly kind: "unknown" };

// #region linear-loops
export function linearLoops(lir: Lir): Lir {
  return { ...lir, ops: rewrite(lir.ops, (op) => (op.kind === "loop" ? linear(op) ?? op : op)) };
}

/** `loop [c] { body; muladd [o] += [c] * f ...; set [c] 0 }`, which runs once at most, or null. */
export function linear(loop: LoopOp): LoopOp | null {
  // Only arithmetic, and a muladd (chapter 9's multiply loops): most loops fail this, before anything
  // is made. So does a body that sets its own cell (one that runs once): every turn leaves that cell
  // a constant, where a linear loop's counter must step.
  let multiplies = false;
  for (const op of loop.body) {
    if (op.kind === "muladd") multiplies = true;
    else if (op.kind === "set" && op.off === loop.off) return null;
    else if (op.kind !== "add" && op.kind !== "set" && op.kind !== "check") return null;
  }
  if (!multiplies) return null;
  const first = turn(loop.body, new Map());
  if (first === null) return null;
  // Cells constant after the first turn start every later turn with that constant.
  const constants = new Map([...first].flatMap(([off, v]) => (v.kind === "const" ? [[off, v.k] as const] : [])));
  const later = turn(loop.body, constants);
  if (later === null) return null;
  const steps = new Map<number, number>(); // what each later turn adds to a cell
  for (const [off, v] of later) {
    if (v.kind === "unknown") return null;
    if (v.kind === "const" && constants.get(off) !== v.k) return null; // not the same every turn
    if (v.kind === "plus" && v.k !== 0) steps.set(off, v.k);
  }
  const step = steps.get(loop.off);
  if (step === undefined || step % 2 === 0 || constants.has(loop.off)) return null;
  const tail: Op[] = [];
  const inv = inverse(wrapSigned(step));
  for (const [dst, k] of steps) {
    if (dst !== loop.off) tail.push({ kind: "muladd", dst, src: loop.off, k: wrapSigned(-k * inv), pos: loop.pos });
  }
  return { ...loop, body: [...loop.body, ...tail, { kind: "set", off: loop.off, value: 0, pos: loop.end }] };
}

/**
 * One turn of the body, cell by cell, from cells that hold `start` (constants) or anything (the
 * rest). Null when the body does more than arithmetic, or multiplies by the loop's changing values.
 */
function turn(body: readonly Op[], start: ReadonlyMap<number, number>): Map<number, Value> | null {
  const cells = new Map<number, Value>();
  const get = (off: number): Value => cells.get(off) ?? (start.has(off) ? { kind: "const", k: start.get(off)! } : { kind: "plus", k: 0 });
  for (const op of body) {
    if (op.kind === "check") continue;
    if (op.kind === "set") cells.set(op.off, { kind: "const", k: op.value });
    else if (op.kind === "add") {
      const v = get(op.off);
      cells.set(op.off, v.kind === "unknown" ? v : { kind: v.kind, k: wrapUnsigned(v.k + op.k) });
    } else if (op.kind === "muladd") {
      const src = get(op.src);
      const dst = get(op.dst);
      const ok = src.kind === "const" && dst.kind !== "unknown";
      cells.set(op.dst, ok ? { kind: dst.kind, k: wrapUnsigned(dst.k + src.k * op.k) } : { kind: "unknown" });
    } else return null;
  }
  return cells;
}
// #endregion linear-loops
