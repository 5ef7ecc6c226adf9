// Branches. A64 branches are relative to the branch itself (not to the next instruction, as on
// x86-64), and count in instructions: the word stores distance / 4, so its reach is four times what
// the field holds. Each kind of branch has its own field, and so its own reach.
import { CONDITIONS, type Condition } from "./conditions.ts";
import { Reject } from "./errors.ts";
import { fitsSigned, regField, signedField } from "./fields.ts";
import type { Reg } from "./registers.ts";

// #region reach
/** The displacement field of each kind of PC-relative instruction: its width, position and unit. */
export const REACH = {
  /** b, bl: 26 bits of instructions, ±128 MiB. */
  imm26: { bits: 26, at: 0, unit: 4, range: "±128 MiB" },
  /** b.cond, cbz, cbnz: 19 bits of instructions, ±1 MiB. */
  imm19: { bits: 19, at: 5, unit: 4, range: "±1 MiB" },
  /** tbz, tbnz: 14 bits of instructions, ±32 KiB. */
  imm14: { bits: 14, at: 5, unit: 4, range: "±32 KiB" },
  /** adr: 21 bits of bytes, ±1 MiB, split into immlo (bits 29-30) and immhi (bits 5-23). */
  adr: { bits: 21, at: 5, unit: 1, range: "±1 MiB" },
} as const;
export type Reach = keyof typeof REACH;

/** The bits that put a displacement of `distance` bytes into the field of `kind`. */
export function displacement(kind: Reach, distance: number, mnemonic: string): number {
  const { bits, at, unit, range } = REACH[kind];
  if (distance % unit !== 0) throw new Reject(`a branch target ${distance} bytes away is not on an instruction: A64 instructions are 4-byte aligned`);
  const n = distance / unit;
  if (!fitsSigned(n, bits)) {
    const far = kind === "imm26" ? "jump through a register (adr or mov the address into x16, then br x16)" : kind === "adr" ? "use adrp and add, or mov the address" : `branch over a b with the opposite test, which reaches ±128 MiB`;
    throw new Reject(`the target is ${distance} bytes away, out of ${mnemonic}'s reach: ${range} (${bits} bits signed${unit === 4 ? ", in instructions" : ""}); ${far}`);
  }
  const field = signedField(n, bits);
  if (kind === "adr") return (((field & 3) << 29) | ((field >> 2) << 5)) >>> 0;
  return (field << at) >>> 0;
}
// #endregion reach

// #region branch-words
/** The word of each branch with a zero displacement: displacement() fills it in. */
export const branchBase = {
  b: (): number => 0x14000000,
  bl: (): number => 0x94000000,
  bcond: (cond: Condition): number => 0x54000000 | CONDITIONS[cond],
  cbz: (op: "cbz" | "cbnz", rt: Reg): number =>
    ((rt.size === 64 ? 1 << 31 : 0) | (op === "cbz" ? 0x34000000 : 0x35000000) | regField(rt, "zr", "register to test")) >>> 0,
  tbz: (op: "tbz" | "tbnz", rt: Reg, bit: number): number => {
    if (!Number.isInteger(bit) || bit < 0 || bit >= rt.size) {
      throw new Reject(`bit ${bit} is not in ${rt.name}: a ${rt.size}-bit register has bits 0 to ${rt.size - 1}${rt.size === 32 ? " (test the x register for bits 32 to 63)" : ""}`);
    }
    return (((bit >> 5) << 31) | (op === "tbz" ? 0x36000000 : 0x37000000) | ((bit & 31) << 19) | regField(rt, "zr", "register to test")) >>> 0;
  },
  adr: (rd: Reg): number => {
    if (rd.size !== 64) throw new Reject(`adr makes a 64-bit address: write x${rd.id === 31 ? "zr" : rd.id}, not ${rd.name}`);
    return (0x10000000 | regField(rd, "zr", "destination")) >>> 0;
  },
};
// #endregion branch-words

/** br, blr, ret: jump to the address in a 64-bit register (ret defaults to x30, the link register). */
export function branchRegister(op: "br" | "blr" | "ret", rn: Reg): number {
  if (rn.size !== 64) throw new Reject(`${op} jumps to a 64-bit address: write x${rn.id === 31 ? "zr" : rn.id}, not ${rn.name}`);
  const base = { br: 0xd61f0000, blr: 0xd63f0000, ret: 0xd65f0000 }[op];
  return (base | (regField(rn, "zr", "target") << 5)) >>> 0;
}
