// Every form the chapter 4 encoder supports, as data: the GNU as text of an instruction and the
// assembler call that should produce the same bytes. The text is written here from register names
// and numbers, never from the encoder's tables, so that GNU as (and not the encoder) says what the
// bytes must be.
import { Assembler } from "../../chapters/04-encoder/assembler.ts";
import { CONDITIONS, type Condition } from "../../chapters/04-encoder/conditions.ts";
import { byte, disp32 as disp32Of, dword, mem, qword, word, xmmword, ymmword, type Address, type Mem, type Num } from "../../chapters/04-encoder/operands.ts";
import { registerNamed, rip, type Gpr, type Reg } from "../../chapters/04-encoder/registers.ts";

export interface X86Form {
  /** Which part of the sweep the form belongs to, for the summary. */
  readonly group: string;
  /** The instruction as GNU as reads it (`.intel_syntax noprefix`). */
  readonly text: string;
  /** The assembler call. */
  readonly emit: (a: Assembler) => unknown;
  /** What the listing shows, when it is not `text` (branches show their target offset). */
  readonly listing?: string;
  /** The offset to encode at: a backward branch needs code before it. */
  readonly origin?: number;
}

// #region names
// Spelled out here rather than taken from the encoder's tables.
const GPR_NAMES = {
  64: ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"],
  32: ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"],
  16: ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"],
  8: ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"],
} as const;
type Size = 8 | 16 | 32 | 64;
const SIZES: readonly Size[] = [8, 16, 32, 64];
const LEGACY8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"] as const;
const HIGH8 = ["ah", "ch", "dh", "bh"] as const;
const XMM = Array.from({ length: 16 }, (_, i) => `xmm${i}`);
const YMM = Array.from({ length: 16 }, (_, i) => `ymm${i}`);
// #endregion names

function reg<T extends Reg = Gpr>(name: string): T {
  const r = registerNamed(name);
  if (!r) throw new RangeError(`x86-forms: the encoder has no register named ${name}; registerNamed() must know every register`);
  return r as T;
}
const gprs = (size: Size) => GPR_NAMES[size];
/** Each register paired with a different one, so every register appears in both positions. */
const rotated = <T>(list: readonly T[], by: number) => list.map((x, i) => [x, list[(i + by) % list.length]!] as const);
const pairs = <T, U>(a: readonly T[], b: readonly U[]) => a.flatMap((x) => b.map((y) => [x, y] as const));

/** Numbers as the listing prints them: decimal below 0x10000, hex above. */
export function num(v: Num): string {
  const b = BigInt(v);
  const abs = b < 0n ? -b : b;
  return (b < 0n ? "-" : "") + (abs < 0x10000n ? abs.toString() : `0x${abs.toString(16)}`);
}

// #region addresses
interface AddressSpec {
  readonly base: string | null; // a register name, "rip", or null
  readonly index: string | null;
  readonly scale: 1 | 2 | 4 | 8;
  readonly disp: number;
}

const PTR = { 8: "byte", 16: "word", 32: "dword", 64: "qword", 128: "xmmword", 256: "ymmword" } as const;
const HELPERS = { 0: mem, 8: byte, 16: word, 32: dword, 64: qword, 128: xmmword, 256: ymmword } as const;
type MemSize = keyof typeof HELPERS;

/** An address as text and as an operand: `m(64, spec)` is `qword ptr [...]` and `qword(...)`. */
function m(size: MemSize, s: AddressSpec): { text: string; op: Mem } {
  // GNU reads [rcx*1+16] as an index; [rcx+16] would be a base, so a lone index keeps its *1.
  const index = s.index && (s.base && s.scale === 1 ? s.index : `${s.index}*${s.scale}`);
  const parts = [s.base, index].filter(Boolean);
  let inner = parts.join("+");
  if (s.disp !== 0 || parts.length === 0) inner += s.disp < 0 || parts.length === 0 ? num(s.disp) : `+${num(s.disp)}`;
  const text = `${size ? `${PTR[size]} ptr ` : ""}[${inner}]`;
  const args: Address = s.base === "rip" ? [rip, s.disp]
    : s.index ? [s.base ? reg<Gpr<64>>(s.base) : null, reg<Gpr<64>>(s.index), s.scale, s.disp]
    : s.base ? [reg<Gpr<64>>(s.base), s.disp] : [s.disp];
  return { text, op: HELPERS[size](...args) };
}

const A = (base: string | null, index: string | null = null, scale: 1 | 2 | 4 | 8 = 1, disp = 0): AddressSpec => ({ base, index, scale, disp });

/** The addressing special cases, for instructions other than lea (which gets the full sweep). */
export const SAMPLE_ADDRESSES: readonly AddressSpec[] = [
  A("rax"), A("rbx"), A("rsp"), A("rbp"), A("r8"), A("r12"), A("r13"), A("r15"),
  A("rax", null, 1, 127), A("rsi", null, 1, -128), A("rdi", null, 1, 128), A("r11", null, 1, -129),
  A("rbx", null, 1, 0x7fffffff), A("rcx", null, 1, -0x80000000), A("r13", null, 1, 8),
  A("rbx", "rcx"), A("rbp", "r12", 8, 127), A("r13", "rbp", 2), A("rsp", "r9", 4, -8), A("r12", "r15", 8, 0x12345678),
  A(null, "rcx", 8, 16), A(null, "r14", 1, -0x80000000), A(null, null, 1, 0x1000), A("rip", null, 1, 64), A("rip", null, 1, -0x80000000),
];

/** Displacement classes and their edges: none, disp8, disp32. */
const DISPLACEMENTS = [0, 1, -1, 127, -128, 128, -129, 0x7fffffff, -0x80000000];
// #endregion addresses

/** Immediates at the edges of each encoding (imm8 sign-extended, full width, signed and unsigned). */
const IMMEDIATES: Record<Size, readonly Num[]> = {
  8: [0, 1, 127, -128, 128, 255, -1],
  16: [0, 1, 127, -128, 128, -129, 0x7fff, -0x8000, 0xffff, -1],
  32: [0, 1, 127, -128, 128, -129, 0x7fffffff, -0x80000000, 0x80000000, 0xffffffff, -1],
  64: [0, 1, 127, -128, 128, -129, 0x7fffffff, -0x80000000, -1],
};
const MOV64_IMMEDIATES: readonly Num[] = [0, -1, 0x7fffffff, -0x80000000, 0x80000000, 0xffffffff, 0x100000000, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 0x1122334455667788n];

// Methods by name, so that one loop can cover a family.
const call = (a: Assembler, name: string, ...ops: unknown[]) => (a as unknown as Record<string, (...x: unknown[]) => unknown>)[name]!(...ops);

export function x86Forms(): X86Form[] {
  const forms: X86Form[] = [];
  const add = (group: string, text: string, emit: (a: Assembler) => unknown, extra: Partial<X86Form> = {}) =>
    forms.push({ group, text, emit, ...extra });
  const op = (group: string, name: string, ops: readonly { text: string; op: unknown }[]) =>
    add(group, ops.length ? `${name} ${ops.map((o) => o.text).join(", ")}` : name, (a) => call(a, name, ...ops.map((o) => o.op)));
  const R = (name: string) => ({ text: name, op: reg(name) });
  const I = (v: Num) => ({ text: num(v), op: v });

  // Register pairs of one size: all 16 x 16, plus the legacy high bytes among themselves.
  const isHigh = (r: string) => (HIGH8 as readonly string[]).includes(r);
  const highPairs = pairs(LEGACY8, LEGACY8).filter(([x, y]) => isHigh(x) || isHigh(y));
  const regPairs = (size: Size): (readonly [string, string])[] => [...pairs(gprs(size), gprs(size)), ...(size === 8 ? highPairs : [])];
  const regsOf = (size: Size): readonly string[] => (size === 8 ? [...gprs(8), ...HIGH8] : gprs(size));

  // #region sweep-alu
  // add and mov get every register pair and every register with every edge immediate; the other
  // ALU ops share add's encoding scheme, so for them every register appears in both positions
  // (rotated pairs) and the immediates go to a few registers, the accumulator among them.
  for (const name of ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "mov", "test"]) {
    const g = name === "mov" || name === "test" ? name : "alu";
    const full = name === "add" || name === "mov";
    for (const size of SIZES) {
      const regPairsOf = full ? regPairs(size) : [...[0, 1, 6, 11].flatMap((by) => rotated(gprs(size), by)), ...(size === 8 ? highPairs : [])];
      for (const [x, y] of regPairsOf) op(g, name, [R(x), R(y)]);
      const imms = name === "mov" && size === 64 ? MOV64_IMMEDIATES : IMMEDIATES[size];
      const immRegs = full ? regsOf(size) : regsOf(size).filter((_, i) => [0, 1, 4, 8, 13, 16].includes(i));
      for (const r of immRegs) for (const v of imms) op(g, name, [R(r), I(v)]);
      for (const [i, s] of SAMPLE_ADDRESSES.entries()) {
        const r = R(regsOf(size)[i % 16]!);
        op(g, name, [m(size, s), r]);
        op(g, name, [r, m(size, s)]);
        if (i % 5 === 0) op(g, name, [r, m(0, s)]); // an unsized address takes the register's size
        for (const v of [-1, IMMEDIATES[size].at(-3)!]) op(g, name, [m(size, s), I(v)]);
      }
    }
  }
  // #endregion sweep-alu
  for (const [r, v] of pairs(gprs(64), MOV64_IMMEDIATES)) op("mov", "movabs", [R(r), I(v)]);

  // #region sweep-lea
  // Every base (and none, and rip) x every index (and none) x every scale x every displacement class.
  const bases: (string | null)[] = [...gprs(64), null];
  for (const [k, base] of bases.entries()) {
    for (const index of [null, ...gprs(64).filter((r) => r !== "rsp")]) {
      for (const scale of index ? ([1, 2, 4, 8] as const) : ([1] as const)) {
        for (const disp of DISPLACEMENTS) {
          const dst = gprs(64)[(k + disp) & 15]!; // the destination moves too, for REX.R
          op("lea", "lea", [R(dst), m(0, A(base, index, scale, disp))]);
        }
      }
    }
  }
  for (const disp of DISPLACEMENTS) op("lea", "lea", [R("rax"), m(0, A("rip", null, 1, disp))]);
  for (const [i, s] of SAMPLE_ADDRESSES.entries()) for (const size of [16, 32] as const) op("lea", "lea", [R(gprs(size)[i % 16]!), m(0, s)]);
  // #endregion sweep-lea

  // movzx/movsx: every destination with every source; movsxd likewise.
  const widen = [[16, 8], [32, 8], [64, 8], [32, 16], [64, 16]] as const;
  for (const name of ["movzx", "movsx"]) {
    for (const [d, s] of widen) {
      for (const [x, y] of pairs(gprs(d), gprs(s))) op("movzx/movsx", name, [R(x), R(y)]);
      if (s === 8 && d !== 64) for (const [x, y] of pairs(gprs(d).slice(0, 8), HIGH8)) op("movzx/movsx", name, [R(x), R(y)]);
      for (const [i, a] of SAMPLE_ADDRESSES.entries()) op("movzx/movsx", name, [R(gprs(d)[i % 16]!), m(s, a)]);
    }
  }
  // The forms whose source is as wide as a 16- or 32-bit destination (movsx r64, r32 is movsxd's
  // opcode too), in a group of their own so that the golden file samples them.
  const wideSources = [["movzx", 16, 16], ["movsx", 16, 16], ["movsx", 32, 32], ["movsx", 64, 32]] as const;
  for (const [name, d, s] of wideSources) {
    for (const [x, y] of pairs(gprs(d), gprs(s))) op("movzx/movsx wide source", name, [R(x), R(y)]);
    for (const [i, a] of SAMPLE_ADDRESSES.entries()) op("movzx/movsx wide source", name, [R(gprs(d)[i % 16]!), m(s, a)]);
  }
  for (const [x, y] of pairs(gprs(64), gprs(32))) op("movzx/movsx", "movsxd", [R(x), R(y)]);
  for (const [i, a] of SAMPLE_ADDRESSES.entries()) op("movzx/movsx", "movsxd", [R(gprs(64)[i % 16]!), m(32, a)]);

  // #region sweep-unary
  for (const name of ["inc", "dec", "not", "neg", "mul", "imul", "div", "idiv"]) {
    for (const size of SIZES) {
      for (const r of regsOf(size)) op("unary", name, [R(r)]);
      for (const a of SAMPLE_ADDRESSES) op("unary", name, [m(size, a)]);
    }
  }
  // #endregion sweep-unary

  for (const size of [16, 32, 64] as const) {
    for (const [x, y] of regPairs(size)) op("imul", "imul", [R(x), R(y)]);
    for (const [i, a] of SAMPLE_ADDRESSES.entries()) op("imul", "imul", [R(gprs(size)[i % 16]!), m(size, a)]);
    const imms = IMMEDIATES[size].filter((v) => size !== 32 || (typeof v === "number" && v < 0x80000000));
    for (const [k, [x, y]] of rotated(gprs(size), 5).entries()) {
      for (const v of imms) op("imul", "imul", [R(x), R(y), I(v)]);
      op("imul", "imul", [R(x), m(size, SAMPLE_ADDRESSES[k]!), I(imms[k % imms.length]!)]);
      // GNU's two-operand shorthand imul r, imm means imul r, r, imm; the listing says so.
      add("imul", `imul ${x}, ${num(1000)}`, (a) => a.imul(reg(x), 1000), { listing: `imul ${x}, ${x}, ${num(1000)}` });
    }
  }

  // #region sweep-shifts
  for (const name of ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"]) {
    for (const size of SIZES) {
      for (const r of regsOf(size)) for (const count of [R("cl"), I(1), I(0), I(5), I(255)]) op("shifts", name, [R(r), count]);
      for (const a of SAMPLE_ADDRESSES.slice(0, 12)) for (const count of [R("cl"), I(1), I(31)]) op("shifts", name, [m(size, a), count]);
    }
  }
  // #endregion sweep-shifts

  for (const name of ["cbw", "cwde", "cdqe", "cwd", "cdq", "cqo", "leave", "int3", "ud2", "cpuid", "ret", "vzeroupper"]) op("misc", name, []);
  for (const v of [0, 8, 0x7fff, 0xffff, -1]) op("misc", "ret", [I(v)]);
  for (const [n, text] of [[1, "nop"], [2, "data16 nop"], [3, "nop dword ptr [rax]"], [4, "{disp8} nop dword ptr [rax]"],
    [5, "{disp8} nop dword ptr [rax+rax*1]"], [6, "{disp8} nop word ptr [rax+rax*1]"], [7, "{disp32} nop dword ptr [rax]"],
    [8, "{disp32} nop dword ptr [rax+rax*1]"], [9, "{disp32} nop word ptr [rax+rax*1]"]] as const) {
    add("misc", text, (a) => a.nop(n));
  }

  // #region sweep-stack
  for (const name of ["push", "pop"]) {
    for (const size of [16, 64] as const) {
      for (const r of gprs(size)) op("push/pop", name, [R(r)]);
      for (const a of SAMPLE_ADDRESSES) op("push/pop", name, [m(size, a)]);
    }
  }
  for (const v of [0, 1, 127, -128, 128, -129, 0x7fffffff, -0x80000000, -1]) op("push/pop", "push", [I(v)]);
  for (const name of ["call", "jmp"]) {
    for (const r of gprs(64)) op("call/jmp", name, [R(r)]);
    for (const a of SAMPLE_ADDRESSES) op("call/jmp", name, [m(64, a)]);
  }
  // #endregion sweep-stack

  // #region sweep-branches
  // Targets relative to the branch's own start (GNU's `.`); encoded at offset 0x200 so backward
  // targets exist. Forward targets take rel32 (GNU would shorten them, so {disp32} says not to).
  const ORIGIN = 0x200;
  const branch = (name: string, rel: number, emit: (a: Assembler, target: number) => unknown, forceNear: boolean) =>
    add("branches", `${forceNear ? "{disp32} " : ""}${name} .${rel < 0 ? "-" : "+"}${Math.abs(rel)}`, (a) => emit(a, ORIGIN + rel), {
      origin: ORIGIN,
      listing: `${name} 0x${(ORIGIN + rel).toString(16)}`,
    });
  const jumps: [string, (a: Assembler, target: number, width?: "short" | "near") => unknown][] = [
    ["jmp", (a, t, w) => a.jmp(t, w)],
    ...Object.keys(CONDITIONS).map((c): [string, (a: Assembler, t: number, w?: "short" | "near") => unknown] => [`j${c}`, (a, t, w) => a.jcc(c as Condition, t, w)]),
  ];
  for (const [name, emit] of jumps) {
    for (const rel of [0, -1, -126]) branch(name, rel, (a, t) => emit(a, t), false); //  rel8 reaches
    for (const rel of [-127, -0x200]) branch(name, rel, (a, t) => emit(a, t), false); // rel32
    for (const rel of [2, 129, 0x1000]) branch(name, rel, (a, t) => emit(a, t), true); // forward: rel32
    branch(name, -2, (a, t) => emit(a, t, "near"), true);
    for (const rel of [2, 129]) branch(name, rel, (a, t) => emit(a, t, "short"), false);
  }
  for (const rel of [0, 5, -0x200, 0x10000]) branch("call", rel, (a, t) => a.call(t), false);
  // Named condition methods: a.jne(t) is a.jcc("ne", t), a.setz(r) is a.setcc("z", r), ...
  for (const c of Object.keys(CONDITIONS)) branch(`j${c}`, -10, (a, t) => call(a, `j${c}`, t), false);
  // #endregion sweep-branches

  // #region sweep-cc
  for (const c of Object.keys(CONDITIONS)) {
    for (const r of regsOf(8)) op("setcc/cmovcc", `set${c}`, [R(r)]);
    for (const a of SAMPLE_ADDRESSES.slice(0, 6)) op("setcc/cmovcc", `set${c}`, [m(8, a)]);
    for (const size of [16, 32, 64] as const) {
      for (const [x, y] of rotated(gprs(size), 3 + size / 16)) op("setcc/cmovcc", `cmov${c}`, [R(x), R(y)]);
      op("setcc/cmovcc", `cmov${c}`, [R(gprs(size)[9]!), m(size, SAMPLE_ADDRESSES[CONDITIONS[c as Condition] + 5]!)]);
    }
    add("setcc/cmovcc", `set${c} al`, (a) => a.setcc(c as Condition, reg("al")));
    add("setcc/cmovcc", `cmov${c} r8, rdx`, (a) => a.cmovcc(c as Condition, reg("r8"), reg("rdx")));
  }
  // #endregion sweep-cc

  for (const size of SIZES) {
    for (const [x, y] of regPairs(size)) op("xchg", "xchg", [R(x), R(y)]);
    for (const [i, a] of SAMPLE_ADDRESSES.entries()) {
      op("xchg", "xchg", [R(regsOf(size)[i % 16]!), m(size, a)]);
      op("xchg", "xchg", [m(size, a), R(regsOf(size)[(i + 7) % 16]!)]);
    }
  }

  for (const name of ["bsf", "bsr", "tzcnt", "lzcnt", "popcnt"]) {
    for (const size of [16, 32, 64] as const) {
      for (const by of [0, 1, 9]) for (const [x, y] of rotated(gprs(size), by)) op("bit scans", name, [R(x), R(y)]);
      for (const [i, a] of SAMPLE_ADDRESSES.entries()) op("bit scans", name, [R(gprs(size)[i % 16]!), m(size, a)]);
    }
  }

  // #region sweep-simd
  for (const name of ["movdqu", "movdqa", "pxor", "pcmpeqb"]) {
    for (const [x, y] of pairs(XMM, XMM)) op("sse", name, [R(x), R(y)]);
    for (const [i, a] of SAMPLE_ADDRESSES.entries()) {
      op("sse", name, [R(XMM[i % 16]!), m(128, a)]);
      if (name.startsWith("mov")) op("sse", name, [m(128, a), R(XMM[(i + 3) % 16]!)]);
    }
  }
  for (const [name, size] of [["movd", 32], ["movq", 64]] as const) {
    for (const [x, g] of pairs(XMM, gprs(size))) {
      op("sse", name, [R(x), R(g)]);
      op("sse", name, [R(g), R(x)]);
    }
    for (const [i, a] of SAMPLE_ADDRESSES.entries()) {
      op("sse", name, [R(XMM[i % 16]!), m(size, a)]);
      op("sse", name, [m(size, a), R(XMM[(i + 5) % 16]!)]);
    }
  }
  for (const [x, y] of pairs(XMM, XMM)) op("sse", "movq", [R(x), R(y)]);
  for (const [g, x] of [...pairs(gprs(32), XMM), ...pairs(gprs(64), XMM)]) op("sse", "pmovmskb", [R(g), R(x)]);

  for (const [vecs, size] of [[XMM, 128], [YMM, 256]] as const) {
    for (const [x, y] of pairs(vecs, vecs)) op("avx", "vmovdqu", [R(x), R(y)]);
    for (const [i, a] of SAMPLE_ADDRESSES.entries()) {
      op("avx", "vmovdqu", [R(vecs[i % 16]!), m(size, a)]);
      op("avx", "vmovdqu", [m(size, a), R(vecs[(i + 9) % 16]!)]);
    }
    for (const name of ["vpxor", "vpcmpeqb"]) {
      for (const [x, y] of pairs(vecs, vecs)) op("avx", name, [R(x), R(y), R(vecs[(vecs.indexOf(x) * 7 + vecs.indexOf(y)) % 16]!)]);
      for (const [i, a] of SAMPLE_ADDRESSES.entries()) op("avx", name, [R(vecs[i % 16]!), R(vecs[(i * 5 + 3) % 16]!), m(size, a)]);
    }
    for (const [g, x] of [...pairs(gprs(32), vecs), ...pairs(gprs(64), vecs)]) op("avx", "vpmovmskb", [R(g), R(x)]);
    for (const [x, y] of pairs(vecs, XMM)) op("avx", "vpbroadcastb", [R(x), R(y)]);
    for (const [i, a] of SAMPLE_ADDRESSES.entries()) op("avx", "vpbroadcastb", [R(vecs[i % 16]!), m(8, a)]);
  }
  // #endregion sweep-simd

  // Per-instruction overrides GNU can express: {disp32} forces a 32-bit displacement.
  for (const [i, a] of SAMPLE_ADDRESSES.entries()) {
    const { text, op: operand } = m(64, a);
    // (GNU turns `{disp32} mov rax, [abs]` into movabs with a 64-bit address; skip that one.)
    if (a.base || a.index) add("overrides", `{disp32} mov rax, ${text}`, (asm) => asm.mov(reg("rax"), disp32Of(operand)));
    add("overrides", `{disp32} add ${text}, ${i}`, (asm) => asm.add(disp32Of(operand), i));
  }
  return forms;
}

/** Encode one form on its own; returns its bytes and listing text. */
export function encodeForm(form: X86Form): { bytes: Uint8Array; listing: string } {
  const a = new Assembler();
  if (form.origin) a.db(...new Array<number>(form.origin).fill(0xcc));
  const start = a.offset;
  form.emit(a);
  const lines = a.listing.filter((l) => l.offset >= start);
  return { bytes: a.bytes().slice(start), listing: lines.map((l) => l.text).join("; ") };
}
