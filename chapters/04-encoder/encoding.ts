// From a chosen form and its operands to bytes: legacy prefixes, REX, opcode, ModRM, SIB,
// displacement, immediate. Planning (deciding every byte) is separate from writing, so the encoder
// can compare candidate encodings by length before it writes one.
import type { Form } from "./forms.ts";
import { Reject } from "./errors.ts";
import { fitsSigned, normalize } from "./numbers.ts";
import { immValue, isMem, type Imm, type Mem, type Num, type Operand } from "./operands.ts";
import type { Gpr, Reg, Rip } from "./registers.ts";
import { vexPrefix } from "./vex.ts";

// #region address-bits
/** A memory operand's part of the encoding. */
export interface AddressBits {
  readonly mod: number; // 0: no displacement (or the special cases), 1: disp8, 2: disp32
  readonly rm: number; //  the base register, or 100 (a SIB byte follows), or 101 with mod 0 (RIP)
  readonly sib: number; // -1 when there is no SIB byte
  readonly disp: number;
  readonly dispBytes: 0 | 1 | 4;
  readonly x: number; //   bit 3 of the index register, for REX.X
  readonly b: number; //   bit 3 of the base register, for REX.B
}
// #endregion address-bits

const SCALE_BITS: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3 };

/** Why this memory operand cannot be encoded in 64-bit mode, or null when it can. */
export function addressProblem(m: Mem): string | null {
  const { base, index } = m;
  if (base !== null && base.kind !== "rip" && (base.kind !== "gpr" || base.size !== 64)) {
    return `the base register ${base.name} is not a 64-bit register: addresses use rax..r15 (write ${widen(base)})`;
  }
  if (index !== null && (index.kind !== "gpr" || index.size !== 64)) {
    return `the index register ${index.name} is not a 64-bit register: addresses use rax..r15 (write ${widen(index)})`;
  }
  if (index !== null && index.id === 4) {
    return `rsp cannot be an index register (SIB index 100 means "no index"); ` +
      (m.scale === 1 && base !== null && base.kind === "gpr" ? `swap them: [rsp+${base.name}]` : "use another register");
  }
  if (index !== null && base?.kind === "rip") return "a rip-relative address cannot have an index register";
  if (!(m.scale in SCALE_BITS)) return `the scale must be 1, 2, 4 or 8, not ${m.scale}`;
  const disp = normalize(m.disp);
  if (disp === null) return `the displacement ${m.disp} is not an integer`;
  if (!fitsSigned(disp, 32)) {
    return `the displacement ${m.disp} does not fit in 32 signed bits (-0x80000000..0x7fffffff): put the address in a register`;
  }
  return null;
}

function widen(r: Reg): string {
  return r.kind === "gpr" && r.rex !== "forbidden" ? ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"][r.id] ?? `r${r.id}` : "a 64-bit register";
}

// #region encode-address
/** ModRM.mod/rm, SIB and displacement for a memory operand (already checked by addressProblem). */
export function encodeAddress(m: Mem): AddressBits {
  const disp = Number(m.disp);
  const { base, index } = m;
  if (base?.kind === "rip") return { mod: 0b00, rm: 0b101, sib: -1, disp, dispBytes: 4, x: 0, b: 0 };
  const scale = SCALE_BITS[m.scale]! << 6;
  if (base === null) {
    // No base: mod 00 with SIB base 101 means "disp32, no base". Without an index the SIB says
    // index 100 ("none"): 64-bit mode took the shorter rm=101 for RIP-relative addressing.
    const sib = scale | ((index ? index.id & 7 : 0b100) << 3) | 0b101;
    return { mod: 0b00, rm: 0b100, sib, disp, dispBytes: 4, x: index ? index.id >> 3 : 0, b: 0 };
  }
  // rbp and r13 (base 101) have no mod-00 form: that encoding means RIP-relative or "no base",
  // so they take a zero disp8.
  const dispBytes = m.disp32 ? 4 : disp === 0 && (base.id & 7) !== 0b101 ? 0 : fitsSigned(disp, 8) ? 1 : 4;
  const mod = dispBytes === 0 ? 0b00 : dispBytes === 1 ? 0b01 : 0b10;
  // rsp and r12 (base 100) need a SIB byte: rm=100 means "a SIB byte follows".
  if (index === null && (base.id & 7) !== 0b100) return { mod, rm: base.id & 7, sib: -1, disp, dispBytes, x: 0, b: base.id >> 3 };
  const sib = scale | ((index ? index.id & 7 : 0b100) << 3) | (base.id & 7);
  return { mod, rm: 0b100, sib, disp, dispBytes, x: index ? index.id >> 3 : 0, b: base.id >> 3 };
}
// #endregion encode-address

// #region plan
/** Every byte of one instruction, decided. */
export interface Plan {
  readonly form: Form;
  readonly prefixes: readonly number[]; // legacy prefixes (none with VEX: it holds them)
  readonly rex: number; //                0 when absent
  readonly vex: readonly number[] | null;
  readonly opcode: readonly number[];
  readonly modrm: number; //  -1 when absent
  readonly sib: number; //    -1 when absent
  readonly disp: number;
  readonly dispBytes: 0 | 1 | 4;
  readonly imm: Num;
  readonly immBytes: 0 | 1 | 2 | 4 | 8;
  readonly length: number;
}
// #endregion plan

const asReg = (op: Operand | undefined): Reg | null => (op !== undefined && typeof op === "object" && op.kind !== "mem" && op.kind !== "imm" ? op : null);

// #region rex
/**
 * The REX prefix byte (0 for none; spl..dil need one even when empty), or a Reject when a high-byte
 * register rules it out: "ah cannot be encoded in an instruction with a REX prefix", naming what
 * needs REX (its 64-bit operand size, the spl..dil register, or extendedRegister's register).
 */
function rexByte(form: Form, ops: readonly Operand[], r: number, x: number, b: number): number {
  const w = form.rexW ? 1 : 0;
  let bare: Gpr | null = null, high: Gpr | null = null;
  for (const op of ops) {
    if (typeof op !== "object" || op.kind !== "gpr") continue;
    if (op.rex === "required") bare = op; // spl, bpl, sil, dil
    else if (op.rex === "forbidden") high = op; // ah, ch, dh, bh
  }
  if (!(w | r | x | b) && !bare) return 0;
  if (high) {
    const why = w ? "its 64-bit operand size (REX.W)" : (bare?.name ?? extendedRegister(ops));
    throw new Reject(`${high.name} cannot be encoded in an instruction with a REX prefix, and this one needs REX for ${why}: ` +
      `use a low byte register (al, cl, dl, bl) instead of ${high.name}`);
  }
  return 0x40 | (w << 3) | (r << 2) | (x << 1) | b;
}
// #endregion rex

/** The first register numbered 8..15 among the operands (including a memory operand's base and index). */
function extendedRegister(ops: readonly Operand[]): string {
  const regs = ops.flatMap((op): (Reg | Rip | null)[] => (isMem(op) ? [op.base, op.index] : [asReg(op)]));
  return regs.find((r) => r !== null && r.kind !== "rip" && r.id >= 8)?.name ?? "a register numbered 8..15";
}

/** Decide every byte of `form` applied to `ops`; `cc` is the condition code of a +cc opcode. */
export function plan(form: Form, ops: readonly Operand[], cc = 0): Plan {
  const { roles } = form;
  let r = 0, x = 0, b = 0;
  let modrm = -1, sib = -1, disp = 0, dispBytes: 0 | 1 | 4 = 0;

  // "+cc" adds the condition code to the last opcode byte, "+r" the low bits of a register.
  let add = form.opcodeAdd === "cc" ? cc : 0;
  const inOpcode = asReg(ops[roles.opcodeReg]);
  if (inOpcode) {
    add = inOpcode.id & 7;
    b = inOpcode.id >> 3;
  }
  const opcode = add ? [...form.opcode.slice(0, -1), form.opcode.at(-1)! + add] : form.opcode;
  if (form.modrm !== null) {
    const regOp = asReg(ops[roles.reg]);
    const reg = form.modrm === "r" ? regOp!.id : form.modrm;
    r = reg >> 3;
    const rmOp = ops[roles.rm]!;
    if (isMem(rmOp)) {
      const a = encodeAddress(rmOp);
      modrm = (a.mod << 6) | ((reg & 7) << 3) | a.rm;
      sib = a.sib;
      disp = a.disp;
      dispBytes = a.dispBytes;
      x = a.x;
      b = a.b;
    } else {
      const id = asReg(rmOp)!.id;
      modrm = 0b11000000 | ((reg & 7) << 3) | (id & 7);
      b = id >> 3;
    }
  }

  const vex = form.vex ? vexPrefix(form.vex, r, x, b, asReg(ops[roles.vvvv])?.id ?? 0) : null;
  const rex = vex ? 0 : rexByte(form, ops, r, x, b);
  const prefixes = form.prefixes;

  const immOp = ops[roles.imm];
  const imm = immOp === undefined ? 0 : normalize(immValue(immOp as Imm)) ?? 0;
  const immBytes = form.immBytes;
  const length = prefixes.length + (rex ? 1 : 0) + (vex?.length ?? 0) + opcode.length + (modrm >= 0 ? 1 : 0) + (sib >= 0 ? 1 : 0) +
    dispBytes + immBytes;
  return { form, prefixes, rex, vex, opcode, modrm, sib, disp, dispBytes, imm, immBytes, length };
}
