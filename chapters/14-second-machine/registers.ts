// A64's 31 general-purpose registers, each as a 64-bit x register or its low 32 bits, a w register.
// The encoding has five bits for a register, so there is a number 31 too: in some operand positions
// it means the stack pointer (sp, wsp), in the others the zero register (xzr, wzr), which reads as 0
// and throws away what is written to it. Which one is a property of the position, never of the word.

// #region reg
/** A general-purpose register: `x0`..`x30`, `w0`..`w30`, or register 31 as `sp`/`wsp` or `xzr`/`wzr`. */
export interface Reg<S extends RegSize = RegSize> {
  readonly kind: "reg";
  readonly name: string;
  /** 64 for x registers (sf = 1 in a data-processing word), 32 for w registers (sf = 0). */
  readonly size: S;
  /** 0..31: the five bits the encoding uses. */
  readonly id: number;
  /** What register 31 is: the stack pointer or the zero register. "general" for 0..30. */
  readonly role: "general" | "sp" | "zr";
}
// #endregion reg

export type RegSize = 32 | 64;
export type X = Reg<64>;
export type W = Reg<32>;

function make<S extends RegSize>(size: S, id: number, name: string, role: Reg["role"]): Reg<S> {
  return Object.freeze({ kind: "reg", name, size, id, role });
}

const XS: readonly X[] = Array.from({ length: 31 }, (_, id) => make(64, id, `x${id}`, "general"));
const WS: readonly W[] = Array.from({ length: 31 }, (_, id) => make(32, id, `w${id}`, "general"));

export const [x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15, x16, x17, x18, x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29, x30] = XS as [X, ...X[]];
export const [w0, w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, w11, w12, w13, w14, w15, w16, w17, w18, w19, w20, w21, w22, w23, w24, w25, w26, w27, w28, w29, w30] = WS as [W, ...W[]];

export const sp: X = make(64, 31, "sp", "sp");
export const wsp: W = make(32, 31, "wsp", "sp");
export const xzr: X = make(64, 31, "xzr", "zr");
export const wzr: W = make(32, 31, "wzr", "zr");

/** The register of a size by number, for code generators: `reg(64, 9)` is x9. 31 is refused: say sp or xzr. */
export function reg<S extends RegSize>(size: S, id: number): Reg<S> {
  const r = (size === 64 ? XS : size === 32 ? WS : undefined)?.[id];
  if (!r) {
    const why = id === 31 ? "number 31 is sp or xzr depending on the operand: use those names" : "use a size of 32 or 64 and a number from 0 to 30";
    throw new RangeError(`there is no ${size}-bit register number ${id}: ${why}`);
  }
  return r as Reg<S>;
}

const BY_NAME = new Map<string, Reg>([...XS, ...WS, sp, wsp, xzr, wzr].map((r) => [r.name, r]));

/** A register by its name ("x9", "wzr", "sp"), or undefined. */
export function registerNamed(name: string): Reg | undefined {
  return BY_NAME.get(name);
}
