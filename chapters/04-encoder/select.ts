// Choosing the encoding: every table row whose operand patterns accept the operands is a
// candidate; the shortest wins, and the first listed wins a tie. When nothing fits, explain why.
import { addressProblem, plan, type Plan } from "./encoding.ts";
import { Reject } from "./errors.ts";
import type { Form, Pattern } from "./forms.ts";
import { formsOf, formsWhere } from "./instructions.ts";
import { fitsImmediate, formatNumber, normalize } from "./numbers.ts";
import { immValue, isImm, isMem, type Imm, type Mem, type Operand } from "./operands.ts";
import type { Reg } from "./registers.ts";

// #region matches
/** Does the operand fit the pattern's kind and size? Values (which register, which number) are not looked at. */
function matches(p: Pattern, op: Operand): boolean {
  if (isImm(op)) return p.imm !== null || p.one;
  if (op.kind === "mem") return p.mem !== null && (p.mem === 0 || op.size === 0 || op.size === p.mem);
  if (op.kind === "gpr") return p.reg === op.size;
  return p.reg === op.kind;
}

function kindsMatch(form: Form, ops: readonly Operand[]): boolean {
  return patternsMatch(form.operands, ops);
}

function patternsMatch(patterns: readonly Pattern[], ops: readonly Operand[]): boolean {
  for (let i = 0; i < ops.length; i++) if (!matches(patterns[i]!, ops[i]!)) return false;
  return true;
}

/** Do the operands' values fit a form whose kinds match: the fixed register, the literal 1, the immediate? */
function valuesFit(form: Form, ops: readonly Operand[]): boolean {
  for (let i = 0; i < ops.length; i++) if (!fixedFits(form.operands[i]!, ops[i]!)) return false;
  return holdsImmediate(form, ops) && (form.accepts === null || form.accepts(ops));
}

/** An implicit operand takes one value only: AL is register 0, the 1 of `shl eax, 1` is 1 (not a LongImm). */
function fixedFits(p: Pattern, op: Operand): boolean {
  if (p.fixed !== null) return (op as Reg).id === p.fixed;
  return !p.one || (typeof op !== "object" && Number(op) === 1);
}

/** Does the form take these operands, values included? */
function accepts(form: Form, ops: readonly Operand[]): boolean {
  return kindsMatch(form, ops) && valuesFit(form, ops);
}

/** Can this form hold the immediate operand's value? A LongImm refuses the imm8 short forms. */
function holdsImmediate(form: Form, ops: readonly Operand[]): boolean {
  if (form.roles.imm < 0) return true;
  const op = ops[form.roles.imm]!;
  // Most immediates are small numbers, and -128..127 fits every immediate field, signed or not.
  if (typeof op === "number" && op >= -128 && op <= 127 && Number.isInteger(op)) return true;
  const long = typeof op === "object";
  const width = form.immBytes * 8;
  if (long && width === 8 && form.immBits > 8) return false;
  return fitsImmediate(normalize(immValue(op as Imm)) ?? NaN, width, form.immBits);
}
// #endregion matches

// #region candidates
/** The forms whose operand kinds fit, found once per mnemonic and list of kinds. */
interface Candidates {
  readonly forms: readonly Form[];
  /** A lower bound on each form's length, whatever the operands: a form that cannot win is skipped. */
  readonly minLengths: readonly number[];
  /** An unsized memory operand that the forms take at different sizes. */
  readonly ambiguous: boolean;
  /** The one form, when the operands' values cannot change the choice (`mov r64, r/m64`): nothing left to decide. */
  readonly only: Form | null;
}

// Each operand's kind as a small number (1..15); a list of kinds is their digits in base 16.
// r8..r64 are 1..4, xmm 5, ymm 6, an immediate 7, and memory 8 (no size) or 9..14 (8..256 bits).
function kindCode(op: Operand): number {
  if (typeof op !== "object" || op.kind === "imm") return 7;
  if (op.kind === "xmm") return 5;
  if (op.kind === "ymm") return 6;
  return (op.kind === "gpr" ? 1 : 9) + sizeIndex(op.size);
}

/** 8, 16, 32, 64, 128, 256 bits as 0..5 (and no size, 0, as -1). */
function sizeIndex(size: number): number {
  switch (size) {
    case 8: return 0;
    case 16: return 1;
    case 32: return 2;
    case 64: return 3;
    case 128: return 4;
    case 256: return 5;
    default: return -1;
  }
}

function kindKey(ops: readonly Operand[]): number {
  let key = 0;
  for (let i = 0; i < ops.length; i++) key = key * 16 + kindCode(ops[i]!);
  return key;
}

const CANDIDATES = new Map<string, Map<number, Candidates>>();

/** The rows of `mnemonic` that can take operands of these kinds, from the cache once they are known. */
export function candidates(mnemonic: string, ops: readonly Operand[]): Candidates {
  let byKinds = CANDIDATES.get(mnemonic);
  if (!byKinds) CANDIDATES.set(mnemonic, (byKinds = new Map()));
  const key = kindKey(ops);
  let c = byKinds.get(key);
  if (!c) byKinds.set(key, (c = findCandidates(mnemonic, ops)));
  return c;
}

// Apart from candidates, which runs for every instruction: a closure over `ops` there would make the
// engine allocate a scope for it at every call, and only this first search needs one.
function findCandidates(mnemonic: string, ops: readonly Operand[]): Candidates {
  // Only the rows whose patterns fit are parsed (formsWhere): most of a mnemonic's never are.
  const forms = formsWhere(mnemonic, (patterns) => patterns.length === ops.length && patternsMatch(patterns, ops));
  // An address without a size, mem(...), is fine only if all the forms whose operand kinds fit
  // agree on one. An immediate's value never decides it: 0xffffffff could be a dword, or a
  // qword's low half that does not fit a sign-extended imm32.
  const u = ops.findIndex((op) => isMem(op) && op.size === 0);
  const ambiguous = u >= 0 && new Set(forms.map((f) => f.operands[u]!.mem)).size > 1;
  const only = forms.length === 1 && valueFree(forms[0]!) ? forms[0]! : null;
  return { forms, minLengths: forms.map(minLength), ambiguous, only };
}

/** A form no operand value can rule out: no fixed register, no literal 1, no immediate, no last word. */
function valueFree(f: Form): boolean {
  return f.accepts === null && f.operands.every((p) => p.fixed === null && !p.one && p.imm === null);
}

function minLength(f: Form): number {
  return f.prefixes.length + (f.vex ? 2 : f.rexW ? 1 : 0) + f.opcode.length + (f.modrm !== null ? 1 : 0) + f.immBytes;
}
// #endregion candidates

// #region select
/**
 * The shortest encoding of `mnemonic` for `ops` (the table's `cc` rows take a condition code),
 * planned into one of the two `plans`, which are reused from one instruction to the next.
 */
export function select(mnemonic: string, ops: readonly Operand[], cc: number, shown: string, plans: readonly [Plan, Plan]): Plan {
  checkOperands(ops);
  const { forms, minLengths, ambiguous, only } = candidates(mnemonic, ops);
  if (ambiguous) throw new Reject(sizeUnknown(forms, ops, shown));
  if (only !== null) return plan(only, ops, cc, plans[0]);
  let best: Plan | null = null;
  let rejected: Reject | null = null;
  for (let i = 0; i < forms.length; i++) {
    const form = forms[i]!;
    if (best !== null && minLengths[i]! >= best.length) continue; // cannot win: ties go to the first
    if (!valuesFit(form, ops)) continue;
    try {
      const p = plan(form, ops, cc, best === plans[0] ? plans[1] : plans[0]); // never over the best
      if (best === null || p.length < best.length) best = p;
    } catch (e) {
      if (!(e instanceof Reject)) throw e;
      rejected ??= e; // a REX conflict: another form may still do
    }
  }
  if (best !== null) return best;
  throw rejected ?? noForm(mnemonic, shown, ops, forms);
}
// #endregion select

/** Why none of `forms` takes `ops` (apart from select, which a closure over `ops` would slow). */
function noForm(mnemonic: string, shown: string, ops: readonly Operand[], forms: readonly Form[]): Reject {
  return new Reject(diagnose(mnemonic, shown, ops, forms.filter((f) => f.operands.every((p, i) => fixedFits(p, ops[i]!)))));
}

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

/** Two forms take a memory operand of different sizes: the operand needs a size of its own. */
function sizeUnknown(forms: readonly Form[], ops: readonly Operand[], shown: string): string {
  const i = ops.findIndex((op) => isMem(op) && op.size === 0);
  const helpers = (fs: readonly Form[]) => [...new Set(fs.map((f) => HELPER[f.operands[i]!.mem ?? 0]))].join(", ");
  const all = helpers(forms.filter((f) => kindsMatch(f, ops)));
  const message = `the memory operand has no size and nothing else in '${shown}' tells it: write it with ${all}`;
  const imm = ops.find((op) => isImm(op));
  const fitting = helpers(forms.filter((f) => accepts(f, ops)));
  if (imm === undefined || fitting === all) return message;
  const value = formatNumber(normalize(immValue(imm)) ?? 0);
  return `${message} (an immediate does not give the size: ${value} fits ${fitting === "" ? "none of them" : `only ${fitting}`})`;
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
