// The instruction table: every form the encoder knows, in the SDM's notation. A row names the
// operands ("r/m64, imm8") and the encoding ("MI REX.W 83 /0 ib": Op/En, prefixes, opcode, ModRM
// use, immediate). When several rows fit the operands, the encoder takes the shortest encoding and,
// among equally short ones, the row listed first; the order below is GNU as's preference.
import { parseForm, parsePattern, type Form, type FormOptions, type Pattern } from "./forms.ts";
import type { Operand } from "./operands.ts";

// The rows of each mnemonic as written, each parsed into a Form on first use: a process that
// assembles a few instructions should not pay for parsing the whole table when it starts, nor for
// the rows of `add` that its operands never fit.
interface Row {
  readonly operands: string;
  readonly encoding: string;
  readonly options?: FormOptions;
  patterns?: readonly Pattern[];
  form?: Form;
}
const ROWS = new Map<string, Row[]>();

function forms(mnemonic: string, rows: readonly (readonly [string, string])[], options?: FormOptions): void {
  const list = ROWS.get(mnemonic) ?? [];
  for (const [operands, encoding] of rows) list.push({ operands, encoding, options });
  ROWS.set(mnemonic, list);
}

function formOf(mnemonic: string, row: Row): Form {
  return (row.form ??= parseForm(mnemonic, row.operands, row.encoding, row.options));
}

// A row's operand patterns alone, without its encoding (the same patterns parseForm makes).
function patternsOf(row: Row): readonly Pattern[] {
  return (row.patterns ??= row.form?.operands ?? (row.operands ? row.operands.split(/\s*,\s*/).map(parsePattern) : []));
}

const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");

// #region alu
// add/or/adc/sbb/and/sub/xor/cmp share one layout: opcodes 8n+0..8n+5 and /n of 80, 81 and 83.
export const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"] as const;
ALU.forEach((name, n) => {
  const op = (k: number) => hex(8 * n + k);
  forms(name, [
    ["r/m8, r8", `MR ${op(0)} /r`],
    ["r/m16, r16", `MR 66 ${op(1)} /r`],
    ["r/m32, r32", `MR ${op(1)} /r`],
    ["r/m64, r64", `MR REX.W ${op(1)} /r`],
    ["r8, r/m8", `RM ${op(2)} /r`],
    ["r16, r/m16", `RM 66 ${op(3)} /r`],
    ["r32, r/m32", `RM ${op(3)} /r`],
    ["r64, r/m64", `RM REX.W ${op(3)} /r`],
    ["AL, imm8", `I ${op(4)} ib`],
    ["r/m8, imm8", `MI 80 /${n} ib`],
    ["r/m16, imm8", `MI 66 83 /${n} ib`],
    ["AX, imm16", `I 66 ${op(5)} iw`],
    ["r/m16, imm16", `MI 66 81 /${n} iw`],
    ["r/m32, imm8", `MI 83 /${n} ib`],
    ["EAX, imm32", `I ${op(5)} id`],
    ["r/m32, imm32", `MI 81 /${n} id`],
    ["r/m64, imm8", `MI REX.W 83 /${n} ib`],
    ["RAX, imm32", `I REX.W ${op(5)} id`],
    ["r/m64, imm32", `MI REX.W 81 /${n} id`],
  ]);
});
// #endregion alu

// #region mov
forms("mov", [
  ["r/m8, r8", "MR 88 /r"],
  ["r/m16, r16", "MR 66 89 /r"],
  ["r/m32, r32", "MR 89 /r"],
  ["r/m64, r64", "MR REX.W 89 /r"],
  ["r8, r/m8", "RM 8A /r"],
  ["r16, r/m16", "RM 66 8B /r"],
  ["r32, r/m32", "RM 8B /r"],
  ["r64, r/m64", "RM REX.W 8B /r"],
  ["r8, imm8", "OI B0+r ib"],
  ["r16, imm16", "OI 66 B8+r iw"],
  ["r32, imm32", "OI B8+r id"],
  ["r/m8, imm8", "MI C6 /0 ib"],
  ["r/m16, imm16", "MI 66 C7 /0 iw"],
  ["r/m32, imm32", "MI C7 /0 id"],
  ["r/m64, imm32", "MI REX.W C7 /0 id"], // sign-extended: 7 bytes for -2^31..2^31-1
  ["r64, imm64", "OI REX.W B8+r io"], //    everything else: 10 bytes
]);
forms("movabs", [["r64, imm64", "OI REX.W B8+r io"]]);
// #endregion mov

// GNU as also takes a source as wide as the destination: movzx r16, r/m16 is a plain move, and
// movsx r32, r/m32 and movsx r64, r/m32 are movsxd's opcode, 63.
forms("movzx", [
  ["r16, r/m8", "RM 66 0F B6 /r"],
  ["r32, r/m8", "RM 0F B6 /r"],
  ["r64, r/m8", "RM REX.W 0F B6 /r"],
  ["r16, r/m16", "RM 66 0F B7 /r"],
  ["r32, r/m16", "RM 0F B7 /r"],
  ["r64, r/m16", "RM REX.W 0F B7 /r"],
]);
forms("movsx", [
  ["r16, r/m8", "RM 66 0F BE /r"],
  ["r32, r/m8", "RM 0F BE /r"],
  ["r64, r/m8", "RM REX.W 0F BE /r"],
  ["r16, r/m16", "RM 66 0F BF /r"],
  ["r32, r/m16", "RM 0F BF /r"],
  ["r64, r/m16", "RM REX.W 0F BF /r"],
  ["r32, r/m32", "RM 63 /r"],
  ["r64, r/m32", "RM REX.W 63 /r"],
]);
forms("movsxd", [["r64, r/m32", "RM REX.W 63 /r"]]);
forms("lea", [
  ["r16, m", "RM 66 8D /r"],
  ["r32, m", "RM 8D /r"],
  ["r64, m", "RM REX.W 8D /r"],
]);

// #region unary
// One operand, selected by ModRM.reg: inc/dec in FE/FF, the rest in F6/F7.
const UNARY = [["inc", 0xfe, 0], ["dec", 0xfe, 1], ["not", 0xf6, 2], ["neg", 0xf6, 3], ["mul", 0xf6, 4], ["imul", 0xf6, 5], ["div", 0xf6, 6], ["idiv", 0xf6, 7]] as const;
for (const [name, opcode, n] of UNARY) {
  forms(name, [
    ["r/m8", `M ${hex(opcode)} /${n}`],
    ["r/m16", `M 66 ${hex(opcode + 1)} /${n}`],
    ["r/m32", `M ${hex(opcode + 1)} /${n}`],
    ["r/m64", `M REX.W ${hex(opcode + 1)} /${n}`],
  ]);
}
// #endregion unary

forms("imul", [
  ["r16, r/m16", "RM 66 0F AF /r"],
  ["r32, r/m32", "RM 0F AF /r"],
  ["r64, r/m64", "RM REX.W 0F AF /r"],
  ["r16, r/m16, imm8", "RMI 66 6B /r ib"],
  ["r16, r/m16, imm16", "RMI 66 69 /r iw"],
  ["r32, r/m32, imm8", "RMI 6B /r ib"],
  ["r32, r/m32, imm32", "RMI 69 /r id"],
  ["r64, r/m64, imm8", "RMI REX.W 6B /r ib"],
  ["r64, r/m64, imm32", "RMI REX.W 69 /r id"],
]);

forms("test", [
  ["r/m8, r8", "MR 84 /r"],
  ["r/m16, r16", "MR 66 85 /r"],
  ["r/m32, r32", "MR 85 /r"],
  ["r/m64, r64", "MR REX.W 85 /r"],
  ["r8, m8", "RM 84 /r"], // test is symmetric; GNU accepts the memory operand second
  ["r16, m16", "RM 66 85 /r"],
  ["r32, m32", "RM 85 /r"],
  ["r64, m64", "RM REX.W 85 /r"],
  ["AL, imm8", "I A8 ib"],
  ["AX, imm16", "I 66 A9 iw"],
  ["EAX, imm32", "I A9 id"],
  ["RAX, imm32", "I REX.W A9 id"],
  ["r/m8, imm8", "MI F6 /0 ib"],
  ["r/m16, imm16", "MI 66 F7 /0 iw"],
  ["r/m32, imm32", "MI F7 /0 id"],
  ["r/m64, imm32", "MI REX.W F7 /0 id"],
]);

// #region shifts
export const SHIFTS = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"] as const;
SHIFTS.forEach((name, n) => {
  if (name === "sal") n = 4; // sal is another name for shl
  for (const [size, prefix] of [["8", ""], ["16", "66 "], ["32", ""], ["64", "REX.W "]] as const) {
    const w = size === "8" ? 0 : 1;
    forms(name, [
      [`r/m${size}, 1`, `M1 ${prefix}${hex(0xd0 + w)} /${n}`],
      [`r/m${size}, CL`, `MC ${prefix}${hex(0xd2 + w)} /${n}`],
      [`r/m${size}, imm8`, `MI ${prefix}${hex(0xc0 + w)} /${n} ib`],
    ], { immBits: 8 }); // the count is a byte of its own, not a value of the operand's size
  }
});
// #endregion shifts

forms("cbw", [["", "ZO 66 98"]]);
forms("cwde", [["", "ZO 98"]]);
forms("cdqe", [["", "ZO REX.W 98"]]);
forms("cwd", [["", "ZO 66 99"]]);
forms("cdq", [["", "ZO 99"]]);
forms("cqo", [["", "ZO REX.W 99"]]);

// #region push-pop
// The stack works in 64-bit units (or 16 with 66); there is no 32-bit push in 64-bit mode.
forms("push", [
  ["r64", "O 50+r"],
  ["r16", "O 66 50+r"],
  ["m64", "M FF /6"],
  ["m16", "M 66 FF /6"],
]);
forms("push", [["imm8", "I 6A ib"], ["imm32", "I 68 id"]], { immBits: 64 });
forms("pop", [
  ["r64", "O 58+r"],
  ["r16", "O 66 58+r"],
  ["m64", "M 8F /0"],
  ["m16", "M 66 8F /0"],
]);
// #endregion push-pop

forms("call", [["r/m64", "M FF /2"]]);
forms("jmp", [["r/m64", "M FF /4"]]);

// #region cc
// One row per family; the condition code (0..15) is added to the opcode.
forms("setcc", [["r/m8", "M 0F 90+cc /0"]]);
forms("cmovcc", [
  ["r16, r/m16", "RM 66 0F 40+cc /r"],
  ["r32, r/m32", "RM 0F 40+cc /r"],
  ["r64, r/m64", "RM REX.W 0F 40+cc /r"],
]);
// #endregion cc

// #region xchg
const notEaxEax = (ops: readonly Operand[]) => !ops.every((op) => typeof op === "object" && op.kind === "gpr" && op.size === 32 && op.id === 0);
forms("xchg", [
  ["AX, r16", "O 66 90+r"],
  ["r16, AX", "O 66 90+r"],
  ["RAX, RAX", "ZO 90"], // GNU's choice; exchanging rax with itself changes nothing, like nop
  ["RAX, r64", "O REX.W 90+r"],
  ["r64, RAX", "O REX.W 90+r"],
  ["r/m8, r8", "MR 86 /r"],
  ["r8, m8", "RM 86 /r"],
  ["r/m16, r16", "MR 66 87 /r"],
  ["r16, m16", "RM 66 87 /r"],
  ["r/m32, r32", "MR 87 /r"],
  ["r32, m32", "RM 87 /r"],
  ["r/m64, r64", "MR REX.W 87 /r"],
  ["r64, m64", "RM REX.W 87 /r"],
]);
// 90 is nop: xchg eax, eax must clear the upper half of rax, so it takes 87 C0.
forms("xchg", [["EAX, r32", "O 90+r"], ["r32, EAX", "O 90+r"]], { accepts: notEaxEax });
// #endregion xchg

// tzcnt, lzcnt and popcnt are bsf/bsr-like opcodes behind a mandatory F3, which comes before REX.
for (const [name, f3, opcode] of [["bsf", "", "0F BC"], ["bsr", "", "0F BD"], ["tzcnt", "F3 ", "0F BC"], ["lzcnt", "F3 ", "0F BD"], ["popcnt", "F3 ", "0F B8"]] as const) {
  forms(name, [
    ["r16, r/m16", `RM 66 ${f3}${opcode} /r`],
    ["r32, r/m32", `RM ${f3}${opcode} /r`],
    ["r64, r/m64", `RM ${f3}REX.W ${opcode} /r`],
  ]);
}

forms("ret", [["", "ZO C3"], ["imm16", "I C2 iw"]]);
forms("leave", [["", "ZO C9"]]);
forms("int3", [["", "ZO CC"]]);
forms("ud2", [["", "ZO 0F 0B"]]);
forms("cpuid", [["", "ZO 0F A2"]]);

// #region sse
forms("movdqu", [["xmm, xmm/m128", "RM F3 0F 6F /r"], ["xmm/m128, xmm", "MR F3 0F 7F /r"]]);
forms("movdqa", [["xmm, xmm/m128", "RM 66 0F 6F /r"], ["xmm/m128, xmm", "MR 66 0F 7F /r"]]);
forms("movd", [["xmm, r/m32", "RM 66 0F 6E /r"], ["r/m32, xmm", "MR 66 0F 7E /r"]]);
forms("movq", [
  ["xmm, xmm/m64", "RM F3 0F 7E /r"],
  ["xmm/m64, xmm", "MR 66 0F D6 /r"],
  ["xmm, r/m64", "RM 66 REX.W 0F 6E /r"],
  ["r/m64, xmm", "MR 66 REX.W 0F 7E /r"],
]);
forms("pxor", [["xmm, xmm/m128", "RM 66 0F EF /r"]]);
forms("pcmpeqb", [["xmm, xmm/m128", "RM 66 0F 74 /r"]]);
forms("pmovmskb", [["r32, xmm", "RM 66 0F D7 /r"], ["r64, xmm", "RM 66 0F D7 /r"]]);
// #endregion sse

// #region avx
forms("vmovdqu", [
  ["xmm, xmm/m128", "RM VEX.128.F3.0F.WIG 6F /r"],
  ["xmm/m128, xmm", "MR VEX.128.F3.0F.WIG 7F /r"],
  ["ymm, ymm/m256", "RM VEX.256.F3.0F.WIG 6F /r"],
  ["ymm/m256, ymm", "MR VEX.256.F3.0F.WIG 7F /r"],
]);
forms("vpxor", [["xmm, xmm, xmm/m128", "RVM VEX.128.66.0F.WIG EF /r"], ["ymm, ymm, ymm/m256", "RVM VEX.256.66.0F.WIG EF /r"]]);
forms("vpcmpeqb", [["xmm, xmm, xmm/m128", "RVM VEX.128.66.0F.WIG 74 /r"], ["ymm, ymm, ymm/m256", "RVM VEX.256.66.0F.WIG 74 /r"]]);
forms("vpmovmskb", [
  ["r32, xmm", "RM VEX.128.66.0F.WIG D7 /r"],
  ["r64, xmm", "RM VEX.128.66.0F.WIG D7 /r"],
  ["r32, ymm", "RM VEX.256.66.0F.WIG D7 /r"],
  ["r64, ymm", "RM VEX.256.66.0F.WIG D7 /r"],
]);
forms("vpbroadcastb", [["xmm, xmm/m8", "RM VEX.128.66.0F38.W0 78 /r"], ["ymm, xmm/m8", "RM VEX.256.66.0F38.W0 78 /r"]]);
forms("vzeroupper", [["", "ZO VEX.128.0F.WIG 77"]]);
// #endregion avx

const TABLE = new Map<string, readonly Form[]>();
const BY_ARITY = new Map<string, (readonly Form[])[]>();

/** The forms of a mnemonic (those taking `arity` operands, if given), in preference order. */
export function formsOf(mnemonic: string, arity?: number): readonly Form[] {
  if (arity === undefined) {
    let parsed = TABLE.get(mnemonic);
    if (!parsed) TABLE.set(mnemonic, (parsed = (ROWS.get(mnemonic) ?? []).map((r) => formOf(mnemonic, r))));
    return parsed;
  }
  let byArity = BY_ARITY.get(mnemonic);
  if (!byArity) BY_ARITY.set(mnemonic, (byArity = [0, 1, 2, 3].map((n) => formsOf(mnemonic).filter((f) => f.operands.length === n))));
  return byArity[arity] ?? [];
}

/**
 * The forms of a mnemonic whose operand patterns `fit`, in preference order, the same Form objects
 * formsOf gives: only these rows have their encodings parsed.
 */
export function formsWhere(mnemonic: string, fit: (patterns: readonly Pattern[]) => boolean): Form[] {
  const found: Form[] = [];
  for (const row of ROWS.get(mnemonic) ?? []) if (fit(patternsOf(row))) found.push(formOf(mnemonic, row));
  return found;
}

/** Every mnemonic in the table. */
export function mnemonics(): readonly string[] {
  return [...ROWS.keys()];
}
