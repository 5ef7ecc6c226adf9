// Loads and stores. A64 only touches memory through them, and every one is a base register plus an
// offset or an index. The access size (1, 2, 4 or 8 bytes) sits in the top two bits and also sets
// the scale: ldr x0, [x1, #16] stores 16 / 8 = 2 in its 12-bit field, so it reaches 8 · 4095 bytes.
import type { Address } from "./addressing.ts";
import { Reject } from "./errors.ts";
import { fitsSigned, fitsUnsigned, regField, sameSize, signedField } from "./fields.ts";
import type { Reg } from "./registers.ts";

export type LoadStore = "ldr" | "str" | "ldrb" | "strb" | "ldrh" | "strh" | "ldrsb" | "ldrsh" | "ldrsw";
export type Unscaled = "ldur" | "stur" | "ldurb" | "sturb" | "ldurh" | "sturh" | "ldursb" | "ldursh" | "ldursw";

// #region access
/** What an access moves: log2 of its size in bytes (also the offset's scale) and its opc bits. */
interface Access {
  readonly size: number;
  readonly opc: number;
}

const BYTES = ["byte", "halfword (2 bytes)", "word (4 bytes)", "doubleword (8 bytes)"];

/** The size and opc of `op` with `rt`: sign-extending loads pick opc by the register they fill. */
function access(op: LoadStore, rt: Reg): Access {
  const wOnly = (size: number, opc: number): Access => {
    if (rt.size !== 32) throw new Reject(`${op} moves a ${BYTES[size]} through a w register (a load clears the upper 32 bits): write w${rt.id === 31 ? "zr" : rt.id}, not ${rt.name}`);
    return { size, opc };
  };
  switch (op) {
    case "str": return { size: rt.size === 64 ? 3 : 2, opc: 0 };
    case "ldr": return { size: rt.size === 64 ? 3 : 2, opc: 1 };
    case "strb": return wOnly(0, 0);
    case "ldrb": return wOnly(0, 1);
    case "strh": return wOnly(1, 0);
    case "ldrh": return wOnly(1, 1);
    case "ldrsb": return { size: 0, opc: rt.size === 64 ? 2 : 3 };
    case "ldrsh": return { size: 1, opc: rt.size === 64 ? 2 : 3 };
    case "ldrsw":
      if (rt.size !== 64) throw new Reject(`ldrsw sign-extends a word into 64 bits: write x${rt.id === 31 ? "zr" : rt.id}, not ${rt.name} (ldr ${rt.name} loads a word)`);
      return { size: 2, opc: 2 };
  }
}
// #endregion access

/** The base register's field: a 64-bit register or sp (register 31 here is sp, never xzr). */
function baseField(base: Reg): number {
  if (base.size !== 64) throw new Reject(`an address is 64 bits: the base must be an x register or sp, not ${base.name}`);
  return regField(base, "sp", "base");
}

/** A load that writes its result into the base it also updates: the architecture leaves it undefined. */
function checkWriteback(op: string, base: Reg, ...rts: Reg[]): void {
  if (rts.some((rt) => rt.role === "general" && rt.id === base.id && base.role === "general")) {
    throw new Reject(`${op} writes ${base.name} back and also transfers it: the result is unpredictable; use another register`);
  }
}

// #region load-store
/**
 * ldr/str and their byte, halfword and sign-extending kin, for every addressing mode: an offset
 * (unsigned, scaled by the access size), pre- and post-index (signed 9 bits, unscaled) and an index
 * register (extended, optionally shifted by the scale).
 */
export function loadStore(op: LoadStore, rt: Reg, address: Address): number {
  const { size, opc } = access(op, rt);
  const t = regField(rt, "zr", "register to transfer");
  const n = baseField(address.base);
  const base = ((size << 30) | (0b111 << 27) | (opc << 22) | (n << 5) | t) >>> 0;
  const scale = 1 << size;
  switch (address.mode) {
    case "offset": {
      const { offset } = address;
      const reach = `${op}${op === "ldr" || op === "str" ? ` ${rt.name[0]}` : ""} scales its 12-bit offset by the access size, ${scale}: 0 to ${4095 * scale}` +
        (scale > 1 ? ` in steps of ${scale}` : "");
      if (offset % scale !== 0 && Number.isInteger(offset)) {
        throw new Reject(`#${offset} is not a multiple of ${scale}: ${reach}; for an unaligned offset from -256 to 255 use ${unscaledOf(op)}`);
      }
      if (!fitsUnsigned(offset / scale, 12)) {
        const hint = offset < 0 && offset >= -256 ? `; for a negative offset from -256 to 255 use ${unscaledOf(op)}` : "; add to the base first, or use an index register";
        throw new Reject(`#${offset} is out of range: ${reach}${hint}`);
      }
      return (base | (1 << 24) | ((offset / scale) << 10)) >>> 0;
    }
    case "pre":
    case "post":
      checkWriteback(op, address.base, rt);
      return (base | immediate9(op, address.offset, `${address.mode}-index`) | ((address.mode === "pre" ? 0b11 : 0b01) << 10)) >>> 0;
    case "index": {
      const { index, extend, amount } = address;
      const option = { uxtw: 0b010, lsl: 0b011, sxtw: 0b110, sxtx: 0b111 }[extend];
      const wants = extend === "uxtw" || extend === "sxtw" ? 32 : 64;
      if (index.size !== wants) throw new Reject(`${extend} extends a ${wants === 32 ? "w" : "x"} index: write ${wants === 32 ? "w" : "x"}${index.id === 31 ? "zr" : index.id}, not ${index.name}`);
      if (amount !== undefined && amount !== 0 && amount !== size) {
        throw new Reject(`the index is shifted by 0 or by log2 of the access size, ${size} (${scale} bytes), not by ${amount}`);
      }
      const s = amount !== undefined && amount === size ? 1 << 12 : 0;
      const m = regField(index, "zr", "index");
      return (base | (1 << 21) | (m << 16) | (option << 13) | s | (0b10 << 10)) >>> 0;
    }
  }
}
// #endregion load-store

const UNSCALED: Record<LoadStore, Unscaled> = {
  ldr: "ldur", str: "stur", ldrb: "ldurb", strb: "sturb", ldrh: "ldurh", strh: "sturh", ldrsb: "ldursb", ldrsh: "ldursh", ldrsw: "ldursw",
};
const unscaledOf = (op: LoadStore): Unscaled => UNSCALED[op];

function immediate9(op: string, offset: number, what: string): number {
  if (!fitsSigned(offset, 9)) throw new Reject(`#${offset} is out of range for ${op}'s ${what} offset: 9 bits signed, -256 to 255, not scaled`);
  return signedField(offset, 9) << 12;
}

/** ldur/stur and kin: [base, #offset] with a signed 9-bit offset in bytes, any alignment. */
export function loadStoreUnscaled(op: Unscaled, rt: Reg, address: Address): number {
  const scaled = (Object.keys(UNSCALED) as LoadStore[]).find((k) => UNSCALED[k] === op)!;
  if (address.mode !== "offset") throw new Reject(`${op} takes only [base, #offset]: for pre- or post-index or an index register use ${scaled}`);
  const { size, opc } = access(scaled, rt);
  const t = regField(rt, "zr", "register to transfer");
  const n = baseField(address.base);
  return ((size << 30) | (0b111 << 27) | (opc << 22) | immediate9(op, address.offset, "unscaled") | (n << 5) | t) >>> 0;
}

// #region pairs
/** ldp/stp rt, rt2, address: two registers at once, a 7-bit signed offset scaled by their size. */
export function loadStorePair(op: "ldp" | "stp", rt: Reg, rt2: Reg, address: Address): number {
  const size = sameSize(rt, rt2);
  const t = regField(rt, "zr", "first register");
  const t2 = regField(rt2, "zr", "second register");
  const n = baseField(address.base);
  if (address.mode === "index") throw new Reject(`${op} has no index-register form: add the index to the base first`);
  if (op === "ldp" && rt.id === rt2.id) throw new Reject(`ldp loads ${rt.name} twice: the result is unpredictable; name two registers`);
  if (address.mode !== "offset") checkWriteback(op, address.base, rt, rt2);
  const scale = size / 8;
  const { offset } = address;
  if (offset % scale !== 0 || !fitsSigned(offset / scale, 7)) {
    const why = offset % scale !== 0 ? `not a multiple of ${scale}` : "out of range";
    throw new Reject(`#${offset} is ${why}: ${op} of two ${size}-bit registers scales a 7-bit signed offset by ${scale}: ${-64 * scale} to ${63 * scale} in steps of ${scale}`);
  }
  const mode = { post: 0b001, offset: 0b010, pre: 0b011 }[address.mode];
  const opc = size === 64 ? 0b10 : 0b00;
  return ((opc << 30) | (0b101 << 27) | (mode << 23) | (op === "ldp" ? 1 << 22 : 0) | (signedField(offset / scale, 7) << 15) | (t2 << 10) | (n << 5) | t) >>> 0;
}
// #endregion pairs
