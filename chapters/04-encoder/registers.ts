// Registers are plain data: a name, a size and the 4-bit number the encoding uses. The low three
// bits of `id` go into ModRM, SIB or the opcode; bit 3 goes into a REX (or VEX) prefix.

export type GprSize = 8 | 16 | 32 | 64;

// #region gpr
/** A general-purpose register: `rax`, `r9d`, `sil`, `ah`, ... */
export interface Gpr<S extends GprSize = GprSize> {
  readonly kind: "gpr";
  readonly name: string;
  readonly size: S;
  /** 0..15: the register number the encoding uses (ah..bh reuse 4..7, the numbers of spl..dil). */
  readonly id: number;
  /** spl, bpl, sil and dil exist only with a REX prefix; ah, ch, dh and bh only without one. */
  readonly rex: "required" | "forbidden" | "optional";
}
// #endregion gpr

/** An SSE register (128 bits) or an AVX register (256 bits). */
export interface VecReg<K extends "xmm" | "ymm" = "xmm" | "ymm"> {
  readonly kind: K;
  readonly name: string;
  readonly size: K extends "xmm" ? 128 : 256;
  readonly id: number;
}
export type Xmm = VecReg<"xmm">;
export type Ymm = VecReg<"ymm">;

/** The instruction pointer, usable only as the base of a memory operand: `qword(rip, 16)`. */
export interface Rip {
  readonly kind: "rip";
  readonly name: "rip";
}

export type Reg = Gpr | Xmm | Ymm;

const NAMES: Record<GprSize, readonly string[]> = {
  64: ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"],
  32: ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"],
  16: ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"],
  8: ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"],
};
const SUFFIX: Record<GprSize, string> = { 64: "", 32: "d", 16: "w", 8: "b" };

function family<S extends GprSize>(size: S): readonly Gpr<S>[] {
  const regs: Gpr<S>[] = [];
  for (let id = 0; id < 16; id++) {
    const name = id < 8 ? NAMES[size][id]! : `r${id}${SUFFIX[size]}`;
    const rex = size === 8 && id >= 4 && id < 8 ? "required" : "optional";
    regs.push(Object.freeze({ kind: "gpr", name, size, id, rex }));
  }
  return regs;
}

function vectors<K extends "xmm" | "ymm">(kind: K): readonly VecReg<K>[] {
  const size = (kind === "xmm" ? 128 : 256) as VecReg<K>["size"];
  return Array.from({ length: 16 }, (_, id) => Object.freeze({ kind, name: `${kind}${id}`, size, id }));
}

const GPR: Record<GprSize, readonly Gpr[]> = { 64: family(64), 32: family(32), 16: family(16), 8: family(8) };
const XMM = vectors("xmm");
const YMM = vectors("ymm");

export const [rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15] = GPR[64] as readonly Gpr<64>[];
export const [eax, ecx, edx, ebx, esp, ebp, esi, edi, r8d, r9d, r10d, r11d, r12d, r13d, r14d, r15d] = GPR[32] as readonly Gpr<32>[];
export const [ax, cx, dx, bx, sp, bp, si, di, r8w, r9w, r10w, r11w, r12w, r13w, r14w, r15w] = GPR[16] as readonly Gpr<16>[];
export const [al, cl, dl, bl, spl, bpl, sil, dil, r8b, r9b, r10b, r11b, r12b, r13b, r14b, r15b] = GPR[8] as readonly Gpr<8>[];

const high = (name: string, id: number): Gpr<8> => Object.freeze({ kind: "gpr", name, size: 8, id, rex: "forbidden" });
/** The legacy high-byte registers: bits 8..15 of rax, rcx, rdx and rbx. */
export const ah = high("ah", 4), ch = high("ch", 5), dh = high("dh", 6), bh = high("bh", 7);

export const [xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7, xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15] = XMM;
export const [ymm0, ymm1, ymm2, ymm3, ymm4, ymm5, ymm6, ymm7, ymm8, ymm9, ymm10, ymm11, ymm12, ymm13, ymm14, ymm15] = YMM;

export const rip: Rip = Object.freeze({ kind: "rip", name: "rip" });

/** The general-purpose register of a size by number, for code generators: `gpr(64, 12)` is r12. */
export function gpr<S extends GprSize>(size: S, id: number): Gpr<S> {
  const r = GPR[size]?.[id];
  if (!r) throw new RangeError(`there is no ${size}-bit register number ${id}: use a size of 8, 16, 32 or 64 and a number from 0 to 15`);
  return r as Gpr<S>;
}

export function xmm(id: number): Xmm {
  const r = XMM[id];
  if (!r) throw new RangeError(`there is no xmm${id}: x86-64 without AVX-512 has xmm0 to xmm15`);
  return r;
}

export function ymm(id: number): Ymm {
  const r = YMM[id];
  if (!r) throw new RangeError(`there is no ymm${id}: x86-64 without AVX-512 has ymm0 to ymm15`);
  return r;
}

const BY_NAME = new Map<string, Reg>(
  [...GPR[64], ...GPR[32], ...GPR[16], ...GPR[8], ah, ch, dh, bh, ...XMM, ...YMM].map((r) => [r.name, r]),
);

/** A register by its Intel name ("rax", "r12b", "ah", "ymm3"), or undefined. */
export function registerNamed(name: string): Reg | undefined {
  return BY_NAME.get(name);
}
