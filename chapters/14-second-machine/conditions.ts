// The sixteen condition codes of b.cond, csel and friends: four bits that test the flags N, Z, C
// and V. Codes come in pairs, and flipping the low bit negates the test (al and nv both mean always).

// #region conditions
export const CONDITIONS = {
  eq: 0x0, ne: 0x1, //             equal (Z set), not equal
  hs: 0x2, cs: 0x2, lo: 0x3, cc: 0x3, // unsigned >= (carry set), unsigned <
  mi: 0x4, pl: 0x5, //             negative, positive or zero
  vs: 0x6, vc: 0x7, //             overflow, no overflow
  hi: 0x8, ls: 0x9, //             unsigned >, unsigned <=
  ge: 0xa, lt: 0xb, //             signed >=, signed <
  gt: 0xc, le: 0xd, //             signed >, signed <=
  al: 0xe, nv: 0xf, //             always (both)
} as const;
// #endregion conditions

export type Condition = keyof typeof CONDITIONS;

export const CONDITION_NAMES = Object.keys(CONDITIONS) as Condition[];

export function isCondition(name: string): name is Condition {
  return Object.hasOwn(CONDITIONS, name);
}

/** The condition that holds exactly when `c` does not (for eq..le): the code with its low bit flipped. */
export function invert(c: Condition): Condition {
  const code = CONDITIONS[c] ^ 1;
  return CONDITION_NAMES.find((n) => CONDITIONS[n] === code)!;
}
