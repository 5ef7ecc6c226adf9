// One function's code: its locals and its instructions, as bytes. WebAssembly control flow is
// structured (block, loop, if, each closed by an end) and a branch names its target by how many
// constructs out it is: `br 0` is the innermost. Counting that by hand is the classic bug, so here a
// construct returns a Label and a branch takes one; the depth is worked out when it is emitted.
import { ByteBuffer } from "../04-encoder/byte-buffer.ts";
import { unsigned, writeSigned, writeUnsigned } from "./leb128.ts";
import { EMPTY_BLOCK, INSTRUCTIONS, VALUE_TYPES, type InstructionName, type ValueType } from "./instructions.ts";

export class WasmEncodeError extends Error {
  override name = "WasmEncodeError";
}

/** A function of the module, imported or defined: what `call` takes. */
export interface FuncRef {
  readonly index: number;
  readonly name: string;
}

/** A global of the module: what `global.get` and `global.set` take. */
export interface GlobalRef {
  readonly index: number;
  readonly name: string;
}

/** A parameter or local of this function: what `local.get` takes. */
export interface Local {
  readonly index: number;
  readonly type: ValueType;
  readonly name: string;
}

/** An open block, loop or if: what a branch takes. A branch to a loop goes back to its start. */
export interface Label {
  readonly kind: "block" | "loop" | "if";
  readonly id: number;
}

// #region emit-args
type ArgsFor = {
  none: [];
  label: [target: Label];
  func: [f: FuncRef];
  local: [l: Local];
  global: [g: GlobalRef];
  memarg: [offset: number];
  i32: [value: number];
  i64: [value: number | bigint];
  block: never; // block, loop and if open a construct: use the methods of the same names
};

/** The arguments `emit(name, ...)` takes: one per immediate of the instruction. */
export type Args<N extends InstructionName> = ArgsFor[(typeof INSTRUCTIONS)[N]["imm"]];
// #endregion

/** What a finished body holds: the bytes of its code entry, and what the disassembler may show. */
export interface EncodedBody {
  /** The locals vector, the instructions and the closing `end` (the code entry without its size). */
  readonly bytes: Uint8Array;
  /** Comments to show before the instruction at each offset (from the start of `bytes`). */
  readonly comments: ReadonlyMap<number, readonly string[]>;
  readonly localNames: readonly string[];
}

// #region function-body
export class FunctionBody {
  private readonly code = new ByteBuffer();
  private readonly locals: Local[] = [];
  private readonly open: Label[] = [];
  private readonly notes: { at: number; text: string }[] = [];
  private nextLabel = 0;
  private readonly paramCount: number;
  /** The size of the locals vector, worked out again only after a new local. */
  private localsSize: number | undefined;

  constructor(params: readonly { readonly name: string; readonly type: ValueType }[]) {
    for (const p of params) this.locals.push({ index: this.locals.length, type: p.type, name: p.name });
    this.paramCount = params.length;
  }

  /** Parameter i. */
  param(i: number): Local {
    const p = this.locals[i];
    if (p === undefined) throw new WasmEncodeError(`this function has no parameter ${i}`);
    return p;
  }

  /** A new local, zero at the start of every call. */
  local(type: ValueType, name: string): Local {
    const l = { index: this.locals.length, type, name };
    this.locals.push(l);
    this.localsSize = undefined;
    return l;
  }

  /** The bytes finish() would return now: the locals vector, the instructions so far, the closing end. */
  get size(): number {
    this.localsSize ??= localsVector(this.locals.slice(this.paramCount)).length;
    return this.localsSize + this.code.length + 1;
  }

  /** One instruction: `emit("i32.const", 5)`, `emit("local.get", p)`, `emit("br_if", loop)`. */
  emit<N extends InstructionName>(name: N, ...args: Args<N>): this {
    const { code, imm } = INSTRUCTIONS[name];
    this.code.byte(code);
    const [arg] = args as readonly (number | bigint | Label | FuncRef | Local | GlobalRef)[];
    switch (imm) {
      case "none":
        break;
      case "label":
        writeUnsigned(this.code, this.depthOf(arg as Label, name));
        break;
      case "func":
      case "local":
      case "global":
        writeUnsigned(this.code, (arg as FuncRef | Local | GlobalRef).index);
        break;
      case "memarg":
        this.code.byte(0); // alignment 2^0: a promise of nothing, so an access may be unaligned
        writeUnsigned(this.code, arg as number);
        break;
      case "i32":
        writeSigned(this.code, arg as number, 32);
        break;
      case "i64":
        writeSigned(this.code, arg as number | bigint, 64);
        break;
      case "block":
        throw new WasmEncodeError(`'${name}' opens a construct: call body.${name}(), which returns its label`);
    }
    return this;
  }

  block(): Label {
    return this.openConstruct("block");
  }

  loop(): Label {
    return this.openConstruct("loop");
  }

  /** Pops the condition; runs what follows if it is not 0, up to else() or end(). */
  if(): Label {
    return this.openConstruct("if");
  }

  else(): this {
    if (this.open.at(-1)?.kind !== "if") throw new WasmEncodeError(`else() with no if() open: else belongs to the innermost construct, which must be an if`);
    this.code.byte(INSTRUCTIONS.else.code);
    return this;
  }

  /** Close the innermost construct. */
  end(): this {
    if (this.open.pop() === undefined) throw new WasmEncodeError(`end() with nothing open: the function's own end is added by finish()`);
    this.code.byte(INSTRUCTIONS.end.code);
    return this;
  }

  /** A note for the reader, shown by the disassembler before the next instruction. */
  comment(text: string): this {
    this.notes.push({ at: this.code.length, text });
    return this;
  }

  finish(): EncodedBody {
    if (this.open.length > 0) throw new WasmEncodeError(`finish() with ${this.open.length} construct(s) still open: every block, loop and if needs its end()`);
    const declared = this.locals.slice(this.paramCount); // parameters are not declared again
    const prefix = localsVector(declared);
    const bytes = new Uint8Array(prefix.length + this.code.length + 1);
    bytes.set(prefix);
    bytes.set(this.code.view(), prefix.length);
    bytes[bytes.length - 1] = INSTRUCTIONS.end.code;
    const comments = new Map<number, string[]>();
    for (const { at, text } of this.notes) {
      const list = comments.get(at + prefix.length);
      if (list) list.push(text);
      else comments.set(at + prefix.length, [text]);
    }
    return { bytes, comments, localNames: this.locals.map((l) => l.name) };
  }
  // #endregion

  private openConstruct(kind: Label["kind"]): Label {
    const label = { kind, id: this.nextLabel++ };
    this.code.bytes([INSTRUCTIONS[kind].code, EMPTY_BLOCK]);
    this.open.push(label);
    return label;
  }

  // #region depth
  /** How many constructs out `target` is from here: 0 for the innermost. */
  private depthOf(target: Label, instruction: string): number {
    const i = this.open.lastIndexOf(target);
    if (i < 0) throw new WasmEncodeError(`${instruction} to a label that is not open here: a branch can only leave constructs it is inside`);
    return this.open.length - 1 - i;
  }
  // #endregion
}

/** Locals are declared in runs of one type: (count, type), (count, type), ... */
function localsVector(locals: readonly Local[]): number[] {
  const runs: { count: number; type: ValueType }[] = [];
  for (const l of locals) {
    const last = runs.at(-1);
    if (last?.type === l.type) last.count++;
    else runs.push({ count: 1, type: l.type });
  }
  return [...unsigned(runs.length), ...runs.flatMap((r) => [...unsigned(r.count), VALUE_TYPES[r.type]])];
}
