// A WebAssembly module, built up and then encoded: the magic number and version, then sections in
// their fixed order, each an id byte, its size, and its contents. Only what the backend needs:
// function types, imports (functions and a memory), functions, mutable globals, exports, code, and
// the "name" custom section that lets tools and stack traces show $run instead of func 3.
import { ByteBuffer } from "../04-encoder/byte-buffer.ts";
import { concat } from "./bytes.ts";
import { FunctionBody, WasmEncodeError, type EncodedBody, type FuncRef, type GlobalRef } from "./function-body.ts";
import { VALUE_TYPES, type ValueType } from "./instructions.ts";
import { signed, unsigned, writeUnsigned } from "./leb128.ts";

// #region header
/** "\0asm", then version 1, little-endian. Every module starts with these eight bytes. */
export const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00] as const;

export const SECTION = { custom: 0, type: 1, import: 2, function: 3, memory: 5, global: 6, export: 7, code: 10 } as const;
export const EXTERNAL = { func: 0x00, memory: 0x02, global: 0x03 } as const;
export const FUNC_TYPE = 0x60;
// #endregion

export interface FuncType {
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

/** Memory size in pages of 64 KiB; no maximum means the memory may grow without limit. */
export interface Limits {
  readonly min: number;
  readonly max?: number;
}

export const PAGE_SIZE = 65536;

export interface EncodedModule {
  readonly bytes: Uint8Array;
  /** By function index: the comments its body asked for, by offset within the body. */
  readonly comments: ReadonlyMap<number, ReadonlyMap<number, readonly string[]>>;
}

type Import =
  | { readonly module: string; readonly name: string; readonly kind: "func"; readonly type: number }
  | { readonly module: string; readonly name: string; readonly kind: "memory"; readonly limits: Limits };

interface Defined {
  readonly ref: FuncRef;
  readonly type: number;
  readonly body: FunctionBody;
}

interface Global {
  readonly ref: GlobalRef;
  readonly type: ValueType;
  readonly init: number;
}

interface Export {
  readonly name: string;
  readonly kind: keyof typeof EXTERNAL;
  readonly index: number;
}

// #region module-builder
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly imports: Import[] = [];
  private readonly functions: Defined[] = [];
  private readonly globals: Global[] = [];
  private readonly exports: Export[] = [];
  private readonly functionNames: string[] = [];

  /** An imported function. Imports come first in the function index space, so before any func(). */
  importFunction(module: string, name: string, type: FuncType): FuncRef {
    if (this.functions.length > 0) throw new WasmEncodeError(`import ${module}.${name} before defining functions: imported functions take the first indices`);
    this.imports.push({ module, name, kind: "func", type: this.typeIndex(type) });
    return this.named(name);
  }

  importMemory(module: string, name: string, limits: Limits): void {
    if (this.imports.some((i) => i.kind === "memory")) throw new WasmEncodeError(`a module has at most one memory: ${module}.${name} would be the second`);
    this.imports.push({ module, name, kind: "memory", limits });
  }

  /** A function defined here: write its code into the returned body. */
  func(name: string, type: FuncType, paramNames: readonly string[] = type.params.map((_, i) => `p${i}`)): { ref: FuncRef; body: FunctionBody } {
    if (paramNames.length !== type.params.length) throw new WasmEncodeError(`${name} has ${type.params.length} parameters but ${paramNames.length} names for them`);
    const body = new FunctionBody(type.params.map((t, i) => ({ type: t, name: paramNames[i]! })));
    const ref = this.named(name);
    this.functions.push({ ref, type: this.typeIndex(type), body });
    return { ref, body };
  }

  /** A mutable global, starting at `init`. */
  global(name: string, type: ValueType, init = 0): GlobalRef {
    const ref = { index: this.globals.length, name };
    this.globals.push({ ref, type, init });
    return ref;
  }

  /** How many functions are defined here so far (imports not counted). */
  get defined(): number {
    return this.functions.length;
  }

  exportFunction(name: string, f: FuncRef): void {
    this.exports.push({ name, kind: "func", index: f.index });
  }

  exportGlobal(name: string, g: GlobalRef): void {
    this.exports.push({ name, kind: "global", index: g.index });
  }
  // #endregion

  // #region encode
  encode(opts: { readonly names?: boolean } = {}): EncodedModule {
    const bodies = this.functions.map((f) => f.body.finish());
    const parts: Uint8Array[] = [Uint8Array.from(HEADER)];
    const section = (id: number, contents: readonly Uint8Array[]) => {
      parts.push(Uint8Array.from([id, ...unsigned(contents.reduce((n, c) => n + c.length, 0))]), ...contents);
    };
    // A section with nothing in it is left out, as every toolchain does.
    if (this.types.length > 0) section(SECTION.type, [vec(this.types, funcType)]);
    if (this.imports.length > 0) section(SECTION.import, [vec(this.imports, importEntry)]);
    if (bodies.length > 0) section(SECTION.function, [vec(this.functions, (f) => unsigned(f.type))]);
    if (this.globals.length > 0) section(SECTION.global, [vec(this.globals, globalEntry)]);
    if (this.exports.length > 0) section(SECTION.export, [vec(this.exports, (e) => [...name(e.name), EXTERNAL[e.kind], ...unsigned(e.index)])]);
    if (bodies.length > 0) section(SECTION.code, [Uint8Array.from(unsigned(bodies.length)), ...bodies.flatMap((b) => [Uint8Array.from(unsigned(b.bytes.length)), b.bytes])]);
    if (opts.names !== false) section(SECTION.custom, [this.nameSection(bodies)]);
    const comments = new Map<number, ReadonlyMap<number, readonly string[]>>();
    bodies.forEach((b, i) => comments.set(this.functions[i]!.ref.index, b.comments));
    return { bytes: concat(parts), comments };
  }
  // #endregion

  /**
   * The "name" custom section: subsection 1 names functions, subsection 2 names each function's
   * locals. Engines ignore it except in stack traces; disassemblers use it for $names. A big program
   * has tens of thousands of functions, so the names go straight into buffers, with no array per name.
   */
  private nameSection(bodies: readonly EncodedBody[]): Uint8Array {
    const out = new ByteBuffer();
    writeName(out, "name");
    subsection(out, 1, (s) => {
      writeUnsigned(s, this.functionNames.length);
      this.functionNames.forEach((n, i) => {
        writeUnsigned(s, i);
        writeName(s, n);
      });
    });
    subsection(out, 2, (s) => {
      writeUnsigned(s, bodies.length);
      bodies.forEach((b, i) => {
        writeUnsigned(s, this.functions[i]!.ref.index);
        writeUnsigned(s, b.localNames.length);
        b.localNames.forEach((n, j) => {
          writeUnsigned(s, j);
          writeName(s, n);
        });
      });
    });
    return out.view();
  }

  private typeIndex(type: FuncType): number {
    const key = (t: FuncType) => `${t.params.join(",")}->${t.results.join(",")}`;
    const i = this.types.findIndex((t) => key(t) === key(type));
    if (i >= 0) return i;
    this.types.push(type);
    return this.types.length - 1;
  }

  private named(n: string): FuncRef {
    this.functionNames.push(n);
    return { index: this.functionNames.length - 1, name: n };
  }
}

function funcType(t: FuncType): number[] {
  const types = (ts: readonly ValueType[]) => [...unsigned(ts.length), ...ts.map((v) => VALUE_TYPES[v])];
  return [FUNC_TYPE, ...types(t.params), ...types(t.results)];
}

function importEntry(i: Import): number[] {
  const head = [...name(i.module), ...name(i.name), EXTERNAL[i.kind]];
  if (i.kind === "func") return [...head, ...unsigned(i.type)];
  const { min, max } = i.limits;
  return [...head, ...(max === undefined ? [0x00, ...unsigned(min)] : [0x01, ...unsigned(min), ...unsigned(max)])];
}

/** Type, mutability (1: mutable) and the constant expression of its initial value. */
function globalEntry(g: Global): number[] {
  const init = g.type === "i32" ? [0x41, ...signed(g.init, 32)] : [0x42, ...signed(g.init, 64)];
  return [VALUE_TYPES[g.type], 0x01, ...init, 0x0b];
}

/** A vector: its length, then each item. */
function vec<T>(items: readonly T[], encode: (item: T, index: number) => readonly number[]): Uint8Array {
  return Uint8Array.from([...unsigned(items.length), ...items.flatMap(encode)]);
}

const UTF8 = new TextEncoder();

/** A name: its length in UTF-8 bytes, then the bytes. */
export function name(s: string): number[] {
  const utf8 = UTF8.encode(s);
  return [...unsigned(utf8.length), ...utf8];
}

/** A name, written to `out`. */
function writeName(out: ByteBuffer, s: string): void {
  const utf8 = UTF8.encode(s);
  writeUnsigned(out, utf8.length);
  out.bytes(utf8);
}

/** A subsection of a custom section: its id, its size, then what `write` writes. */
function subsection(out: ByteBuffer, id: number, write: (s: ByteBuffer) => void): void {
  const contents = new ByteBuffer();
  write(contents);
  out.byte(id);
  writeUnsigned(out, contents.length);
  out.bytes(contents.view());
}
