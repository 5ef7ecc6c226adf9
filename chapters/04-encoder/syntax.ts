// Instructions as text, in the Intel syntax GNU as reads (`.intel_syntax noprefix`), so that a
// listing line can be fed back to the assembler: `add rax, qword ptr [rbx+rcx*8+16]`.
import { formatNumber } from "./numbers.ts";
import { immValue, isImm, isMem, type Mem, type Operand } from "./operands.ts";

const PTR: Record<number, string> = { 8: "byte", 16: "word", 32: "dword", 64: "qword", 128: "xmmword", 256: "ymmword" };

// #region format-address
/** `qword ptr [rbx+rcx*8+16]`, `[rip+64]`, `dword ptr [rcx*1+16]` (an index alone keeps its *1). */
export function formatMem(m: Mem): string {
  const parts: string[] = [];
  if (m.base) parts.push(m.base.name);
  if (m.index) parts.push(m.scale === 1 && m.base ? m.index.name : `${m.index.name}*${m.scale}`);
  let text = parts.join("+");
  if (m.disp != 0 || parts.length === 0) text += m.disp < 0 || parts.length === 0 ? formatNumber(m.disp) : `+${formatNumber(m.disp)}`;
  return `${m.size ? `${PTR[m.size]} ptr ` : ""}[${text}]`;
}
// #endregion format-address

export function formatOperand(op: Operand): string {
  if (isImm(op)) return formatNumber(immValue(op));
  if (isMem(op)) return formatMem(op);
  return op.name;
}

/** One instruction: `mnemonic op, op`, with `{disp32}` in front when a displacement is forced wide. */
export function formatInstruction(mnemonic: string, ops: readonly Operand[]): string {
  const forced = ops.some((op) => isMem(op) && op.disp32) ? "{disp32} " : "";
  return `${forced}${mnemonic}${ops.length ? " " + ops.map(formatOperand).join(", ") : ""}`;
}
