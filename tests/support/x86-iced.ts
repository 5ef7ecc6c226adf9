// iced-x86 as an independent decoder: decode our bytes, print them in Intel syntax, and compare
// with the text we meant. The two spellings differ in harmless ways (hex, operand order of
// symmetric instructions, condition-code aliases); `canonical` removes exactly those differences.
import { Decoder, DecoderOptions, Formatter, FormatterSyntax, Instruction, MemorySizeOptions, OpKind } from "iced-x86";

const formatter = new Formatter(FormatterSyntax.Intel);
formatter.hexPrefix = "0x";
formatter.hexSuffix = "";
formatter.uppercaseHex = false;
formatter.memorySizeOptions = MemorySizeOptions.Always;
formatter.spaceAfterOperandSeparator = true;
formatter.signedImmediateOperands = false;
formatter.ripRelativeAddresses = true;
formatter.showBranchSize = false;
formatter.branchLeadingZeros = false;
formatter.displacementLeadingZeros = false;

export interface Decoded {
  readonly text: string;
  readonly length: number;
  /** The width an immediate is shown at (8 for a shift count, 64 for push imm8, ...), or null. */
  readonly immBits: number | null;
  /** The immediate's value. iced-x86 1.21's formatter prints some 64-bit immediates wrong (0 for
   *  0x100000000), so the comparison takes the value from the decoded instruction instead. */
  readonly imm: bigint | null;
}

const IMM_BITS = new Map<OpKind, number>([
  [OpKind.Immediate8, 8], [OpKind.Immediate16, 16], [OpKind.Immediate32, 32], [OpKind.Immediate64, 64],
  [OpKind.Immediate8to16, 16], [OpKind.Immediate8to32, 32], [OpKind.Immediate8to64, 64], [OpKind.Immediate32to64, 64],
]);

/** Decode each item's bytes as one instruction at offset `ip` (one decoder for the whole batch). */
export function icedDecodeAll(items: readonly { readonly bytes: Uint8Array; readonly ip: number }[]): Decoded[] {
  const blob = new Uint8Array(items.reduce((n, it) => n + it.bytes.length, 0));
  const starts: number[] = [];
  items.reduce((at, it) => (starts.push(at), blob.set(it.bytes, at), at + it.bytes.length), 0);
  const decoder = new Decoder(64, blob, DecoderOptions.None);
  const insn = new Instruction();
  const out = items.map((it, k): Decoded => {
    decoder.position = starts[k]!;
    decoder.ip = BigInt(it.ip);
    decoder.decodeOut(insn);
    let immBits: number | null = null, imm: bigint | null = null;
    for (let i = 0; i < insn.opCount && immBits === null; i++) {
      immBits = IMM_BITS.get(insn.opKind(i)) ?? null;
      if (immBits !== null) imm = insn.immediate(i);
    }
    return { text: formatter.format(insn), length: insn.length, immBits, imm };
  });
  insn.free();
  decoder.free();
  return out;
}

// iced prints each condition under one name.
const CC_ALIASES: Record<string, string> = {
  z: "e", nz: "ne", c: "b", nae: "b", nb: "ae", nc: "ae", na: "be", nbe: "a", pe: "p", po: "np", nge: "l", nl: "ge", ng: "le", nle: "g",
};
const R64_TO_R32: Record<string, string> = Object.fromEntries(
  ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"].map((r) => [`r${r}`, `e${r}`]).concat(Array.from({ length: 8 }, (_, i) => [`r${i + 8}`, `r${i + 8}d`])),
);

function number(text: string): bigint | null {
  const m = /^(-?)(0x[0-9a-f]+|\d+)$/.exec(text);
  return m ? (m[1] ? -1n : 1n) * BigInt(m[2]!) : null;
}

function canonicalAddress(op: string): string {
  const [, size = "", inner = ""] = /^(.*?)\[(.*)\]$/.exec(op)!;
  const terms = inner.replace(/(?<=.)-/g, "+-").split("+").map((t, i) => {
    const n = number(t);
    if (n !== null) return n.toString();
    return i > 0 ? t.replace(/\*1$/, "") : t; // [rbx+rcx*1] is [rbx+rcx]; a lone index keeps *1
  });
  const kept = terms.filter((t) => t !== "0");
  // An absolute address is sign-extended to 64 bits: iced prints [-1] as [0xffffffffffffffff].
  if (kept.length === 1 && number(kept[0]!) !== null) kept[0] = BigInt.asUintN(64, BigInt(kept[0]!)).toString();
  return `${size}[${kept.join("+")}]`;
}

/** A spelling of an instruction in which equal instructions read equal. */
export function canonical(text: string, immBits: number | null, dropSizes = false, imm: bigint | null = null): string {
  let t = text.toLowerCase().replace(/^\{disp(8|32)\}\s*/, "").replace(/\s+/g, " ").trim();
  if (t === "data16 nop") t = "xchg ax, ax";
  if (t === "xchg rax, rax") t = "nop";
  const space = t.indexOf(" ");
  let mnemonic = space < 0 ? t : t.slice(0, space);
  let ops = space < 0 ? [] : t.slice(space + 1).split(/\s*,\s*/);
  if (mnemonic === "movabs") mnemonic = "mov";
  if (mnemonic === "sal") mnemonic = "shl";
  const cc = /^(j|set|cmov)(.+)$/.exec(mnemonic);
  if (cc && mnemonic !== "jmp" && CC_ALIASES[cc[2]!]) mnemonic = cc[1]! + CC_ALIASES[cc[2]!];
  ops = ops.map((op) => {
    if (op.includes("[")) return canonicalAddress(dropSizes ? op.replace(/^\w+ ptr /, "") : op);
    const n = number(op);
    if (n === null) return op;
    return (immBits ? BigInt.asUintN(immBits, imm ?? n) : n).toString();
  });
  if ((mnemonic === "pmovmskb" || mnemonic === "vpmovmskb") && R64_TO_R32[ops[0]!]) ops[0] = R64_TO_R32[ops[0]!]!;
  // movsx with a 32-bit source is movsxd's opcode (63), and iced names it so.
  if (mnemonic === "movsx" && /^(e[a-z]{2}|r\d+d|dword ptr .*)$/.test(ops[1] ?? "")) mnemonic = "movsxd";
  if (mnemonic === "imul" && ops.length === 3 && ops[0] === ops[1]) ops.splice(1, 1);
  if (mnemonic === "xchg" || mnemonic === "test") ops.sort(); // symmetric: either order is the same instruction
  return ops.length ? `${mnemonic} ${ops.join(", ")}` : mnemonic;
}

/** null when iced's reading `d` of `bytes` is the instruction `ours`; otherwise what it read instead. */
export function icedDisagrees(ours: string, bytes: Uint8Array, d: Decoded): string | null {
  if (d.length !== bytes.length) return `iced decoded ${d.length} of the ${bytes.length} bytes as one instruction: ${d.text}`;
  const unsized = ours.includes("[") && !ours.includes(" ptr ");
  const [a, b] = [canonical(ours, d.immBits), canonical(d.text, d.immBits, unsized, d.imm)];
  return a === b ? null : `iced reads "${d.text}" (canonical "${b}", ours "${a}")`;
}
