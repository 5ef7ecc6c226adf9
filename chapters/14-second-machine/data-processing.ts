// The data-processing encodings: arithmetic, logic, moves, multiply and divide, shifts and
// conditional selects. Each function takes operands, checks them against the fields, and returns the
// 32-bit word. The word is a base pattern (the bits that name the form) ORed with the fields.
import { bitmaskOf, unsignedOf } from "./bitmask.ts";
import { CONDITIONS, type Condition } from "./conditions.ts";
import { Reject } from "./errors.ts";
import { fitsUnsigned, regField, sameSize, sf } from "./fields.ts";
import type { Reg, RegSize } from "./registers.ts";

export type AddSub = "add" | "adds" | "sub" | "subs";
export type Logical = "and" | "orr" | "eor" | "ands";
export type LogicalReg = Logical | "bic" | "orn" | "eon" | "bics";
export type Shift = "lsl" | "lsr" | "asr" | "ror";

// #region add-sub-immediate
const ADD_SUB = { add: 0x11000000, adds: 0x31000000, sub: 0x51000000, subs: 0x71000000 } as const;

/**
 * add/adds/sub/subs rd, rn, #imm{, lsl #12}: a 12-bit unsigned immediate, optionally shifted left 12.
 * With no shift given, a multiple of 4096 too big for 12 bits takes the shifted form, as GNU as does.
 */
export function addSubImmediate(op: AddSub, rd: Reg, rn: Reg, imm: number, shift?: 0 | 12): number {
  const size = sameSize(rd, rn);
  const setsFlags = op === "adds" || op === "subs";
  const d = regField(rd, setsFlags ? "zr" : "sp", "destination");
  const n = regField(rn, "sp", "first source");
  let sh = shift ?? 0;
  let field = imm;
  if (shift === undefined && !fitsUnsigned(imm, 12) && imm % 4096 === 0 && fitsUnsigned(imm / 4096, 12)) {
    sh = 12;
    field = imm / 4096;
  }
  if (!fitsUnsigned(field, 12)) {
    const other = op.startsWith("add") ? op.replace("add", "sub") : op.replace("sub", "add");
    const hint = Number.isInteger(imm) && imm < 0 && -imm < 2 ** 24 ? `; for a negative number use ${other} with ${-imm}` : "; split it into two instructions or put it in a register (mov)";
    throw new Reject(
      sh === 12
        ? `#${imm}, lsl #12 does not fit: the immediate is 12 bits (0 to 4095) before the shift${hint}`
        : `#${imm} does not fit ${op}'s immediate: 12 bits (0 to 4095), or a multiple of 4096 up to ${4095 * 4096} with lsl #12${hint}`,
    );
  }
  return (ADD_SUB[op] | sf(size) | (sh === 12 ? 1 << 22 : 0) | (field << 10) | (n << 5) | d) >>> 0;
}
// #endregion add-sub-immediate

const SHIFTS: Record<Shift, number> = { lsl: 0, lsr: 1, asr: 2, ror: 3 };

/** Check a shift amount against the register size: 0 to size - 1. */
function shiftAmount(amount: number, size: RegSize): number {
  if (!fitsUnsigned(amount, 6) || amount >= size) throw new Reject(`a shift of ${amount} is out of range: a ${size}-bit register shifts by 0 to ${size - 1}`);
  return amount;
}

// #region add-sub-register
const ADD_SUB_SHIFTED = { add: 0x0b000000, adds: 0x2b000000, sub: 0x4b000000, subs: 0x6b000000 } as const;
const EXTENDED = 0x00200000; // bit 21: the extended-register form, whose register 31 is sp

/**
 * add/adds/sub/subs rd, rn, rm{, shift #amount}. Register 31 is xzr in the shifted-register form; when
 * rd (for add, sub) or rn is sp, the word is the extended-register form instead (uxtx, lsl #0..4),
 * where those positions mean sp: the same choice GNU as makes for `add x0, sp, x1`.
 */
export function addSubRegister(op: AddSub, rd: Reg, rn: Reg, rm: Reg, shift: Shift = "lsl", amount = 0): number {
  const size = sameSize(rd, rn, rm);
  const setsFlags = op === "adds" || op === "subs";
  const m = regField(rm, "zr", "second source");
  if (rn.role === "sp" || (!setsFlags && rd.role === "sp")) {
    if (shift !== "lsl" || !Number.isInteger(amount) || amount < 0 || amount > 4) {
      throw new Reject(`with sp, ${op} takes the extended-register form, which shifts only left, by 0 to 4 (here ${shift} #${amount})`);
    }
    const d = regField(rd, setsFlags ? "zr" : "sp", "destination");
    const n = regField(rn, "sp", "first source");
    const option = size === 64 ? 0b011 : 0b010; // uxtx / uxtw: the register as it is
    return (ADD_SUB_SHIFTED[op] | EXTENDED | sf(size) | (m << 16) | (option << 13) | (amount << 10) | (n << 5) | d) >>> 0;
  }
  if (shift === "ror") throw new Reject(`${op} cannot rotate its second source: shift it with lsl, lsr or asr`);
  const d = regField(rd, "zr", "destination");
  const n = regField(rn, "zr", "first source");
  const a = shiftAmount(amount, size);
  return (ADD_SUB_SHIFTED[op] | sf(size) | (SHIFTS[shift] << 22) | (m << 16) | (a << 10) | (n << 5) | d) >>> 0;
}
// #endregion add-sub-register

// #region logical-immediate
const LOGICAL_IMMEDIATE = { and: 0x12000000, orr: 0x32000000, eor: 0x52000000, ands: 0x72000000 } as const;

/** and/orr/eor/ands rd, rn, #bitmask. rd may be sp except for ands (whose rd 31 is xzr, as in tst). */
export function logicalImmediate(op: Logical, rd: Reg, rn: Reg, imm: number | bigint): number {
  const size = sameSize(rd, rn);
  const d = regField(rd, op === "ands" ? "zr" : "sp", "destination");
  const n = regField(rn, "zr", "source");
  const b = bitmaskOf(imm, size);
  return (LOGICAL_IMMEDIATE[op] | sf(size) | (b.n << 22) | (b.immr << 16) | (b.imms << 10) | (n << 5) | d) >>> 0;
}
// #endregion logical-immediate

const LOGICAL_SHIFTED = {
  and: 0x0a000000, bic: 0x0a200000, orr: 0x2a000000, orn: 0x2a200000,
  eor: 0x4a000000, eon: 0x4a200000, ands: 0x6a000000, bics: 0x6a200000,
} as const;

/** and/bic/orr/orn/eor/eon/ands/bics rd, rn, rm{, shift #amount}: every register 31 is xzr. */
export function logicalRegister(op: LogicalReg, rd: Reg, rn: Reg, rm: Reg, shift: Shift = "lsl", amount = 0): number {
  const size = sameSize(rd, rn, rm);
  const d = regField(rd, "zr", "destination");
  const n = regField(rn, "zr", "first source");
  const m = regField(rm, "zr", "second source");
  const a = shiftAmount(amount, size);
  return (LOGICAL_SHIFTED[op] | sf(size) | (SHIFTS[shift] << 22) | (m << 16) | (a << 10) | (n << 5) | d) >>> 0;
}

// #region move-wide
export type MoveWide = "movz" | "movn" | "movk";
const MOVE_WIDE = { movn: 0x12800000, movz: 0x52800000, movk: 0x72800000 } as const;

/** movz/movn/movk rd, #imm16, lsl #shift: one 16-bit piece at bit 0, 16, 32 or 48 (0 or 16 for w). */
export function moveWide(op: MoveWide, rd: Reg, imm: number, shift = 0): number {
  const d = regField(rd, "zr", "destination");
  if (!fitsUnsigned(imm, 16)) throw new Reject(`#${imm} does not fit ${op}'s 16 bits (0 to 65535): shift a piece into place with lsl #16, #32 or #48`);
  if (shift % 16 !== 0 || shift < 0 || shift >= rd.size) {
    throw new Reject(`lsl #${shift} is not a halfword position: ${rd.size === 64 ? "0, 16, 32 or 48" : "0 or 16"} for a ${rd.name[0]} register`);
  }
  return (MOVE_WIDE[op] | sf(rd.size) | ((shift / 16) << 21) | (imm << 5) | d) >>> 0;
}
// #endregion move-wide

// #region move-plan
/** One instruction of a constant's load: a move-wide piece, or orr with xzr and a bitmask. */
export type MovePiece =
  | { readonly op: MoveWide; readonly imm: number; readonly shift: number }
  | { readonly op: "orr"; readonly imm: bigint };

/**
 * The instructions that put `value` in a `size`-bit register. One when it can be: movz (a single
 * non-zero halfword), movn (a single halfword that is not 0xffff), or orr with a bitmask, in the order
 * GNU as tries for `mov`. Otherwise movz for the first non-zero halfword and movk for each other one,
 * or movn and movk when more halfwords are 0xffff than 0: at most four instructions.
 */
export function movePlan(value: number | bigint, size: RegSize): MovePiece[] {
  const v = unsignedOf(value, size);
  const halves = Array.from({ length: size / 16 }, (_, i) => Number((v >> BigInt(16 * i)) & 0xffffn));
  const zeros = halves.filter((h) => h === 0).length;
  const ones = halves.filter((h) => h === 0xffff).length;
  if (zeros >= halves.length - 1) {
    const i = Math.max(0, halves.findIndex((h) => h !== 0));
    return [{ op: "movz", imm: halves[i]!, shift: 16 * i }];
  }
  if (ones === halves.length - 1) {
    const i = halves.findIndex((h) => h !== 0xffff);
    return [{ op: "movn", imm: ~halves[i]! & 0xffff, shift: 16 * i }];
  }
  if (ones === halves.length) return [{ op: "movn", imm: 0, shift: 0 }];
  try {
    bitmaskOf(v, size);
    return [{ op: "orr", imm: v }];
  } catch {
    // not a bitmask: build it a halfword at a time
  }
  const inverted = ones > zeros;
  const skip = inverted ? 0xffff : 0;
  const pieces: MovePiece[] = [];
  halves.forEach((h, i) => {
    if (h === skip) return;
    if (pieces.length === 0) pieces.push(inverted ? { op: "movn", imm: ~h & 0xffff, shift: 16 * i } : { op: "movz", imm: h, shift: 16 * i });
    else pieces.push({ op: "movk", imm: h, shift: 16 * i });
  });
  return pieces;
}
// #endregion move-plan

// #region multiply-divide
/** madd rd, rn, rm, ra (rd = ra + rn·rm) and msub (rd = ra - rn·rm); mul is madd with xzr as ra. */
export function multiplyAdd(op: "madd" | "msub", rd: Reg, rn: Reg, rm: Reg, ra: Reg): number {
  const size = sameSize(rd, rn, rm, ra);
  const [d, n, m, a] = [rd, rn, rm, ra].map((r, i) => regField(r, "zr", ["destination", "first source", "second source", "addend"][i]!));
  return (0x1b000000 | sf(size) | (m! << 16) | (op === "msub" ? 1 << 15 : 0) | (a! << 10) | (n! << 5) | d!) >>> 0;
}

const TWO_SOURCE = { udiv: 0x1ac00800, sdiv: 0x1ac00c00, lslv: 0x1ac02000, lsrv: 0x1ac02400, asrv: 0x1ac02800, rorv: 0x1ac02c00 } as const;

/** udiv, sdiv, and the shifts by a register (lslv and friends, written lsl x0, x1, x2). */
export function twoSource(op: keyof typeof TWO_SOURCE, rd: Reg, rn: Reg, rm: Reg): number {
  const size = sameSize(rd, rn, rm);
  const [d, n, m] = [rd, rn, rm].map((r, i) => regField(r, "zr", ["destination", "first source", "second source"][i]!));
  return (TWO_SOURCE[op] | sf(size) | (m! << 16) | (n! << 5) | d!) >>> 0;
}
// #endregion multiply-divide

// #region shift-immediate
/**
 * lsl/lsr/asr rd, rn, #amount: aliases of the bitfield moves. ubfm copies bits imms..immr of rn to the
 * bottom (or, when imms < immr, bits 0..imms up to position size - immr), zeroing the rest; sbfm also
 * copies the sign. lsl #s is ubfm #(size - s) % size, #(size - 1 - s).
 */
export function shiftImmediate(op: "lsl" | "lsr" | "asr", rd: Reg, rn: Reg, amount: number): number {
  const size = sameSize(rd, rn);
  const d = regField(rd, "zr", "destination");
  const n = regField(rn, "zr", "source");
  const s = shiftAmount(amount, size);
  const [immr, imms] = op === "lsl" ? [(size - s) % size, size - 1 - s] : [s, size - 1];
  const base = op === "asr" ? 0x13000000 : 0x53000000; // sbfm, ubfm
  const n64 = size === 64 ? 1 << 22 : 0; // N must equal sf
  return (base | sf(size) | n64 | (immr << 16) | (imms << 10) | (n << 5) | d) >>> 0;
}
// #endregion shift-immediate

// #region conditional-select
const SELECT = { csel: 0x1a800000, csinc: 0x1a800400, csinv: 0x5a800000, csneg: 0x5a800400 } as const;

/** csel rd, rn, rm, cond: rd = cond ? rn : rm (csinc: rm + 1, csinv: ~rm, csneg: -rm). */
export function conditionalSelect(op: keyof typeof SELECT, rd: Reg, rn: Reg, rm: Reg, cond: Condition): number {
  const size = sameSize(rd, rn, rm);
  const [d, n, m] = [rd, rn, rm].map((r, i) => regField(r, "zr", ["destination", "first source", "second source"][i]!));
  return (SELECT[op] | sf(size) | (m! << 16) | (CONDITIONS[cond] << 12) | (n! << 5) | d!) >>> 0;
}
// #endregion conditional-select
