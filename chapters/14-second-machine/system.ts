// The instructions that talk to the machine rather than compute: nop, the breakpoint and the system
// call, and the cache and barrier operations that make freshly written code visible to instruction
// fetch (chapter 2's sync_caches is made of them).
import { Reject } from "./errors.ts";
import { fitsUnsigned, regField } from "./fields.ts";
import type { Reg } from "./registers.ts";

// #region system
export const NOP = 0xd503201f;
/** dsb ish: wait until every earlier memory access and cache operation is done, in the inner shareable domain. */
export const DSB_ISH = 0xd5033b9f;
/** isb: discard what this core has already fetched, so that what follows is fetched anew. */
export const ISB = 0xd5033fdf;

/** brk #imm (a SIGTRAP under Linux) and svc #imm (a system call; Linux ignores the immediate). */
export function exception(op: "brk" | "svc", imm: number): number {
  if (!fitsUnsigned(imm, 16)) throw new Reject(`#${imm} does not fit ${op}'s 16-bit immediate (0 to 65535)`);
  return ((op === "brk" ? 0xd4200000 : 0xd4000001) | (imm << 5)) >>> 0;
}

/** dc cvau, xt (clean the data cache line holding the address) and ic ivau, xt (invalidate the instruction cache line). */
export function cacheMaintenance(op: "dc cvau" | "ic ivau", rt: Reg): number {
  if (rt.size !== 64) throw new Reject(`${op} takes an address: write x${rt.id === 31 ? "zr" : rt.id}, not ${rt.name}`);
  return ((op === "dc cvau" ? 0xd50b7b20 : 0xd50b7520) | regField(rt, "zr", "address")) >>> 0;
}
// #endregion system
