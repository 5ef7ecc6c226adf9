// The assembler: one method per mnemonic, each formatting the instruction's GNU text and calling the
// encoding function for its form. Every instruction is one word, so the buffer is an array of words
// and a branch to a label not bound yet is a word whose displacement bind() ORs in later.
import { Label, LabelError } from "../05-control-flow/labels.ts";
import { formatAddress, type Address } from "./addressing.ts";
import { unsignedOf } from "./bitmask.ts";
import { branchBase, branchRegister, displacement, type Reach } from "./branches.ts";
import { invert, type Condition } from "./conditions.ts";
import {
  addSubImmediate, addSubRegister, conditionalSelect, logicalImmediate, logicalRegister, movePlan, moveWide,
  multiplyAdd, shiftImmediate, twoSource, type AddSub, type Logical, type LogicalReg, type MovePiece, type MoveWide, type Shift,
} from "./data-processing.ts";
import { A64EncodeError, Reject } from "./errors.ts";
import { loadStore, loadStorePair, loadStoreUnscaled, type LoadStore, type Unscaled } from "./loads-stores.ts";
import { wzr, x30, xzr, type Reg } from "./registers.ts";
import { cacheMaintenance, DSB_ISH, exception, ISB, NOP } from "./system.ts";

export { Label };

/** Where a branch goes: a label, or an offset in this buffer (where `a.offset` was). */
export type Target = Label | number;

export interface ListingLine {
  readonly offset: number;
  readonly word: number;
  readonly text: string;
}

// #region fixups
/** A branch emitted before its label was bound: where its word is and how to fill in the distance. */
interface Fixup {
  readonly at: number;
  readonly reach: Reach;
  readonly mnemonic: string;
  readonly text: string;
}

interface LabelState {
  offset: number | null;
  readonly pending: Fixup[];
}
// #endregion fixups

const zeroOf = (r: Reg): Reg => (r.size === 64 ? xzr : wzr);
const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
/** A logical immediate as the listing shows it: hex, as a pattern of bits reads best (negative ones in two's complement). */
const bitmaskText = (v: number | bigint, size: number): string =>
  (typeof v === "number" && v >= 0 && v < 10 ? `#${v}` : `#${hex(BigInt.asUintN(size, BigInt(v)))}`);
/** An immediate as the listing shows it: decimal while small, hex beyond. */
const imm = (v: number | bigint): string => (v > -4096 && v < 4096 ? `#${v}` : `#${hex(v)}`.replace("#0x-", "#-0x"));

export class Assembler {
  #words = new Uint32Array(64);
  #length = 0;
  readonly #texts: string[] = [];
  readonly #labels = new Map<Label, LabelState>();

  /** The byte offset of the next instruction (four times the number of words so far). */
  get offset(): number {
    return this.#length * 4;
  }

  // #region emit
  /** Append the word `encode` makes; a Reject it throws becomes an A64EncodeError naming `text`. */
  protected emit(text: string, encode: () => number): this {
    let word: number;
    try {
      word = encode();
    } catch (e) {
      if (e instanceof Reject) throw new A64EncodeError(text, e.message);
      throw e;
    }
    if (this.#length === this.#words.length) {
      const bigger = new Uint32Array(this.#words.length * 2);
      bigger.set(this.#words);
      this.#words = bigger;
    }
    this.#words[this.#length++] = word;
    this.#texts.push(text);
    return this;
  }
  // #endregion emit

  // #region labels
  /** A new, unbound label; the name is for listings and errors. */
  newLabel(name = `L${this.#labels.size}`): Label {
    const label = new Label(name);
    this.#labels.set(label, { offset: null, pending: [] });
    return label;
  }

  /** Put `label` here and fill in the displacement of every branch that was waiting for it. */
  bind(label: Label): this {
    const state = this.#state(label);
    if (state.offset !== null) throw new LabelError(`label '${label}' is already bound at offset ${state.offset}: make a new label for offset ${this.offset}`);
    state.offset = this.offset;
    for (const f of state.pending) {
      try {
        this.#words[f.at / 4] = (this.#words[f.at / 4]! | displacement(f.reach, this.offset - f.at, f.mnemonic)) >>> 0;
      } catch (e) {
        if (e instanceof Reject) throw new A64EncodeError(f.text, e.message);
        throw e;
      }
    }
    state.pending.length = 0;
    return this;
  }

  /** A PC-relative instruction: its displacement now if the target is known, else a fixup. */
  protected branch(mnemonic: string, text: string, reach: Reach, base: () => number, target: Target): this {
    const at = this.offset;
    const where = target instanceof Label ? target.name : target === at ? "." : `.${target > at ? "+" : "-"}${Math.abs(target - at)}`;
    const full = `${text}${where}`;
    if (!(target instanceof Label)) return this.emit(full, () => (base() | displacement(reach, target - at, mnemonic)) >>> 0);
    const state = this.#state(target);
    if (state.offset !== null) return this.emit(full, () => (base() | displacement(reach, state.offset! - at, mnemonic)) >>> 0);
    this.emit(full, base);
    state.pending.push({ at, reach, mnemonic, text: full });
    return this;
  }

  #state(label: Label): LabelState {
    const state = this.#labels.get(label);
    if (!state) throw new LabelError(`label '${label}' belongs to another assembler: make labels with this one's newLabel`);
    return state;
  }
  // #endregion labels

  /** The code as words, once every label a branch uses is bound. */
  words(): Uint32Array {
    const unbound = [...this.#labels].filter(([, s]) => s.pending.length > 0);
    if (unbound.length > 0) {
      const list = unbound.map(([l, s]) => `'${l}' (used by '${s.pending[0]!.text}' at offset ${s.pending[0]!.at})`).join(", ");
      throw new LabelError(`${list} never bound: bind each label where its code starts`);
    }
    return this.#words.slice(0, this.#length);
  }

  /** The code as bytes, each word little-endian as A64 Linux runs it. */
  bytes(): Uint8Array {
    const words = this.words();
    const out = new Uint8Array(words.length * 4);
    const view = new DataView(out.buffer);
    words.forEach((w, i) => view.setUint32(i * 4, w, true));
    return out;
  }

  /** Every instruction so far: its offset, its word (displacements as far as bound) and its text. */
  get listing(): ListingLine[] {
    return this.#texts.map((text, i) => ({ offset: i * 4, word: this.#words[i]!, text }));
  }

  toString(): string {
    return this.listing.map((l) => `${l.offset.toString(16).padStart(4, "0")}  ${l.word.toString(16).padStart(8, "0")}  ${l.text}`).join("\n");
  }

  // #region arithmetic
  add(rd: Reg, rn: Reg, source: Reg | number, shift?: Shift, amount?: number): this {
    return this.#addSub("add", rd, rn, source, shift, amount);
  }
  adds(rd: Reg, rn: Reg, source: Reg | number, shift?: Shift, amount?: number): this {
    return this.#addSub("adds", rd, rn, source, shift, amount);
  }
  sub(rd: Reg, rn: Reg, source: Reg | number, shift?: Shift, amount?: number): this {
    return this.#addSub("sub", rd, rn, source, shift, amount);
  }
  subs(rd: Reg, rn: Reg, source: Reg | number, shift?: Shift, amount?: number): this {
    return this.#addSub("subs", rd, rn, source, shift, amount);
  }
  /** cmp rn, source: subs with the result thrown away (xzr). */
  cmp(rn: Reg, source: Reg | number, shift?: Shift, amount?: number): this {
    return this.#addSub("subs", zeroOf(rn), rn, source, shift, amount, `cmp ${rn.name}, `);
  }
  /** cmn rn, source: adds with the result thrown away, so compares with -source. */
  cmn(rn: Reg, source: Reg | number, shift?: Shift, amount?: number): this {
    return this.#addSub("adds", zeroOf(rn), rn, source, shift, amount, `cmn ${rn.name}, `);
  }
  /** neg rd, rm: sub from xzr. */
  neg(rd: Reg, rm: Reg, shift?: Shift, amount?: number): this {
    return this.#addSub("sub", rd, zeroOf(rd), rm, shift, amount, `neg ${rd.name}, `);
  }

  #addSub(op: AddSub, rd: Reg, rn: Reg, source: Reg | number, shift: Shift | undefined, amount: number | undefined, prefix = `${op} ${rd.name}, ${rn.name}, `): this {
    const suffix = shift === undefined ? "" : `, ${shift} #${amount ?? 0}`;
    if (typeof source === "number") {
      return this.emit(`${prefix}#${source}${suffix}`, () => {
        if (shift !== undefined && (shift !== "lsl" || (amount !== 0 && amount !== 12))) throw new Reject(`an immediate shifts only by lsl #0 or lsl #12, not ${shift} #${amount ?? 0}`);
        return addSubImmediate(op, rd, rn, source, shift === undefined ? undefined : (amount as 0 | 12));
      });
    }
    return this.emit(`${prefix}${source.name}${suffix}`, () => addSubRegister(op, rd, rn, source, shift, amount));
  }
  // #endregion arithmetic

  // #region logic
  and(rd: Reg, rn: Reg, source: Reg | number | bigint, shift?: Shift, amount?: number): this {
    return this.#logical("and", rd, rn, source, shift, amount);
  }
  orr(rd: Reg, rn: Reg, source: Reg | number | bigint, shift?: Shift, amount?: number): this {
    return this.#logical("orr", rd, rn, source, shift, amount);
  }
  eor(rd: Reg, rn: Reg, source: Reg | number | bigint, shift?: Shift, amount?: number): this {
    return this.#logical("eor", rd, rn, source, shift, amount);
  }
  ands(rd: Reg, rn: Reg, source: Reg | number | bigint, shift?: Shift, amount?: number): this {
    return this.#logical("ands", rd, rn, source, shift, amount);
  }
  bic(rd: Reg, rn: Reg, rm: Reg, shift?: Shift, amount?: number): this {
    return this.#logical("bic", rd, rn, rm, shift, amount);
  }
  bics(rd: Reg, rn: Reg, rm: Reg, shift?: Shift, amount?: number): this {
    return this.#logical("bics", rd, rn, rm, shift, amount);
  }
  orn(rd: Reg, rn: Reg, rm: Reg, shift?: Shift, amount?: number): this {
    return this.#logical("orn", rd, rn, rm, shift, amount);
  }
  eon(rd: Reg, rn: Reg, rm: Reg, shift?: Shift, amount?: number): this {
    return this.#logical("eon", rd, rn, rm, shift, amount);
  }
  /** tst rn, source: ands with the result thrown away. */
  tst(rn: Reg, source: Reg | number | bigint, shift?: Shift, amount?: number): this {
    return this.#logical("ands", zeroOf(rn), rn, source, shift, amount, `tst ${rn.name}, `);
  }
  /** mvn rd, rm: orn from xzr, the bitwise not. */
  mvn(rd: Reg, rm: Reg, shift?: Shift, amount?: number): this {
    return this.#logical("orn", rd, zeroOf(rd), rm, shift, amount, `mvn ${rd.name}, `);
  }

  #logical(op: LogicalReg, rd: Reg, rn: Reg, source: Reg | number | bigint, shift: Shift | undefined, amount: number | undefined, prefix = `${op} ${rd.name}, ${rn.name}, `): this {
    if (typeof source === "object") {
      const suffix = shift === undefined ? "" : `, ${shift} #${amount ?? 0}`;
      return this.emit(`${prefix}${source.name}${suffix}`, () => logicalRegister(op, rd, rn, source, shift, amount));
    }
    return this.emit(`${prefix}${bitmaskText(source, rd.size)}`, () => {
      if (op !== "and" && op !== "orr" && op !== "eor" && op !== "ands") throw new Reject(`${op} has no immediate form: ${op === "bic" ? "and" : op === "orn" ? "orr" : "eor"} with the inverted constant does the same`);
      if (shift !== undefined) throw new Reject(`a logical immediate takes no shift: the bitmask itself says where its ones are`);
      return logicalImmediate(op as Logical, rd, rn, source);
    });
  }
  // #endregion logic

  // #region moves
  /** mov rd, rm (orr from xzr, or add #0 when either is sp), or mov rd, #constant (movImmediate). */
  mov(rd: Reg, source: Reg | number | bigint): this {
    if (typeof source !== "object") return this.movImmediate(rd, source);
    if (rd.role === "sp" || source.role === "sp") return this.emit(`mov ${rd.name}, ${source.name}`, () => addSubImmediate("add", rd, source, 0));
    return this.emit(`mov ${rd.name}, ${source.name}`, () => logicalRegister("orr", rd, zeroOf(rd), source));
  }

  /** The shortest sequence movePlan finds for the constant: one instruction, or movz/movn and up to three movk. */
  movImmediate(rd: Reg, value: number | bigint): this {
    let plan: MovePiece[];
    try {
      plan = movePlan(value, rd.size);
    } catch (e) {
      if (e instanceof Reject) throw new A64EncodeError(`mov ${rd.name}, #${value}`, e.message);
      throw e;
    }
    if (plan.length === 1) {
      const piece = plan[0]!;
      const text = `mov ${rd.name}, ${imm(unsignedOf(value, rd.size))}`;
      return this.emit(text, () => (piece.op === "orr" ? logicalImmediate("orr", rd, zeroOf(rd), piece.imm) : moveWide(piece.op, rd, piece.imm, piece.shift)));
    }
    for (const piece of plan) if (piece.op !== "orr") this.#moveWide(piece.op, rd, piece.imm, piece.shift);
    return this;
  }

  movz(rd: Reg, imm16: number, shift = 0): this {
    return this.#moveWide("movz", rd, imm16, shift);
  }
  movn(rd: Reg, imm16: number, shift = 0): this {
    return this.#moveWide("movn", rd, imm16, shift);
  }
  movk(rd: Reg, imm16: number, shift = 0): this {
    return this.#moveWide("movk", rd, imm16, shift);
  }

  #moveWide(op: MoveWide, rd: Reg, imm16: number, shift: number): this {
    return this.emit(`${op} ${rd.name}, #${hex(imm16)}${shift === 0 ? "" : `, lsl #${shift}`}`, () => moveWide(op, rd, imm16, shift));
  }
  // #endregion moves

  // #region multiply
  madd(rd: Reg, rn: Reg, rm: Reg, ra: Reg): this {
    return this.emit(`madd ${rd.name}, ${rn.name}, ${rm.name}, ${ra.name}`, () => multiplyAdd("madd", rd, rn, rm, ra));
  }
  msub(rd: Reg, rn: Reg, rm: Reg, ra: Reg): this {
    return this.emit(`msub ${rd.name}, ${rn.name}, ${rm.name}, ${ra.name}`, () => multiplyAdd("msub", rd, rn, rm, ra));
  }
  /** mul rd, rn, rm: madd with xzr as the addend. */
  mul(rd: Reg, rn: Reg, rm: Reg): this {
    return this.emit(`mul ${rd.name}, ${rn.name}, ${rm.name}`, () => multiplyAdd("madd", rd, rn, rm, zeroOf(rd)));
  }
  udiv(rd: Reg, rn: Reg, rm: Reg): this {
    return this.emit(`udiv ${rd.name}, ${rn.name}, ${rm.name}`, () => twoSource("udiv", rd, rn, rm));
  }
  sdiv(rd: Reg, rn: Reg, rm: Reg): this {
    return this.emit(`sdiv ${rd.name}, ${rn.name}, ${rm.name}`, () => twoSource("sdiv", rd, rn, rm));
  }
  // #endregion multiply

  // #region shifts
  lsl(rd: Reg, rn: Reg, by: Reg | number): this {
    return this.#shift("lsl", rd, rn, by);
  }
  lsr(rd: Reg, rn: Reg, by: Reg | number): this {
    return this.#shift("lsr", rd, rn, by);
  }
  asr(rd: Reg, rn: Reg, by: Reg | number): this {
    return this.#shift("asr", rd, rn, by);
  }
  /** ror rd, rn, rm: by a register only (the immediate form is extr). */
  ror(rd: Reg, rn: Reg, by: Reg): this {
    return this.emit(`ror ${rd.name}, ${rn.name}, ${by.name}`, () => twoSource("rorv", rd, rn, by));
  }

  #shift(op: "lsl" | "lsr" | "asr", rd: Reg, rn: Reg, by: Reg | number): this {
    if (typeof by === "number") return this.emit(`${op} ${rd.name}, ${rn.name}, #${by}`, () => shiftImmediate(op, rd, rn, by));
    return this.emit(`${op} ${rd.name}, ${rn.name}, ${by.name}`, () => twoSource(`${op}v`, rd, rn, by));
  }
  // #endregion shifts

  // #region selects
  csel(rd: Reg, rn: Reg, rm: Reg, cond: Condition): this {
    return this.emit(`csel ${rd.name}, ${rn.name}, ${rm.name}, ${cond}`, () => conditionalSelect("csel", rd, rn, rm, cond));
  }
  csinc(rd: Reg, rn: Reg, rm: Reg, cond: Condition): this {
    return this.emit(`csinc ${rd.name}, ${rn.name}, ${rm.name}, ${cond}`, () => conditionalSelect("csinc", rd, rn, rm, cond));
  }
  csinv(rd: Reg, rn: Reg, rm: Reg, cond: Condition): this {
    return this.emit(`csinv ${rd.name}, ${rn.name}, ${rm.name}, ${cond}`, () => conditionalSelect("csinv", rd, rn, rm, cond));
  }
  csneg(rd: Reg, rn: Reg, rm: Reg, cond: Condition): this {
    return this.emit(`csneg ${rd.name}, ${rn.name}, ${rm.name}, ${cond}`, () => conditionalSelect("csneg", rd, rn, rm, cond));
  }
  /** cset rd, cond: 1 if cond holds, else 0 (csinc rd, xzr, xzr with the inverted condition). */
  cset(rd: Reg, cond: Condition): this {
    return this.emit(`cset ${rd.name}, ${cond}`, () => {
      if (cond === "al" || cond === "nv") throw new Reject(`cset ${cond} would always give 1: it has no encoding (use mov ${rd.name}, #1)`);
      return conditionalSelect("csinc", rd, zeroOf(rd), zeroOf(rd), invert(cond));
    });
  }
  // #endregion selects

  // #region memory
  ldr(rt: Reg, address: Address): this { return this.#loadStore("ldr", rt, address); }
  str(rt: Reg, address: Address): this { return this.#loadStore("str", rt, address); }
  ldrb(rt: Reg, address: Address): this { return this.#loadStore("ldrb", rt, address); }
  strb(rt: Reg, address: Address): this { return this.#loadStore("strb", rt, address); }
  ldrh(rt: Reg, address: Address): this { return this.#loadStore("ldrh", rt, address); }
  strh(rt: Reg, address: Address): this { return this.#loadStore("strh", rt, address); }
  ldrsb(rt: Reg, address: Address): this { return this.#loadStore("ldrsb", rt, address); }
  ldrsh(rt: Reg, address: Address): this { return this.#loadStore("ldrsh", rt, address); }
  ldrsw(rt: Reg, address: Address): this { return this.#loadStore("ldrsw", rt, address); }
  ldur(rt: Reg, address: Address): this { return this.#unscaled("ldur", rt, address); }
  stur(rt: Reg, address: Address): this { return this.#unscaled("stur", rt, address); }
  ldurb(rt: Reg, address: Address): this { return this.#unscaled("ldurb", rt, address); }
  sturb(rt: Reg, address: Address): this { return this.#unscaled("sturb", rt, address); }
  ldurh(rt: Reg, address: Address): this { return this.#unscaled("ldurh", rt, address); }
  sturh(rt: Reg, address: Address): this { return this.#unscaled("sturh", rt, address); }
  ldursb(rt: Reg, address: Address): this { return this.#unscaled("ldursb", rt, address); }
  ldursh(rt: Reg, address: Address): this { return this.#unscaled("ldursh", rt, address); }
  ldursw(rt: Reg, address: Address): this { return this.#unscaled("ldursw", rt, address); }
  ldp(rt: Reg, rt2: Reg, address: Address): this {
    return this.emit(`ldp ${rt.name}, ${rt2.name}, ${formatAddress(address)}`, () => loadStorePair("ldp", rt, rt2, address));
  }
  stp(rt: Reg, rt2: Reg, address: Address): this {
    return this.emit(`stp ${rt.name}, ${rt2.name}, ${formatAddress(address)}`, () => loadStorePair("stp", rt, rt2, address));
  }

  #loadStore(op: LoadStore, rt: Reg, address: Address): this {
    return this.emit(`${op} ${rt.name}, ${formatAddress(address)}`, () => loadStore(op, rt, address));
  }
  #unscaled(op: Unscaled, rt: Reg, address: Address): this {
    return this.emit(`${op} ${rt.name}, ${formatAddress(address)}`, () => loadStoreUnscaled(op, rt, address));
  }
  // #endregion memory

  // #region branches
  b(target: Target): this {
    return this.branch("b", "b ", "imm26", branchBase.b, target);
  }
  bl(target: Target): this {
    return this.branch("bl", "bl ", "imm26", branchBase.bl, target);
  }
  /** b.cond: `a.bcond("ne", loop)` is b.ne loop. */
  bcond(cond: Condition, target: Target): this {
    return this.branch(`b.${cond}`, `b.${cond} `, "imm19", () => branchBase.bcond(cond), target);
  }
  cbz(rt: Reg, target: Target): this {
    return this.branch("cbz", `cbz ${rt.name}, `, "imm19", () => branchBase.cbz("cbz", rt), target);
  }
  cbnz(rt: Reg, target: Target): this {
    return this.branch("cbnz", `cbnz ${rt.name}, `, "imm19", () => branchBase.cbz("cbnz", rt), target);
  }
  tbz(rt: Reg, bit: number, target: Target): this {
    return this.branch("tbz", `tbz ${rt.name}, #${bit}, `, "imm14", () => branchBase.tbz("tbz", rt, bit), target);
  }
  tbnz(rt: Reg, bit: number, target: Target): this {
    return this.branch("tbnz", `tbnz ${rt.name}, #${bit}, `, "imm14", () => branchBase.tbz("tbnz", rt, bit), target);
  }
  /** adr rd, target: the target's address, computed from this instruction's own. */
  adr(rd: Reg, target: Target): this {
    return this.branch("adr", `adr ${rd.name}, `, "adr", () => branchBase.adr(rd), target);
  }
  br(rn: Reg): this {
    return this.emit(`br ${rn.name}`, () => branchRegister("br", rn));
  }
  blr(rn: Reg): this {
    return this.emit(`blr ${rn.name}`, () => branchRegister("blr", rn));
  }
  ret(rn: Reg = x30): this {
    return this.emit(rn === x30 ? "ret" : `ret ${rn.name}`, () => branchRegister("ret", rn));
  }
  // #endregion branches

  // #region system
  nop(): this {
    return this.emit("nop", () => NOP);
  }
  brk(imm16 = 0): this {
    return this.emit(`brk #${imm16}`, () => exception("brk", imm16));
  }
  svc(imm16 = 0): this {
    return this.emit(`svc #${imm16}`, () => exception("svc", imm16));
  }
  dcCvau(rt: Reg): this {
    return this.emit(`dc cvau, ${rt.name}`, () => cacheMaintenance("dc cvau", rt));
  }
  icIvau(rt: Reg): this {
    return this.emit(`ic ivau, ${rt.name}`, () => cacheMaintenance("ic ivau", rt));
  }
  dsbIsh(): this {
    return this.emit("dsb ish", () => DSB_ISH);
  }
  isb(): this {
    return this.emit("isb", () => ISB);
  }
  // #endregion system
}

