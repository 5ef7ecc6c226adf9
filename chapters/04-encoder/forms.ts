// The instruction table is written in the notation of Intel's manual (the SDM): an operand list
// like "r/m64, imm8" and an encoding like "MI REX.W 83 /0 ib". This module turns those strings
// into data the encoder can match against and follow.
import { TableError } from "./errors.ts";
import type { GprSize } from "./registers.ts";
import type { MemSize, Operand } from "./operands.ts";

// #region pattern
/** One operand slot of a form: "r64", "r/m32", "m", "xmm/m128", "imm8", "AL", "CL", "1". */
export interface Pattern {
  readonly text: string;
  /** The register class accepted, if any: a GPR size, or "xmm" / "ymm". */
  readonly reg: GprSize | "xmm" | "ymm" | null;
  /** Only this register number (AL/AX/EAX/RAX are 0, CL is 1): an implicit operand. */
  readonly fixed: number | null;
  /** The memory size accepted, 0 for any size (lea's "m"), null for no memory. */
  readonly mem: MemSize | null;
  /** The width in bits of the immediate field, or null. */
  readonly imm: number | null;
  /** The literal 1 of the shift-by-one forms: an implicit operand. */
  readonly one: boolean;
}
// #endregion pattern

/** VEX.L.pp.mmmmm.W: vector length, implied SSE prefix, opcode map, and W. */
export interface Vex {
  readonly l: 0 | 1;
  readonly pp: 0 | 1 | 2 | 3;
  readonly map: 1 | 2 | 3;
  readonly w: 0 | 1;
}

// #region form
export interface Form {
  readonly mnemonic: string;
  /** The SDM spelling, for messages and the book: "add r/m64, imm8" and "MI REX.W 83 /0 ib". */
  readonly syntax: string;
  readonly encoding: string;
  readonly operands: readonly Pattern[];
  /** Legacy prefixes, in order: the 66 operand-size prefix, or a mandatory 66/F2/F3. */
  readonly prefixes: readonly number[];
  readonly rexW: boolean;
  readonly vex: Vex | null;
  readonly opcode: readonly number[];
  /** "+r": a register number is added to the last opcode byte; "+cc": a condition code is. */
  readonly opcodeAdd: "r" | "cc" | null;
  /** "/r": ModRM.reg holds a register operand; 0..7: ModRM.reg holds that opcode extension. */
  readonly modrm: "r" | number | null;
  readonly immBytes: 0 | 1 | 2 | 4 | 8;
  /** The size of the value the immediate stands for; a narrower field is sign-extended to it. */
  readonly immBits: number;
  /** Which operand (by index, -1 for none) goes into ModRM.reg, ModRM.rm, VEX.vvvv, the opcode, the immediate. */
  readonly roles: { readonly reg: number; readonly rm: number; readonly vvvv: number; readonly opcodeReg: number; readonly imm: number };
  /** A last word on whether the operands may use this form (xchg eax, eax must not become nop). */
  readonly accepts: ((ops: readonly Operand[]) => boolean) | null;
}
// #endregion form

export interface FormOptions {
  /** The size the immediate is sign-extended to when no operand says it (push: 64; a shift count: 8). */
  readonly immBits?: number;
  readonly accepts?: (ops: readonly Operand[]) => boolean;
}

const GPR_SIZES: Record<string, GprSize> = { r8: 8, r16: 16, r32: 32, r64: 64 };
const FIXED: Record<string, [GprSize, number]> = { AL: [8, 0], CL: [8, 1], AX: [16, 0], EAX: [32, 0], RAX: [64, 0] };
const MEM_SIZES: Record<string, MemSize> = { m: 0, m8: 8, m16: 16, m32: 32, m64: 64, m128: 128, m256: 256 };

// The table spells the same few dozen operand patterns again and again: each is parsed once.
const PATTERNS = new Map<string, Pattern>();

export function parsePattern(text: string): Pattern {
  let p = PATTERNS.get(text);
  if (!p) PATTERNS.set(text, (p = parsePatternText(text)));
  return p;
}

function parsePatternText(text: string): Pattern {
  const none: Pattern = { text, reg: null, fixed: null, mem: null, imm: null, one: false };
  if (text === "1") return { ...none, one: true };
  const fixed = FIXED[text];
  if (fixed) return { ...none, reg: fixed[0], fixed: fixed[1] };
  const imm = /^imm(8|16|32|64)$/.exec(text);
  if (imm) return { ...none, imm: Number(imm[1]) };
  const rm = /^r\/m(8|16|32|64)$/.exec(text);
  if (rm) return { ...none, reg: Number(rm[1]) as GprSize, mem: Number(rm[1]) as MemSize };
  const [regText = "", memText] = text.split("/");
  const reg: Pattern["reg"] = regText === "xmm" || regText === "ymm" ? regText : (GPR_SIZES[regText] ?? null);
  const mem = MEM_SIZES[memText ?? (reg === null ? regText : "")] ?? null;
  if ((reg === null && mem === null) || (memText !== undefined && mem === null)) {
    throw new TableError(`instruction table: unknown operand pattern "${text}" (known: r8..r64, r/m8..r/m64, m, m8..m256, xmm, ymm, xmm/m.., imm8..imm64, AL, AX, EAX, RAX, CL, 1)`);
  }
  return { ...none, reg, mem };
}

const BYTES: Record<string, 1 | 2 | 4 | 8> = { ib: 1, iw: 2, id: 4, io: 8 };
const PP: Record<string, 0 | 1 | 2 | 3> = { "": 0, "66": 1, F3: 2, F2: 3 };
const MAPS: Record<string, 1 | 2 | 3> = { "0F": 1, "0F38": 2, "0F3A": 3 };

// #region parse-form
/** Parse one table row: `parseForm("add", "r/m64, imm8", "MI REX.W 83 /0 ib")`. */
export function parseForm(mnemonic: string, operandText: string, encoding: string, options: FormOptions = {}): Form {
  const syntax = operandText ? `${mnemonic} ${operandText}` : mnemonic;
  const bad = (why: string) => new TableError(`instruction table: "${syntax}" / "${encoding}": ${why}`);
  const operands = operandText ? operandText.split(/\s*,\s*/).map(parsePattern) : [];
  const [opEn = "", ...tokens] = encoding.trim().split(/\s+/);

  const prefixes: number[] = [], opcode: number[] = [];
  let rexW = false, vex: Vex | null = null, opcodeAdd: Form["opcodeAdd"] = null;
  let modrm: Form["modrm"] = null, immBytes: Form["immBytes"] = 0;
  for (const t of tokens) {
    const hex = /^([0-9A-F]{2})(?:\+(r|cc))?$/.exec(t);
    const v = /^VEX\.(128|256)\.(?:(66|F3|F2)\.)?(0F|0F38|0F3A)\.(W0|W1|WIG)$/.exec(t);
    const legacy = ["66", "F2", "F3"].includes(t) && opcode.length === 0;
    if (legacy && rexW) throw bad("legacy prefixes (66, F2, F3) come before REX.W");
    if (legacy) prefixes.push(parseInt(t, 16));
    else if (hex) [opcode[opcode.length], opcodeAdd] = [parseInt(hex[1]!, 16), (hex[2] as "r" | "cc" | undefined) ?? null];
    else if (t === "REX.W") rexW = true;
    else if (v) vex = { l: v[1] === "256" ? 1 : 0, pp: PP[v[2] ?? ""]!, map: MAPS[v[3]!]!, w: v[4] === "W1" ? 1 : 0 };
    else if (t === "/r") modrm = "r";
    else if (/^\/[0-7]$/.test(t)) modrm = Number(t[1]);
    else if (t in BYTES) immBytes = BYTES[t]!;
    else throw bad(`unknown token "${t}"`);
  }
  if (opcode.length === 0) throw bad("no opcode");

  // Op/En names the explicit operands in order: R = ModRM.reg, M = ModRM.rm, V = VEX.vvvv,
  // O = added to the opcode, I = immediate. Implicit operands (AL, CL, 1) are not named.
  const roles = { reg: -1, rm: -1, vvvv: -1, opcodeReg: -1, imm: -1 };
  const explicit = operands.flatMap((p, i) => (p.fixed === null && !p.one ? [i] : []));
  const letters = opEn === "ZO" ? [] : [...opEn.replace(/[1C]/g, "")];
  if (letters.length !== explicit.length) throw bad(`Op/En "${opEn}" does not name the ${explicit.length} explicit operands`);
  const ROLE = { R: "reg", M: "rm", V: "vvvv", O: "opcodeReg", I: "imm" } as const;
  letters.forEach((letter, k) => {
    const role = ROLE[letter as keyof typeof ROLE];
    if (!role) throw bad(`unknown Op/En letter "${letter}"`);
    roles[role] = explicit[k]!;
  });
  if ((roles.imm >= 0) !== (immBytes > 0)) throw bad("the immediate operand and the immediate bytes disagree");
  if ((roles.rm >= 0 || roles.reg >= 0) !== (modrm !== null)) throw bad("ModRM operands and /r or /digit disagree");
  if ((roles.opcodeReg >= 0) !== (opcodeAdd === "r")) throw bad("an O operand needs a +r opcode");

  const sized = operands.find((p) => typeof p.reg === "number" || (p.mem !== null && p.mem > 0));
  const immBits = options.immBits ?? (sized ? (typeof sized.reg === "number" ? sized.reg : sized.mem!) : immBytes * 8);
  return {
    mnemonic, syntax, encoding, operands, prefixes, rexW, vex, opcode, opcodeAdd, modrm, immBytes, immBits, roles,
    accepts: options.accepts ?? null,
  };
}
// #endregion parse-form
