// Reading a module back: the sections, and each function's instructions. Enough of the binary
// format for what module.ts writes, so the dump of a module (wat.ts, hex-dump.ts) shows what is
// really in the bytes, not what the encoder meant to put there.
import { EMPTY_BLOCK, INSTRUCTIONS, instructionAt, VALUE_TYPES, type InstructionName, type ValueType } from "./instructions.ts";
import { readSigned, readUnsigned } from "./leb128.ts";
import { EXTERNAL, FUNC_TYPE, HEADER, SECTION, type FuncType, type Limits } from "./module.ts";

export class WasmDecodeError extends Error {
  override name = "WasmDecodeError";
}

export interface DecodedSection {
  readonly id: number;
  /** "type", "code", ... or the custom section's own name. */
  readonly name: string;
  /** Where the section starts (its id byte) and where its contents start and end. */
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

export type DecodedImport =
  | { readonly module: string; readonly name: string; readonly kind: "func"; readonly type: number }
  | { readonly module: string; readonly name: string; readonly kind: "memory"; readonly limits: Limits };

export interface DecodedFunction {
  readonly type: number;
  readonly locals: readonly ValueType[];
  /** The body's bytes in the module: [start, end), instructions from codeStart. */
  readonly start: number;
  readonly codeStart: number;
  readonly end: number;
}

export interface DecodedModule {
  readonly sections: readonly DecodedSection[];
  readonly types: readonly FuncType[];
  readonly imports: readonly DecodedImport[];
  readonly functions: readonly DecodedFunction[];
  readonly globals: readonly { readonly type: ValueType; readonly mutable: boolean; readonly init: bigint }[];
  readonly exports: readonly { readonly name: string; readonly kind: "func" | "memory" | "global"; readonly index: number }[];
  /** From the "name" section, when there is one. */
  readonly functionNames: ReadonlyMap<number, string>;
  readonly localNames: ReadonlyMap<number, ReadonlyMap<number, string>>;
}

/** One instruction as it is in the bytes: where, which, and its immediate. */
export interface DecodedInstruction {
  readonly offset: number;
  readonly name: InstructionName;
  /** The index, depth, offset or constant; null when it has none. */
  readonly imm: bigint | number | null;
  /** For memory access: the alignment exponent. */
  readonly align?: number;
}

const SECTION_NAMES = new Map<number, string>(Object.entries(SECTION).map(([k, v]) => [v, k]));
const EXTERNAL_KINDS = new Map<number, keyof typeof EXTERNAL>(Object.entries(EXTERNAL).map(([k, v]) => [v, k as keyof typeof EXTERNAL]));
const TYPES_BY_CODE = new Map<number, ValueType>(Object.entries(VALUE_TYPES).map(([k, v]) => [v, k as ValueType]));

class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new WasmDecodeError(`the module ends at byte ${this.at}, in the middle of something`);
    return this.bytes[this.at++]!;
  }

  u32(): number {
    const { value, next } = readUnsigned(this.bytes, this.at);
    this.at = next;
    return value;
  }

  signed(bits: 32 | 64): bigint {
    const { value, next } = readSigned(this.bytes, this.at, bits);
    this.at = next;
    return value;
  }

  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.bytes.subarray(this.at, this.at + n));
    this.at += n;
    return s;
  }

  valueType(): ValueType {
    const code = this.byte();
    const t = TYPES_BY_CODE.get(code);
    if (t === undefined) throw new WasmDecodeError(`0x${code.toString(16)} at byte ${this.at - 1} is not a value type this backend uses (i32 0x7f, i64 0x7e)`);
    return t;
  }

  vec<T>(item: () => T): T[] {
    const n = this.u32();
    return Array.from({ length: n }, item);
  }
}

// #region decode-module
export function decodeModule(bytes: Uint8Array): DecodedModule {
  if (bytes.length < 8 || HEADER.some((b, i) => bytes[i] !== b)) {
    throw new WasmDecodeError(`not a WebAssembly module: it must start with 00 61 73 6d 01 00 00 00 ("\\0asm", version 1)`);
  }
  const r = new Reader(bytes, 8);
  const m = {
    sections: [] as DecodedSection[],
    types: [] as FuncType[],
    imports: [] as DecodedImport[],
    functions: [] as DecodedFunction[],
    globals: [] as { type: ValueType; mutable: boolean; init: bigint }[],
    exports: [] as { name: string; kind: "func" | "memory" | "global"; index: number }[],
    functionNames: new Map<number, string>(),
    localNames: new Map<number, Map<number, string>>(),
  };
  let functionTypes: number[] = [];
  while (r.at < bytes.length) {
    const start = r.at;
    const id = r.byte();
    const size = r.u32();
    const contentStart = r.at;
    const end = contentStart + size;
    if (end > bytes.length) throw new WasmDecodeError(`section ${id} at byte ${start} claims ${size} bytes, past the end of the module`);
    let name = SECTION_NAMES.get(id) ?? `section ${id}`;
    switch (id) {
      case SECTION.type:
        m.types = r.vec(() => funcType(r));
        break;
      case SECTION.import:
        m.imports = r.vec(() => importEntry(r));
        break;
      case SECTION.function:
        functionTypes = r.vec(() => r.u32());
        break;
      case SECTION.global:
        m.globals = r.vec(() => globalEntry(r));
        break;
      case SECTION.export:
        m.exports = r.vec(() => ({ name: r.name(), kind: externalKind(r), index: r.u32() }));
        break;
      case SECTION.code:
        m.functions = r.vec(() => codeEntry(r)).map((f, i) => ({ ...f, type: functionTypes[i] ?? -1 }));
        break;
      case SECTION.custom:
        name = r.name();
        if (name === "name") readNames(r, end, m.functionNames, m.localNames);
        break;
      default:
        throw new WasmDecodeError(`section ${id} at byte ${start} is not one this backend writes`);
    }
    if (id !== SECTION.custom && r.at !== end) throw new WasmDecodeError(`the ${name} section at byte ${start} is ${size} bytes long, but its contents end at byte ${r.at}`);
    r.at = end;
    m.sections.push({ id, name, start, contentStart, end });
  }
  return m;
}
// #endregion

function funcType(r: Reader): FuncType {
  const form = r.byte();
  if (form !== FUNC_TYPE) throw new WasmDecodeError(`a function type starts with 0x60, not 0x${form.toString(16)} (byte ${r.at - 1})`);
  return { params: r.vec(() => r.valueType()), results: r.vec(() => r.valueType()) };
}

function externalKind(r: Reader): "func" | "memory" | "global" {
  const code = r.byte();
  const kind = EXTERNAL_KINDS.get(code);
  if (kind === undefined) throw new WasmDecodeError(`external kind 0x${code.toString(16)} at byte ${r.at - 1} is not a function, memory or global`);
  return kind;
}

function importEntry(r: Reader): DecodedImport {
  const module = r.name();
  const name = r.name();
  const kind = externalKind(r);
  if (kind === "func") return { module, name, kind, type: r.u32() };
  if (kind === "memory") {
    const flags = r.byte();
    const min = r.u32();
    return { module, name, kind, limits: flags === 1 ? { min, max: r.u32() } : { min } };
  }
  throw new WasmDecodeError(`import ${module}.${name} is a ${kind}: this backend imports only functions and a memory`);
}

function globalEntry(r: Reader): { type: ValueType; mutable: boolean; init: bigint } {
  const type = r.valueType();
  const mutable = r.byte() === 1;
  const op = r.byte();
  const init = r.signed(op === INSTRUCTIONS["i64.const"].code ? 64 : 32);
  if (r.byte() !== INSTRUCTIONS.end.code) throw new WasmDecodeError(`a global's initial value must be one constant and an end (byte ${r.at - 1})`);
  return { type, mutable, init };
}

function codeEntry(r: Reader): Omit<DecodedFunction, "type"> {
  const size = r.u32();
  const start = r.at;
  const locals = r.vec(() => ({ count: r.u32(), type: r.valueType() })).flatMap(({ count, type }) => Array<ValueType>(count).fill(type));
  const codeStart = r.at;
  r.at = start + size;
  return { locals, start, codeStart, end: start + size };
}

function readNames(r: Reader, end: number, functions: Map<number, string>, locals: Map<number, Map<number, string>>): void {
  while (r.at < end) {
    const id = r.byte();
    const size = r.u32();
    const next = r.at + size;
    if (id === 1) for (const [i, n] of r.vec(() => [r.u32(), r.name()] as const)) functions.set(i, n);
    if (id === 2) {
      for (const [f, names] of r.vec(() => [r.u32(), new Map(r.vec(() => [r.u32(), r.name()] as const))] as const)) locals.set(f, names);
    }
    r.at = next; // other subsections (module name, labels, ...) are skipped
  }
}

// #region decode-instructions
/** The instructions of a body, from `start` to `end` (its final `end` included), or only the first `max`. */
export function decodeInstructions(bytes: Uint8Array, start: number, end: number, max = Infinity): DecodedInstruction[] {
  const r = new Reader(bytes, start);
  const out: DecodedInstruction[] = [];
  while (r.at < end && out.length < max) {
    const offset = r.at;
    const code = r.byte();
    const name = instructionAt(code);
    if (name === undefined) throw new WasmDecodeError(`0x${code.toString(16).padStart(2, "0")} at byte ${offset} is not an instruction this backend emits`);
    const imm = INSTRUCTIONS[name].imm;
    switch (imm) {
      case "none":
        out.push({ offset, name, imm: null });
        break;
      case "block": {
        const type = r.byte();
        if (type !== EMPTY_BLOCK) throw new WasmDecodeError(`block type 0x${type.toString(16)} at byte ${r.at - 1}: this backend's blocks leave no value (0x40)`);
        out.push({ offset, name, imm: null });
        break;
      }
      case "memarg": {
        const align = r.u32();
        out.push({ offset, name, imm: r.u32(), align });
        break;
      }
      case "i32":
      case "i64":
        out.push({ offset, name, imm: r.signed(imm === "i32" ? 32 : 64) });
        break;
      default:
        out.push({ offset, name, imm: r.u32() });
    }
  }
  return out;
}
// #endregion
