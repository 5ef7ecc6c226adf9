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
  mod: number; //  0: no displacement (or the special cases), 1: disp8, 2: disp32
  rm: number; //   the base register, or 100 (a SIB byte follows), or 101 with mod 0 (RIP)
  sib: number; //  -1 when there is no SIB byte
  disp: number;
  dispBytes: 0 | 1 | 4;
  x: number; //    bit 3 of the index register, for REX.X
  b: number; //    bit 3 of the base register, for REX.B
}
// #endregion address-bits

/** SIB.scale for a scale of 1, 2, 4 or 8; -1 for anything else. */
function scaleBits(scale: number): number {
  switch (scale) {
    case 1: return 0;
    case 2: return 1;
    case 4: return 2;
    case 8: return 3;
    default: return -1;
  }
}

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
  if (scaleBits(m.scale) < 0) return `the scale must be 1, 2, 4 or 8, not ${m.scale}`;
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
/**
 * ModRM.mod/rm, SIB and displacement for a memory operand (already checked by addressProblem),
 * written into `a`: the encoder fills the same record for every instruction instead of making one.
 */
export function encodeAddress(m: Mem, a: AddressBits): void {
  const disp = Number(m.disp);
  const { base, index } = m;
  a.disp = disp;
  if (base?.kind === "rip") return setAddress(a, 0b00, 0b101, -1, 4, 0, 0);
  const scale = scaleBits(m.scale) << 6;
  if (base === null) {
    // No base: mod 00 with SIB base 101 means "disp32, no base". Without an index the SIB says
    // index 100 ("none"): 64-bit mode took the shorter rm=101 for RIP-relative addressing.
    const sib = scale | ((index ? index.id & 7 : 0b100) << 3) | 0b101;
    return setAddress(a, 0b00, 0b100, sib, 4, index ? index.id >> 3 : 0, 0);
  }
  // rbp and r13 (base 101) have no mod-00 form: that encoding means RIP-relative or "no base",
  // so they take a zero disp8.
  const dispBytes = m.disp32 ? 4 : disp === 0 && (base.id & 7) !== 0b101 ? 0 : fitsSigned(disp, 8) ? 1 : 4;
  const mod = dispBytes === 0 ? 0b00 : dispBytes === 1 ? 0b01 : 0b10;
  // rsp and r12 (base 100) need a SIB byte: rm=100 means "a SIB byte follows".
  if (index === null && (base.id & 7) !== 0b100) return setAddress(a, mod, base.id & 7, -1, dispBytes, 0, base.id >> 3);
  const sib = scale | ((index ? index.id & 7 : 0b100) << 3) | (base.id & 7);
  return setAddress(a, mod, 0b100, sib, dispBytes, index ? index.id >> 3 : 0, base.id >> 3);
}
// #endregion encode-address

// #region plan
/**
 * Every byte of one instruction, decided. The encoder keeps two and fills them in again for each
 * instruction (the best candidate so far and the one being tried), so planning allocates nothing.
 */
export class Plan implements AddressBits {
  form: Form | null = null; // its legacy prefixes and opcode bytes (none with VEX: it holds them)
  rex = 0; //                  0 when absent
  vex: readonly number[] | null = null;
  opcodeAdd = 0; //            added to the last opcode byte: a register number (+r) or condition (+cc)
  modrm = -1; //               -1 when absent
  mod = 0;
  rm = 0;
  sib = -1; //                 -1 when absent
  disp = 0;
  dispBytes: 0 | 1 | 4 = 0;
  x = 0;
  b = 0;
  imm: Num = 0;
  immBytes: 0 | 1 | 2 | 4 | 8 = 0;
  length = 0;
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
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    if (typeof op !== "object" || op.kind !== "gpr" || op.size !== 8) continue; // only byte registers care
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

/** Decide every byte of `form` applied to `ops`, into `p`; `cc` is the condition code of a +cc opcode. */
export function plan(form: Form, ops: readonly Operand[], cc: number, p: Plan): Plan {
  const { roles } = form;
  let r = 0;
  p.form = form;
  p.x = p.b = p.disp = p.dispBytes = 0;
  p.modrm = p.sib = -1;

  // "+cc" adds the condition code to the last opcode byte, "+r" the low bits of a register.
  // (A role of -1 means the form has no such operand: check before indexing, ops[-1] is slow.)
  p.opcodeAdd = form.opcodeAdd === "cc" ? cc : 0;
  if (roles.opcodeReg >= 0) {
    const id = (ops[roles.opcodeReg] as Reg).id;
    p.opcodeAdd = id & 7;
    p.b = id >> 3;
  }
  if (form.modrm !== null) {
    const reg = form.modrm === "r" ? (ops[roles.reg] as Reg).id : form.modrm;
    r = reg >> 3;
    const rmOp = ops[roles.rm]!;
    if (isMem(rmOp)) {
      encodeAddress(rmOp, p);
      p.modrm = (p.mod << 6) | ((reg & 7) << 3) | p.rm;
    } else {
      const id = (rmOp as Reg).id;
      p.modrm = 0b11000000 | ((reg & 7) << 3) | (id & 7);
      p.b = id >> 3;
    }
  }

  p.vex = form.vex ? vexPrefix(form.vex, r, p.x, p.b, roles.vvvv >= 0 ? (ops[roles.vvvv] as Reg).id : 0) : null;
  p.rex = p.vex ? 0 : rexByte(form, ops, r, p.x, p.b);

  p.imm = roles.imm >= 0 ? normalize(immValue(ops[roles.imm] as Imm)) ?? 0 : 0;
  p.immBytes = form.immBytes;
  p.length = form.prefixes.length + (p.rex ? 1 : 0) + (p.vex ? p.vex.length : 0) + form.opcode.length + (p.modrm >= 0 ? 1 : 0) +
    (p.sib >= 0 ? 1 : 0) + p.dispBytes + p.immBytes;
  return p;
}

function setAddress(a: AddressBits, mod: number, rm: number, sib: number, dispBytes: 0 | 1 | 4, x: number, b: number): void {
  a.mod = mod;
  a.rm = rm;
  a.sib = sib;
  a.dispBytes = dispBytes;
  a.x = x;
  a.b = b;
}
