// The same programs with the mistakes that broke classic JIT tutorials, plus one minimal function
// per callee-saved register that clobbers it. They compute the right answer, or at least return,
// and that is the trouble: nothing fails until much later, somewhere else. The ABI harness sees them.
import { CALLEE_SAVED, CALLER_SAVED, Frame } from "./frame.ts";
import type { Asm } from "./labels.ts";
import { PROGRAMS, emitCount, emitSum, type FrameCode, type Program } from "./programs.ts";
import { eax, gpr, r12, r13, r14, rbx, rsp } from "../04-encoder/registers.ts";

const COUNT_SAVES = [rbx, r12, r13, r14];

// #region broken-frames
/** Saves and restores the registers, but forgets the padding: each call is made with rsp 8 off. */
const unpadded: FrameCode = {
  prologue: (a) => COUNT_SAVES.forEach((r) => a.push(r)),
  epilogue: (a) => {
    [...COUNT_SAVES].reverse().forEach((r) => a.pop(r));
    a.ret();
  },
};

/**
 * Pops in the order it pushed: each register comes back holding another one's value. Made when the
 * program is emitted, not when this module loads, so that Frame is the reader's to write.
 */
function popsInPushOrder(): FrameCode {
  const frame = new Frame({ uses: COUNT_SAVES });
  return {
    prologue: (a) => frame.prologue(a),
    epilogue: (a) => {
      a.add(rsp, frame.padding);
      COUNT_SAVES.forEach((r) => a.pop(r));
      a.ret();
    },
  };
}
// #endregion broken-frames

// #region broken
export const BROKEN: readonly Program[] = [
  { name: "sum-in-r12", summary: "sums in r12 without saving it", data: "int32", emit: (a) => emitSum(a, r12) },
  { name: "count-unpadded", summary: "calls memchr with rsp 8 bytes off", data: "bytes", emit: (a, resolve) => emitCount(a, resolve, unpadded) },
  { name: "count-pops-swapped", summary: "pops its saved registers in the wrong order", data: "bytes", emit: (a, resolve) => emitCount(a, resolve, popsInPushOrder()) },
  { name: "ret-8", summary: "returns with ret 8, popping a stack slot its caller owns", data: "bytes", emit: (a) => void a.xor(eax, eax).ret(8) },
  ...CALLEE_SAVED.map((r): Program => ({
    name: `clobber-${r.name}`,
    summary: `writes ${gpr(32, r.id).name}, which also clears the upper half of ${r.name}`,
    data: "bytes",
    emit: (a) => void a.mov(gpr(32, r.id), 0x1234).xor(eax, eax).ret(),
  })),
];
// #endregion broken

/** Not broken: the ABI lets a function change every caller-saved register. No false alarms. */
export const CLOBBERS_CALLER_SAVED: Program = {
  name: "clobber-caller-saved",
  summary: "writes every caller-saved register, which is allowed",
  data: "bytes",
  emit: (a: Asm) => {
    CALLER_SAVED.forEach((r, i) => a.mov(r, 0x1111 * (i + 1)));
    a.xor(eax, eax).ret();
  },
};

/** Thrown for a program name that is not in the catalog. */
export class UnknownProgramError extends Error {
  override name = "UnknownProgramError";
}

const ALL: readonly Program[] = [...PROGRAMS, ...BROKEN, CLOBBERS_CALLER_SAVED];

/** A program of this chapter by name: "sum", "count", "sum-in-r12", "clobber-rbx", ... */
export function programNamed(name: string): Program {
  const found = ALL.find((p) => p.name === name);
  if (!found) throw new UnknownProgramError(`there is no program "${name}": choose one of ${ALL.map((p) => p.name).join(", ")}`);
  return found;
}
