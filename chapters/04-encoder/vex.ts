// The VEX prefix replaces REX, the SSE prefix (66/F3/F2) and the 0F escape with two or three bytes,
// and adds a third register operand (vvvv). Its register bits are stored inverted.
import type { Vex } from "./forms.ts";

// #region vex
/**
 * The VEX prefix bytes. `r`, `x` and `b` are bit 3 of the ModRM.reg, SIB.index and base/rm
 * registers (as REX would carry them); `vvvv` is the extra source register (0 when unused).
 *
 *   C5  R vvvv L pp               (two bytes: only when X, B and W are 0 and the map is 0F)
 *   C4  R X B mmmmm   W vvvv L pp (three bytes)
 */
export function vexPrefix(v: Vex, r: number, x: number, b: number, vvvv: number): number[] {
  const tail = ((~vvvv & 0b1111) << 3) | (v.l << 2) | v.pp;
  const notR = (~r & 1) << 7;
  if (x === 0 && b === 0 && v.w === 0 && v.map === 1) return [0xc5, notR | tail];
  return [0xc4, notR | ((~x & 1) << 6) | ((~b & 1) << 5) | v.map, (v.w << 7) | tail];
}
// #endregion vex
