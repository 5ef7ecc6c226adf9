// The sixteen condition codes of jcc, setcc and cmovcc, and the other names each one goes by.
// The code is added to the opcode: je is 74 (70+4), sete is 0F 94, cmove is 0F 44.

// #region conditions
export const CONDITIONS = {
  o: 0x0, no: 0x1,
  b: 0x2, c: 0x2, nae: 0x2, //    below (unsigned <), carry
  ae: 0x3, nb: 0x3, nc: 0x3, //   above or equal (unsigned >=)
  e: 0x4, z: 0x4, //              equal, zero
  ne: 0x5, nz: 0x5,
  be: 0x6, na: 0x6, //            below or equal (unsigned <=)
  a: 0x7, nbe: 0x7, //            above (unsigned >)
  s: 0x8, ns: 0x9, //             sign
  p: 0xa, pe: 0xa, np: 0xb, po: 0xb, // parity
  l: 0xc, nge: 0xc, //            less (signed <)
  ge: 0xd, nl: 0xd,
  le: 0xe, ng: 0xe,
  g: 0xf, nle: 0xf, //            greater (signed >)
} as const;
// #endregion conditions

export type Condition = keyof typeof CONDITIONS;

export const CONDITION_NAMES = Object.keys(CONDITIONS) as Condition[];

export function isCondition(name: string): name is Condition {
  return Object.hasOwn(CONDITIONS, name);
}

/** The condition that holds exactly when `c` does not: the code with its low bit flipped. */
export function negate(c: Condition): Condition {
  const code = CONDITIONS[c] ^ 1;
  return CONDITION_NAMES.find((n) => CONDITIONS[n] === code)!;
}
