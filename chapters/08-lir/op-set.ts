// The LIR's set of ops is open. This chapter's ops (add, set, move, check, loop, in, out) are known
// to every stage by name; an op kind added to the set brings, in one definition, everything each
// stage needs to know about it: what it reaches and holds, how the verifier follows it, its text
// form, what it does in the interpreter's run loop, and its machine code. The stages look it up here.
import type { X86Lowering } from "./codegen-x86.ts";
import type { Flattener } from "./interpret-lir.ts";
import type { Op, OpKind, OpTypes, Range, Reach } from "./lir.ts";
import type { Block, LirLexer, Token } from "./parse-lir.ts";
import type { Printer } from "./print.ts";
import type { Walker } from "./verify.ts";

// #region op-definition
/** Everything the stages of this chapter need to know about an op kind added to OpTypes later. */
export interface OpDefinition<K extends OpKind> {
  readonly kind: K;
  /** The cells it steps onto, in order, if it can fail a bounds check (see reachesOf). */
  reaches?(op: OpTypes[K]): readonly Reach[];
  /** The op lists inside it (see innerOps). */
  inner?(op: OpTypes[K]): readonly (readonly Op[])[];
  /** It moves the pointer by an amount the tape decides: no list holding it is balanced. */
  readonly movesPointer?: boolean;
  /** The verifier: the cells known to be on the tape after it, from `r` before it (see verify.ts). */
  verify(op: OpTypes[K], r: Range, v: Walker): Range;
  /** Its text form, read back by `parse` (see print.ts). */
  print(op: OpTypes[K], p: Printer): void;
  /** Read the rest of it, after its first word `t`, the kind's name (see parse-lir.ts). */
  parse(t: Token, lex: LirLexer): OpTypes[K] | Block;
  /** Its instructions in the interpreter's flat program (see interpret-lir.ts). */
  flatten(op: OpTypes[K], f: Flattener): void;
  /** Its machine code (see codegen-x86.ts). */
  x86(l: X86Lowering, op: OpTypes[K], previous: Op | null): void;
}

/** By kind name: a plain record rather than a Map, since the stages look a kind up for nearly every op they meet. */
const definitions: Record<string, OpDefinition<OpKind> | undefined> = Object.create(null);

/** Make an op kind known to every stage. A kind is defined once. */
export function defineOp<K extends OpKind>(def: OpDefinition<K>): void {
  const known = definitions[def.kind];
  if (known !== undefined && known !== def) throw new Error(`the op kind '${def.kind}' is defined twice: define each kind once`);
  definitions[def.kind] = def;
}
// #endregion op-definition

/** The definition of an added kind, or undefined (this chapter's kinds have none). */
export function findDefinition(kind: string): OpDefinition<OpKind> | undefined {
  return definitions[kind];
}

/** The definition of `op`'s kind, which a module imported before `op` was made must have defined. */
export function definitionOf(op: Op): OpDefinition<OpKind> {
  const def = definitions[op.kind];
  if (def === undefined) throw new Error(`no definition of the op kind '${op.kind}': import the module that calls defineOp for it before using such ops`);
  return def;
}

/** The added kinds, in the order they were defined. */
export function definedKinds(): readonly string[] {
  return Object.keys(definitions);
}
