// Split one encoded instruction into its named fields: prefixes, REX or VEX, opcode, ModRM, SIB,
// displacement, immediate. It reads only the bytes (not the encoder's tables), so it can take
// apart GNU as's output as well as ours and show where two encodings differ.

export type FieldKind = "prefixes" | "REX" | "VEX" | "opcode" | "ModRM" | "SIB" | "disp" | "imm";

export interface Field {
  readonly kind: FieldKind;
  /** "disp8", "imm32", "rel8", ...; the kind for the others. */
  readonly label: string;
  readonly bytes: readonly number[];
  /** The field's bits spelled out: "W=1 R=0 X=0 B=0", "mod=01 reg=000 rm=100 (SIB follows)". */
  readonly meaning: string;
}

const ORDER: readonly FieldKind[] = ["prefixes", "REX", "VEX", "opcode", "ModRM", "SIB", "disp", "imm"];

const bits = (v: number, n: number) => v.toString(2).padStart(n, "0");
const hex2 = (b: number) => b.toString(16).padStart(2, "0");

const PREFIX_NAMES: Record<number, string> = {
  0x66: "66 (16-bit operand, or an SSE opcode's)", 0x67: "67 (32-bit address)", 0xf0: "F0 (lock)",
  0xf2: "F2 (repne, or an SSE opcode's)", 0xf3: "F3 (rep, or an opcode's)",
  0x2e: "2E (cs)", 0x3e: "3E (ds)", 0x26: "26 (es)", 0x36: "36 (ss)", 0x64: "64 (fs)", 0x65: "65 (gs)",
};

// #region opcode-tables
// Which one-byte opcodes take a ModRM byte, and what immediate follows each opcode. "z" is 16 or
// 32 bits by operand size; "v" is 16, 32 or 64 (mov r64, imm64).
const MODRM_1 = new Set<number>([
  ...[0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38].flatMap((b) => [b, b + 1, b + 2, b + 3]),
  0x62, 0x63, 0x69, 0x6b, ...range(0x80, 0x8f), 0xc0, 0xc1, 0xc6, 0xc7, ...range(0xd0, 0xd3), ...range(0xd8, 0xdf),
  0xf6, 0xf7, 0xfe, 0xff,
]);
const NO_MODRM_0F = new Set<number>([0x05, 0x06, 0x07, 0x08, 0x09, 0x0b, 0x0e, ...range(0x30, 0x37), 0x77, ...range(0x80, 0x8f), 0xa0, 0xa1, 0xa2, 0xa8, 0xa9, 0xaa, ...range(0xc8, 0xcf)]);

type Imm = "b" | "w" | "z" | "v" | "rel8" | "rel32" | "iw+ib" | "moffs" | null;

function immediateOf1(op: number, modrmReg: number): Imm {
  if (op < 0x40 && (op & 7) === 4) return "b";
  if (op < 0x40 && (op & 7) === 5) return "z";
  if ((op >= 0x70 && op <= 0x7f) || (op >= 0xe0 && op <= 0xe3) || op === 0xeb) return "rel8";
  if (op === 0xe8 || op === 0xe9) return "rel32";
  if (op >= 0xa0 && op <= 0xa3) return "moffs";
  if (op >= 0xb0 && op <= 0xb7) return "b";
  if (op >= 0xb8 && op <= 0xbf) return "v";
  if ([0x6a, 0x6b, 0x80, 0x82, 0x83, 0xa8, 0xc0, 0xc1, 0xc6, 0xcd, 0xe4, 0xe5, 0xe6, 0xe7].includes(op)) return "b";
  if ([0x68, 0x69, 0x81, 0xa9, 0xc7].includes(op)) return "z";
  if (op === 0xc2 || op === 0xca) return "w";
  if (op === 0xc8) return "iw+ib";
  if (op === 0xf6 && modrmReg < 2) return "b";
  if (op === 0xf7 && modrmReg < 2) return "z";
  return null;
}

function immediateOf0F(op: number): Imm {
  if (op >= 0x80 && op <= 0x8f) return "rel32";
  if ((op >= 0x70 && op <= 0x73) || [0xa4, 0xac, 0xba, 0xc2, 0xc4, 0xc5, 0xc6].includes(op)) return "b";
  return null;
}
// #endregion opcode-tables

function range(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

// #region split
/**
 * The fields of the one instruction at the start of `code`. When the bytes end before the fields
 * do, that is a RangeError, or with `partial`, a last field marked "cut short" (an encoder that
 * forgot a displacement is exactly what a comparison must show).
 */
export function splitFields(code: ArrayLike<number>, partial = false): Field[] {
  const c = new Cursor(Array.from(code), partial);
  try {
    split(c);
  } catch (e) {
    if (!(e instanceof CutShort)) throw e;
  }
  return c.fields;
}

function split(c: Cursor): void {
  const prefixes: number[] = [];
  while (c.peek() !== undefined && c.peek()! in PREFIX_NAMES) prefixes.push(...c.take(1, "prefixes"));
  if (prefixes.length) c.fields.push({ kind: "prefixes", label: "prefixes", bytes: prefixes, meaning: prefixes.map((p) => PREFIX_NAMES[p]).join(", ") });

  let w = 0, map = 0, vex = false;
  const first = c.peek();
  if (first !== undefined && first >= 0x40 && first <= 0x4f) {
    const [rex] = c.take(1, "REX") as [number];
    w = (rex >> 3) & 1;
    c.fields.push({ kind: "REX", label: "REX", bytes: [rex], meaning: `W=${w} R=${(rex >> 2) & 1} X=${(rex >> 1) & 1} B=${rex & 1}` });
  } else if (first === 0xc5 || first === 0xc4) {
    vex = true;
    const v = c.take(first === 0xc5 ? 2 : 3, "VEX");
    const last = v[v.length - 1]!;
    const r = ~v[1]! >> 7 & 1;
    const [x, b] = first === 0xc4 ? [~v[1]! >> 6 & 1, ~v[1]! >> 5 & 1] : [0, 0];
    map = first === 0xc4 ? v[1]! & 0x1f : 1;
    w = first === 0xc4 ? last >> 7 : 0;
    const vvvv = ~last >> 3 & 0xf;
    const pp = ["none", "66", "F3", "F2"][last & 3];
    const mapName = ["?", "0F", "0F38", "0F3A"][map] ?? "?";
    c.fields.push({ kind: "VEX", label: `VEX${v.length}`, bytes: v,
      meaning: `R=${r} X=${x} B=${b} map=${mapName} W=${w} vvvv=${vvvv} L=${(last >> 2) & 1 ? 256 : 128} pp=${pp} (R X B vvvv stored inverted)` });
  }

  const operand16 = prefixes.includes(0x66);
  const opcode = c.take(1, "opcode");
  if (!vex && opcode[0] === 0x0f) {
    map = 1;
    opcode.push(...c.take(1, "opcode"));
    if (opcode[1] === 0x38 || opcode[1] === 0x3a) [map, opcode[2]] = [opcode[1] === 0x38 ? 2 : 3, c.take(1, "opcode")[0]!];
  }
  const op = opcode[opcode.length - 1]!;
  c.fields.push({ kind: "opcode", label: "opcode", bytes: opcode, meaning: "" });

  const hasModrm = map === 0 ? MODRM_1.has(op) : !(map === 1 && (vex ? op === 0x77 : NO_MODRM_0F.has(op)));
  let modrmReg = 0;
  if (hasModrm) {
    const [m] = c.take(1, "ModRM") as [number];
    const [mod, reg, rm] = [m >> 6, (m >> 3) & 7, m & 7];
    modrmReg = reg;
    const note = mod === 3 ? "" : rm === 4 ? " (SIB follows)" : mod === 0 && rm === 5 ? " (RIP + disp32)" : "";
    c.fields.push({ kind: "ModRM", label: "ModRM", bytes: [m], meaning: `mod=${bits(mod, 2)} reg=${bits(reg, 3)} rm=${bits(rm, 3)}${note}` });
    let dispBytes = mod === 1 ? 1 : mod === 2 || (mod === 0 && rm === 5) ? 4 : 0;
    if (mod !== 3 && rm === 4) {
      const [s] = c.take(1, "SIB") as [number];
      const [scale, index, base] = [s >> 6, (s >> 3) & 7, s & 7];
      const noBase = mod === 0 && base === 5;
      if (noBase) dispBytes = 4;
      c.fields.push({ kind: "SIB", label: "SIB", bytes: [s],
        meaning: `scale=${bits(scale, 2)} (x${1 << scale}) index=${bits(index, 3)}${index === 4 ? " (none)" : ""} base=${bits(base, 3)}${noBase ? " (none: disp32)" : ""}` });
    }
    if (dispBytes) {
      const d = c.take(dispBytes, "disp");
      c.fields.push({ kind: "disp", label: `disp${dispBytes * 8}`, bytes: d, meaning: String(signed(d)) });
    }
  }

  const imm = vex ? (map === 3 ? "b" : null) : map === 0 ? immediateOf1(op, modrmReg) : map === 3 ? "b" : immediateOf0F(op);
  const size = imm === "b" || imm === "rel8" ? 1 : imm === "w" ? 2 : imm === "z" ? (operand16 ? 2 : 4) : imm === "v" ? (w ? 8 : operand16 ? 2 : 4)
    : imm === "rel32" ? 4 : imm === "iw+ib" ? 3 : imm === "moffs" ? 8 : 0;
  if (size) {
    const v = c.take(size, "imm");
    const label = imm === "rel8" || imm === "rel32" ? imm : `imm${size * 8}`;
    c.fields.push({ kind: "imm", label, bytes: v, meaning: imm!.startsWith("rel") ? `${signed(v)} from the end` : `0x${unsigned(v).toString(16)}` });
  }
}

/** Reads bytes off the front; when they run out, throws (or, if partial, records what is left). */
class Cursor {
  readonly fields: Field[] = [];
  private at = 0;

  constructor(private readonly bytes: readonly number[], private readonly partial: boolean) {}

  peek(): number | undefined {
    return this.bytes[this.at];
  }

  take(n: number, kind: FieldKind): number[] {
    if (this.at + n <= this.bytes.length) return this.bytes.slice(this.at, (this.at += n));
    if (!this.partial) throw new RangeError(`the instruction is cut short: ${this.bytes.length} bytes, but the fields need more`);
    const left = this.bytes.slice(this.at);
    this.fields.push({ kind, label: `${kind} (cut short)`, bytes: left, meaning: `needs ${n} byte${n === 1 ? "" : "s"}, ${left.length} left` });
    throw new CutShort();
  }
}

class CutShort extends Error {
  override name = "CutShort";
}
// #endregion split

function signed(bs: readonly number[]): number {
  return Number(BigInt.asIntN(bs.length * 8, unsigned(bs)));
}

function unsigned(bs: readonly number[]): bigint {
  return bs.reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** The fields as an aligned table, one per line. */
export function formatFields(fields: readonly Field[], indent = "  "): string {
  const hex = fields.map((f) => f.bytes.map(hex2).join(" "));
  const width = Math.max(...hex.map((h) => h.length));
  const label = Math.max(...fields.map((f) => f.label.length));
  return fields.map((f, i) => `${indent}${hex[i]!.padEnd(width)}  ${f.label.padEnd(label)}  ${f.meaning}`.trimEnd()).join("\n");
}

/** Two encodings of one instruction side by side, field by field; "<>" marks the fields that differ. */
export function compareFields(left: ArrayLike<number>, right: ArrayLike<number>, names: readonly [string, string] = ["ours", "GNU as"]): string {
  const [a, b] = [splitFields(left, true), splitFields(right, true)];
  const cell = (f: Field | undefined) => (f ? [f.label, ...f.bytes.map(hex2)].join(" ") + (f.meaning ? ` (${f.meaning})` : "") : "-");
  const rows = ORDER.map((kind) => [a.find((f) => f.kind === kind), b.find((f) => f.kind === kind)] as const)
    .filter(([x, y]) => x || y)
    .map(([x, y]) => [cell(x), cell(y), cell(x) === cell(y) ? "  " : "<>"] as const);
  const w = Math.max(names[0].length, ...rows.map((r) => r[0].length));
  return [`   ${names[0].padEnd(w)}  ${names[1]}`, ...rows.map(([x, y, mark]) => `${mark} ${x.padEnd(w)}  ${y}`)].join("\n");
}
