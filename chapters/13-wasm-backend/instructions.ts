// The WebAssembly instructions this backend uses: name (as the text format spells it), opcode, and
// the kind of immediate that follows the opcode. The encoder and the disassembler share this one
// table; the tests check it against an independent assembler (wabt).

// #region value-types
/** Value types, with their one-byte codes. The backend needs only integers. */
export const VALUE_TYPES = { i32: 0x7f, i64: 0x7e } as const;
export type ValueType = keyof typeof VALUE_TYPES;
// #endregion

// #region instructions
/**
 * What follows the opcode: nothing; a block type (0x40, "no result"); a label, function, local or
 * global index (unsigned LEB128); a memory argument (alignment and offset); a signed constant. A
 * memory access also has a natural alignment, log2 of its size, which the text form leaves implicit.
 */
export type Immediate = "none" | "block" | "label" | "func" | "local" | "global" | "memarg" | "i32" | "i64";

export const INSTRUCTIONS = {
  unreachable: { code: 0x00, imm: "none" },
  block: { code: 0x02, imm: "block" },
  loop: { code: 0x03, imm: "block" },
  if: { code: 0x04, imm: "block" },
  else: { code: 0x05, imm: "none" },
  end: { code: 0x0b, imm: "none" },
  br: { code: 0x0c, imm: "label" },
  br_if: { code: 0x0d, imm: "label" },
  return: { code: 0x0f, imm: "none" },
  call: { code: 0x10, imm: "func" },
  drop: { code: 0x1a, imm: "none" },
  "local.get": { code: 0x20, imm: "local" },
  "local.set": { code: 0x21, imm: "local" },
  "local.tee": { code: 0x22, imm: "local" },
  "global.get": { code: 0x23, imm: "global" },
  "global.set": { code: 0x24, imm: "global" },
  "i64.load": { code: 0x29, imm: "memarg", natural: 3 },
  "i32.load8_u": { code: 0x2d, imm: "memarg", natural: 0 },
  "i32.store8": { code: 0x3a, imm: "memarg", natural: 0 },
  "i32.const": { code: 0x41, imm: "i32" },
  "i64.const": { code: 0x42, imm: "i64" },
  "i32.eqz": { code: 0x45, imm: "none" },
  "i32.eq": { code: 0x46, imm: "none" },
  "i32.ne": { code: 0x47, imm: "none" },
  "i32.lt_s": { code: 0x48, imm: "none" },
  "i32.lt_u": { code: 0x49, imm: "none" },
  "i32.ge_u": { code: 0x4f, imm: "none" },
  "i64.eqz": { code: 0x50, imm: "none" },
  "i32.add": { code: 0x6a, imm: "none" },
  "i32.sub": { code: 0x6b, imm: "none" },
  "i32.mul": { code: 0x6c, imm: "none" },
  "i32.and": { code: 0x71, imm: "none" },
  "i32.or": { code: 0x72, imm: "none" },
  "i32.shr_u": { code: 0x76, imm: "none" },
  "i64.clz": { code: 0x79, imm: "none" },
  "i64.ctz": { code: 0x7a, imm: "none" },
  "i64.add": { code: 0x7c, imm: "none" },
  "i64.sub": { code: 0x7d, imm: "none" },
  "i64.and": { code: 0x83, imm: "none" },
  "i64.or": { code: 0x84, imm: "none" },
  "i64.xor": { code: 0x85, imm: "none" },
  "i32.wrap_i64": { code: 0xa7, imm: "none" },
} as const satisfies Record<string, { readonly code: number; readonly imm: Immediate; readonly natural?: number }>;

export type InstructionName = keyof typeof INSTRUCTIONS;
// #endregion

/** log2 of the size a memory access moves: the alignment the text form assumes when it says none. */
export function naturalAlignment(name: InstructionName): number {
  const i = INSTRUCTIONS[name];
  return "natural" in i ? i.natural : 0;
}

/** The instruction with this opcode, for the disassembler; undefined for one this backend never emits. */
export function instructionAt(code: number): InstructionName | undefined {
  return BY_CODE.get(code);
}

const BY_CODE = new Map<number, InstructionName>(Object.entries(INSTRUCTIONS).map(([name, i]) => [i.code, name as InstructionName]));

/** The block type meaning "this block leaves no value": the only one the backend uses. */
export const EMPTY_BLOCK = 0x40;
