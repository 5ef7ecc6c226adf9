// Choosing the encoding: every table row whose operand patterns accept the operands is a
// candidate; the shortest wins, and the first listed wins a tie. When nothing fits, explain why.
import { addressProblem, plan, type Plan } from "./encoding.ts";
import { Reject } from "./errors.ts";
import type { Form, Pattern } from "./forms.ts";
import { formsOf } from "./instructions.ts";
import { fitsImmediate, formatNumber, normalize } from "./numbers.ts";
import { immValue, isImm, isMem, type Imm, type Mem, type Operand } from "./operands.ts";
import type { Reg } from "./registers.ts";

// #region matches
/**
 * Does the operand fit the pattern's kind and size? (Immediate values are checked separately.) Only a
 * plain 1 matches the shift-by-one pattern, a LongImm never does; a sizeless mem(...) takes any size.
 */
function matches(p: Pattern, op: Operand): boolean {
  if (isImm(op)) return p.imm !== null || (p.one && typeof op !== "object" && Number(op) === 1);
  if (op.kind === "mem") return p.mem !== null && (p.mem === 0 || op.size === 0 || op.size === p.mem);
  if (op.kind === "gpr") return p.reg === op.size && (p.fixed === null || p.fixed === op.id);
  return p.reg === op.kind;
}

/** A lower bound on the form's length: what it needs whatever the operands. */
function minLength(f: Form): number {
  return f.prefixes.length + (f.vex ? 2 : f.rexW ? 1 : 0) + f.opcode.length + (f.modrm !== null ? 1 : 0) + f.immBytes;
}

function kindsMatch(form: Form, ops: readonly Operand[]): boolean {
  for (let i = 0; i < ops.length; i++) if (!matches(form.operands[i]!, ops[i]!)) return false;
  return true;
}

/** Does the form take these operands, values included? */
function accepts(form: Form, ops: readonly Operand[]): boolean {
  return kindsMatch(form, ops) && holdsImmediate(form, ops) && (form.accepts === null || form.accepts(ops));
}

/** Can this form hold the immediate operand's value? A LongImm refuses the imm8 short forms. */
function holdsImmediate(form: Form, ops: readonly Operand[]): boolean {
  if (form.roles.imm < 0) return true;
  const op = ops[form.roles.imm]!;
  const long = typeof op === "object";
  const width = form.immBytes * 8;
  if (long && width === 8 && form.immBits > 8) return false;
  return fitsImmediate(normalize(immValue(op as Imm)) ?? NaN, width, form.immBits);
}
// #endregion matches

// #region select
/**
 * The shortest encoding of `mnemonic` for `ops` (the table's `cc` rows take a condition code); a tie
 * goes to the row listed first. Operands are checked first (checkOperands). Rejects: sizeUnknown's
 * when forms of different sizes accept a sizeless memory operand; when no form fits, the first REX
 * conflict, else diagnose's explanation.
 */
export function select(mnemonic: string, ops: readonly Operand[], cc = 0, shown = mnemonic): Plan {
  checkOperands(ops);
  const forms = formsOf(mnemonic, ops.length);
  let best: Plan | null = null;
  let rejected: Reject | null = null;
  // An address without a size, mem(...), is fine only if all the forms that take it agree on one.
  const u = ops.findIndex((op) => isMem(op) && op.size === 0);
  let first: Form | null = null, ambiguous = false;
  for (const form of forms) {
    if (!accepts(form, ops)) continue;
    if (u >= 0 && first !== null && first.operands[u]!.mem !== form.operands[u]!.mem) ambiguous = true;
    first ??= form;
    if (best !== null && minLength(form) >= best.length) continue; // cannot win: ties go to the first
    try {
      const p = plan(form, ops, cc);
      if (best === null || p.length < best.length) best = p;
    } catch (e) {
      if (!(e instanceof Reject)) throw e;
      rejected ??= e; // a REX conflict: another form may still do
    }
  }
  if (ambiguous) throw new Reject(sizeUnknown(forms, ops, shown));
  if (best !== null) return best;
  throw rejected ?? new Reject(diagnose(mnemonic, shown, ops, forms.filter((f) => kindsMatch(f, ops))));
}
// #endregion select

function checkOperands(ops: readonly Operand[]): void {
  let memories = 0;
  for (const op of ops) {
    if (isMem(op)) {
      memories++;
      const problem = addressProblem(op);
      if (problem) throw new Reject(problem);
    } else if (isImm(op) && normalize(immValue(op)) === null) {
      throw new Reject(`the immediate ${String(immValue(op))} is not an integer (a number above 2^53 must be a bigint)`);
    }
  }
  if (memories > 1) throw new Reject("an x86 instruction takes at most one memory operand: load one of them into a register first");
}

/** Two forms took a memory operand of different sizes: the operand needed a size of its own. */
function sizeUnknown(forms: readonly Form[], ops: readonly Operand[], shown: string): string {
  const i = ops.findIndex((op) => isMem(op) && op.size === 0);
  const sizes = new Set(forms.filter((f) => accepts(f, ops)).map((f) => f.operands[i]!.mem));
  const helpers = [...sizes].map((s) => HELPER[s ?? 0]).join(", ");
  return `the memory operand has no size and nothing else in '${shown}' tells it: write it with ${helpers}`;
}

const HELPER: Record<number, string> = { 0: "mem(...)", 8: "byte(...)", 16: "word(...)", 32: "dword(...)", 64: "qword(...)", 128: "xmmword(...)", 256: "ymmword(...)" };

/** Why no form fits, in words. `forms` are the rows whose operand kinds and sizes matched. */
function diagnose(mnemonic: string, shown: string, ops: readonly Operand[], forms: readonly Form[]): string {
  const immIndex = ops.findIndex((op) => isImm(op));
  if (forms.length > 0 && immIndex >= 0) return immediateProblem(shown, ops[immIndex]!, forms);
  const all = formsOf(mnemonic);
  const sized = ops.filter((op): op is Reg | Mem => !isImm(op) && op.size > 0);
  const sameSizeOnly = all.every((f) => new Set(f.operands.flatMap(patternSize)).size <= 1);
  if (sameSizeOnly && new Set(sized.map((op) => op.size)).size > 1) {
    const [a, b] = [sized[0]!, sized.find((op) => op.size !== sized[0]!.size)!];
    return `the operand sizes differ (${describe(a)} is ${a.size}-bit, ${describe(b)} is ${b.size}-bit): '${shown}' needs operands of one size`;
  }
  const kinds = ops.map(kindOf).join(", ");
  const list = all.map((f) => f.syntax.replace(/^\S+/, shown)).join(" | ");
  const hint = HINTS[mnemonic]?.(ops) ?? "";
  return `${shown} has no form taking (${kinds})${hint}; its forms are: ${list}`;
}

function immediateProblem(shown: string, op: Operand, forms: readonly Form[]): string {
  const v = normalize(immValue(op as Imm))!;
  const long = typeof op === "object";
  const ranges = forms.filter((f) => !(long && f.immBytes === 1 && f.immBits > 8)).map((f) => immediateRange(f));
  const lo = ranges.reduce((m, r) => (r[0] < m ? r[0] : m), 0n);
  const hi = ranges.reduce((m, r) => (r[1] > m ? r[1] : m), 0n);
  const widest = forms.some((f) => f.immBits === 64 && f.immBytes === 4);
  return `the immediate ${formatNumber(v)} does not fit: '${shown}' with these operands takes ${formatNumber(lo)}..${formatNumber(hi)}` +
    (widest ? " (a 32-bit immediate, sign-extended to 64 bits); put the value in a register first with mov r64, imm64" : "");
}

/** The values a form's immediate field can stand for. */
function immediateRange(f: Form): [bigint, bigint] {
  const width = BigInt(f.immBytes * 8);
  const bits = BigInt(f.immBits);
  if (width >= bits) return [-(2n ** (bits - 1n)), 2n ** bits - 1n];
  return [-(2n ** (width - 1n)), 2n ** (width - 1n) - 1n];
}

const VECTOR_BITS = { xmm: 128, ymm: 256 } as const;
const patternSize = (p: Pattern): number[] =>
  typeof p.reg === "number" ? [p.reg] : p.reg ? [VECTOR_BITS[p.reg]] : p.mem ? [p.mem] : [];

function describe(op: Reg | Mem): string {
  return op.kind === "mem" ? "the memory operand" : op.name;
}

function kindOf(op: Operand): string {
  if (isImm(op)) return "imm";
  if (isMem(op)) return op.size ? `m${op.size}` : "m";
  return op.kind === "gpr" ? `r${op.size}` : op.kind;
}

const HINTS: Record<string, (ops: readonly Operand[]) => string> = {
  push: (ops) => (ops.some((op) => kindOf(op) === "r32") ? " (64-bit mode has no 32-bit push: push the 64-bit register)" : ""),
  pop: (ops) => (ops.some((op) => kindOf(op) === "r32") ? " (64-bit mode has no 32-bit pop: pop the 64-bit register)" : ""),
};
