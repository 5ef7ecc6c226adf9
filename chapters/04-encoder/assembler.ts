// The assembler: one typed method per mnemonic, each a thin call into the table-driven encoder,
// writing into a growable buffer and keeping a listing (offset, bytes, Intel text) as it goes.
import { ByteBuffer } from "./byte-buffer.ts";
import { CONDITION_NAMES, CONDITIONS, isCondition, type Condition } from "./conditions.ts";
import { Plan } from "./encoding.ts";
import { EncodeError, ListingError, Reject } from "./errors.ts";
import { fitsSigned, formatNumber } from "./numbers.ts";
import { isImm, type Imm, type Mem, type Num, type Operand } from "./operands.ts";
import type { Gpr, Xmm, Ymm } from "./registers.ts";
import { select } from "./select.ts";
import { formatInstruction } from "./syntax.ts";

/** How a branch to a known offset is encoded: the shortest that reaches, or rel8, or rel32. */
export type BranchWidth = "auto" | "short" | "near";
export type BranchMnemonic = "jmp" | "call" | `j${Condition}`;

// #region sites
/** Where a branch's displacement field is. It counts from `end`, the end of the instruction. */
export interface BranchSite {
  readonly start: number;
  readonly field: number;
  readonly width: 1 | 4;
  readonly end: number;
  /** The branch instruction: `jmp`, `call` or a `jcc`. */
  readonly mnemonic: BranchMnemonic;
  /**
   * What it jumps to, as the listing names it: an offset's text, or anything that prints as its
   * name, written out only when something prints it (branchText, for a listing or an error).
   */
  readonly target: string | { toString(): string };
}

/** A branch as the listing shows it: made only for a message, not for every branch a JIT emits. */
export const branchText = (site: Pick<BranchSite, "mnemonic" | "target">): string => `${site.mnemonic} ${site.target}`;

/** Where the last instruction's displacement and immediate fields are, to patch them later. */
export interface InstructionSite {
  readonly start: number;
  readonly end: number;
  readonly disp: { readonly offset: number; readonly bytes: 1 | 4 } | null;
  readonly imm: { readonly offset: number; readonly bytes: 1 | 2 | 4 | 8 } | null;
}
// #endregion sites

export interface ListingLine {
  readonly offset: number;
  readonly bytes: Uint8Array;
  readonly text: string;
}

/** A listing entry: its text, or the instruction to format when someone asks for the listing. */
interface Entry {
  readonly offset: number;
  readonly length: number;
  readonly text: string | null;
  readonly mnemonic: string;
  readonly ops: readonly Operand[];
}

type V = Xmm | Ymm;
const NO_OPERANDS: readonly Operand[] = [];

// #region nops
// The multi-byte nops Intel recommends (SDM vol. 2, NOP), with the GNU as input that produces each.
const NOPS: readonly (readonly [string, readonly number[]])[] = [
  ["nop", [0x90]],
  ["data16 nop", [0x66, 0x90]],
  ["nop dword ptr [rax]", [0x0f, 0x1f, 0x00]],
  ["{disp8} nop dword ptr [rax]", [0x0f, 0x1f, 0x40, 0x00]],
  ["{disp8} nop dword ptr [rax+rax*1]", [0x0f, 0x1f, 0x44, 0x00, 0x00]],
  ["{disp8} nop word ptr [rax+rax*1]", [0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00]],
  ["{disp32} nop dword ptr [rax]", [0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00]],
  ["{disp32} nop dword ptr [rax+rax*1]", [0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00]],
  ["{disp32} nop word ptr [rax+rax*1]", [0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00]],
];
// #endregion nops

export interface AssemblerOptions {
  /**
   * Keep a listing (offset, bytes and Intel text of every instruction) for `listing` and
   * `toString`. On unless turned off: a JIT that prints nothing saves the time and the memory.
   */
  readonly listing?: boolean;
}

export class Assembler {
  protected readonly buf = new ByteBuffer();
  // Where select plans each instruction: two records, filled in again every time.
  private readonly plans: readonly [Plan, Plan] = [new Plan(), new Plan()];
  // Where each instruction's operands go on their way to emit: an array per arity, filled in again
  // every time (see operands).
  private readonly arrays: readonly [Operand[], Operand[], Operand[], Operand[]] = [[], [0], [0, 0], [0, 0, 0]];
  /** The listing entries, or null when the assembler keeps no listing. */
  private readonly entries: Entry[] | null;
  // The last instruction's fields, kept as numbers; lastInstruction builds the object on demand.
  private last = { start: 0, end: 0, dispAt: 0, dispBytes: 0 as 0 | 1 | 4, immAt: 0, immBytes: 0 as 0 | 1 | 2 | 4 | 8 };

  constructor(options: AssemblerOptions = {}) {
    this.entries = options.listing === false ? null : [];
  }

  /** The offset the next instruction will be written at. */
  get offset(): number {
    return this.buf.length;
  }

  /** A copy of the machine code written so far. */
  bytes(): Uint8Array {
    return this.buf.slice();
  }

  /** Where the last instruction's fields are (for patching a displacement or an immediate). */
  get lastInstruction(): InstructionSite {
    const l = this.last;
    return {
      start: l.start,
      end: l.end,
      disp: l.dispBytes ? { offset: l.dispAt, bytes: l.dispBytes } : null,
      imm: l.immBytes ? { offset: l.immAt, bytes: l.immBytes } : null,
    };
  }

  get listing(): readonly ListingLine[] {
    if (this.entries === null) throw new ListingError("this Assembler keeps no listing: create it with new Assembler({ listing: true }), or leave the option out");
    return this.entries.map((e) => ({
      offset: e.offset,
      bytes: this.buf.slice(e.offset, e.offset + e.length),
      text: e.text ?? formatInstruction(e.mnemonic, e.ops),
    }));
  }

  /** `0000  48 01 d8   add rax, rbx`, one line per instruction. */
  toString(): string {
    const lines = this.listing;
    const hex = lines.map((l) => [...l.bytes].map((b) => b.toString(16).padStart(2, "0")).join(" "));
    const width = hex.reduce((w, h) => Math.max(w, h.length), 0); // not max(...): a million arguments overflow the stack
    return lines.map((l, i) => `${l.offset.toString(16).padStart(4, "0")}  ${hex[i]!.padEnd(width)}  ${l.text}`.trimEnd()).join("\n");
  }

  /**
   * The operands of one instruction as emit takes them, in an array of the assembler's own, filled in
   * again for the next instruction: a JIT emits instructions by the million, and an array apiece
   * would be that many objects for the collector. Trailing operands left undefined are not there.
   */
  protected operands(a?: Operand, b?: Operand, c?: Operand): readonly Operand[] {
    const ops = this.arrays[c !== undefined ? 3 : b !== undefined ? 2 : a !== undefined ? 1 : 0];
    if (a !== undefined) ops[0] = a;
    if (b !== undefined) ops[1] = b;
    if (c !== undefined) ops[2] = c;
    return ops;
  }

  // #region emit
  /**
   * Encode one instruction through the table. `shown` is the name the caller used (sete for the
   * table's setcc), and `cc` the condition code for the table's +cc rows. A Reject from select
   * becomes an EncodeError quoting the instruction as formatInstruction(shown, ops) writes it.
   */
  protected emit(mnemonic: string, ops: readonly Operand[], cc = 0, shown = mnemonic): this {
    let p: Plan;
    try {
      p = select(mnemonic, ops, cc, shown, this.plans);
    } catch (e) {
      if (e instanceof Reject) throw new EncodeError(formatInstruction(shown, ops), e.message);
      throw e;
    }
    this.write(p, shown, ops);
    return this;
  }
  // #endregion emit

  /**
   * Write the plan's bytes in order (prefixes, REX, VEX, opcode, ModRM, SIB, displacement, immediate),
   * note where its displacement and immediate went (lastInstruction), and add its listing entry.
   */
  private write(p: Plan, mnemonic: string, ops: readonly Operand[]): void {
    const buf = this.buf;
    const start = buf.length;
    const { prefixes, opcode } = p.form!;
    // One check for room, then the bytes straight into the array.
    const data = buf.room(p.length);
    let at = start;
    for (let i = 0; i < prefixes.length; i++) data[at++] = prefixes[i]!;
    if (p.rex) data[at++] = p.rex;
    if (p.vex) for (let i = 0; i < p.vex.length; i++) data[at++] = p.vex[i]!;
    for (let i = 0; i < opcode.length - 1; i++) data[at++] = opcode[i]!;
    data[at++] = opcode[opcode.length - 1]! + p.opcodeAdd;
    if (p.modrm >= 0) data[at++] = p.modrm;
    if (p.sib >= 0) data[at++] = p.sib;
    const dispAt = at;
    for (let i = 0, x = p.disp >>> 0; i < p.dispBytes; i++, x >>>= 8) data[at++] = x & 0xff;
    const immAt = at;
    buf.advance(immAt - start);
    if (p.immBytes) buf.int(p.imm, p.immBytes); // an imm64 may be a bigint
    const l = this.last;
    l.start = start;
    l.end = buf.length;
    l.dispAt = dispAt;
    l.dispBytes = p.dispBytes;
    l.immAt = immAt;
    l.immBytes = p.immBytes;
    this.entries?.push({ offset: start, length: p.length, text: null, mnemonic, ops: ops.slice() }); // a copy: ops may be the array operands() fills in again
  }

  private record(start: number, text: string): void {
    const l = this.last;
    l.start = start;
    l.end = this.buf.length;
    l.dispBytes = l.immBytes = 0;
    this.entries?.push({ offset: start, length: this.buf.length - start, text, mnemonic: "", ops: NO_OPERANDS });
  }

  /** Raw bytes (data, or an encoding this assembler does not know). */
  db(...bytes: number[]): this {
    const start = this.offset;
    for (const b of bytes) {
      if (!Number.isInteger(b) || b < 0 || b > 255) throw new EncodeError(`.byte ${bytes.join(", ")}`, `${b} is not a byte (0..255)`);
    }
    this.buf.bytes(bytes);
    this.record(start, `.byte ${bytes.map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(", ")}`);
    return this;
  }

  // #region alu-methods
  add(dst: Gpr, src: Gpr | Mem | Imm): this;
  add(dst: Mem, src: Gpr | Imm): this;
  add(dst: Gpr | Mem, src: Gpr | Mem | Imm): this { return this.emit("add", this.operands(dst, src)); }
  or(dst: Gpr, src: Gpr | Mem | Imm): this;
  or(dst: Mem, src: Gpr | Imm): this;
  or(dst: Gpr | Mem, src: Gpr | Mem | Imm): this { return this.emit("or", this.operands(dst, src)); }
  adc(dst: Gpr, src: Gpr | Mem | Imm): this;
  adc(dst: Mem, src: Gpr | Imm): this;
  adc(dst: Gpr | Mem, src: Gpr | Mem | Imm): this { return this.emit("adc", this.operands(dst, src)); }
  sbb(dst: Gpr, src: Gpr | Mem | Imm): this;
  sbb(dst: Mem, src: Gpr | Imm): this;
  sbb(dst: Gpr | Mem, src: Gpr | Mem | Imm): this { return this.emit("sbb", this.operands(dst, src)); }
  and(dst: Gpr, src: Gpr | Mem | Imm): this;
  and(dst: Mem, src: Gpr | Imm): this;
  and(dst: Gpr | Mem, src: Gpr | Mem | Imm): this { return this.emit("and", this.operands(dst, src)); }
  sub(dst: Gpr, src: Gpr | Mem | Imm): this;
  sub(dst: Mem, src: Gpr | Imm): this;
  sub(dst: Gpr | Mem, src: Gpr | Mem | Imm): this { return this.emit("sub", this.operands(dst, src)); }
  xor(dst: Gpr, src: Gpr | Mem | Imm): this;
  xor(dst: Mem, src: Gpr | Imm): this;
  xor(dst: Gpr | Mem, src: Gpr | Mem | Imm): this { return this.emit("xor", this.operands(dst, src)); }
  cmp(dst: Gpr, src: Gpr | Mem | Imm): this;
  cmp(dst: Mem, src: Gpr | Imm): this;
  cmp(dst: Gpr | Mem, src: Gpr | Mem | Imm): this { return this.emit("cmp", this.operands(dst, src)); }
  // #endregion alu-methods
  test(a: Gpr, b: Gpr | Mem | Imm): this;
  test(a: Mem, b: Gpr | Imm): this;
  test(a: Gpr | Mem, b: Gpr | Mem | Imm): this { return this.emit("test", this.operands(a, b)); }

  mov(dst: Gpr, src: Gpr | Mem | Imm): this;
  mov(dst: Mem, src: Gpr | Imm): this;
  mov(dst: Gpr | Mem, src: Gpr | Mem | Imm): this { return this.emit("mov", this.operands(dst, src)); }
  /** mov r64, imm64 in its 10-byte form, whatever the value (a patchable 64-bit constant). */
  movabs(dst: Gpr<64>, value: Num): this { return this.emit("movabs", this.operands(dst, value)); }
  movzx(dst: Gpr, src: Gpr | Mem): this { return this.emit("movzx", this.operands(dst, src)); }
  movsx(dst: Gpr, src: Gpr | Mem): this { return this.emit("movsx", this.operands(dst, src)); }
  movsxd(dst: Gpr<64>, src: Gpr<32> | Mem): this { return this.emit("movsxd", this.operands(dst, src)); }
  lea(dst: Gpr, src: Mem): this { return this.emit("lea", this.operands(dst, src)); }
  xchg(a: Gpr, b: Gpr | Mem): this;
  xchg(a: Mem, b: Gpr): this;
  xchg(a: Gpr | Mem, b: Gpr | Mem): this { return this.emit("xchg", this.operands(a, b)); }

  inc(dst: Gpr | Mem): this { return this.emit("inc", this.operands(dst)); }
  dec(dst: Gpr | Mem): this { return this.emit("dec", this.operands(dst)); }
  not(dst: Gpr | Mem): this { return this.emit("not", this.operands(dst)); }
  neg(dst: Gpr | Mem): this { return this.emit("neg", this.operands(dst)); }
  /** rdx:rax = rax * src (unsigned; the operand size picks al/ax/eax/rax). */
  mul(src: Gpr | Mem): this { return this.emit("mul", this.operands(src)); }
  div(src: Gpr | Mem): this { return this.emit("div", this.operands(src)); }
  idiv(src: Gpr | Mem): this { return this.emit("idiv", this.operands(src)); }
  /** imul src; imul dst, src; imul dst, src, imm; and GNU's imul dst, imm for imul dst, dst, imm. */
  imul(src: Gpr | Mem): this;
  imul(dst: Gpr, src: Gpr | Mem | Imm): this;
  imul(dst: Gpr, src: Gpr | Mem, imm: Imm): this;
  imul(a: Gpr | Mem, b?: Gpr | Mem | Imm, c?: Imm): this {
    if (c === undefined && b !== undefined && isImm(b)) return this.emit("imul", this.operands(a, a, b));
    return this.emit("imul", this.operands(a, b, c));
  }

  // #region shift-methods
  rol(dst: Gpr | Mem, count: Gpr<8> | Imm): this { return this.emit("rol", this.operands(dst, count)); }
  ror(dst: Gpr | Mem, count: Gpr<8> | Imm): this { return this.emit("ror", this.operands(dst, count)); }
  rcl(dst: Gpr | Mem, count: Gpr<8> | Imm): this { return this.emit("rcl", this.operands(dst, count)); }
  rcr(dst: Gpr | Mem, count: Gpr<8> | Imm): this { return this.emit("rcr", this.operands(dst, count)); }
  shl(dst: Gpr | Mem, count: Gpr<8> | Imm): this { return this.emit("shl", this.operands(dst, count)); }
  shr(dst: Gpr | Mem, count: Gpr<8> | Imm): this { return this.emit("shr", this.operands(dst, count)); }
  sal(dst: Gpr | Mem, count: Gpr<8> | Imm): this { return this.emit("sal", this.operands(dst, count)); }
  sar(dst: Gpr | Mem, count: Gpr<8> | Imm): this { return this.emit("sar", this.operands(dst, count)); }
  // #endregion shift-methods

  /** Sign-extend al into ax, ax into eax, eax into rax. */
  cbw(): this { return this.emit("cbw", NO_OPERANDS); }
  cwde(): this { return this.emit("cwde", NO_OPERANDS); }
  cdqe(): this { return this.emit("cdqe", NO_OPERANDS); }
  /** Sign-extend ax into dx:ax, eax into edx:eax, rax into rdx:rax (before idiv). */
  cwd(): this { return this.emit("cwd", NO_OPERANDS); }
  cdq(): this { return this.emit("cdq", NO_OPERANDS); }
  cqo(): this { return this.emit("cqo", NO_OPERANDS); }

  push(src: Gpr | Mem | Imm): this { return this.emit("push", this.operands(src)); }
  pop(dst: Gpr | Mem): this { return this.emit("pop", this.operands(dst)); }

  bsf(dst: Gpr, src: Gpr | Mem): this { return this.emit("bsf", this.operands(dst, src)); }
  bsr(dst: Gpr, src: Gpr | Mem): this { return this.emit("bsr", this.operands(dst, src)); }
  tzcnt(dst: Gpr, src: Gpr | Mem): this { return this.emit("tzcnt", this.operands(dst, src)); }
  lzcnt(dst: Gpr, src: Gpr | Mem): this { return this.emit("lzcnt", this.operands(dst, src)); }
  popcnt(dst: Gpr, src: Gpr | Mem): this { return this.emit("popcnt", this.operands(dst, src)); }

  /** ret, or ret n: return and pop n more bytes of arguments. */
  ret(pop?: Num): this { return pop === undefined ? this.emit("ret", NO_OPERANDS) : this.emit("ret", this.operands(pop)); }
  leave(): this { return this.emit("leave", NO_OPERANDS); }
  int3(): this { return this.emit("int3", NO_OPERANDS); }
  ud2(): this { return this.emit("ud2", NO_OPERANDS); }
  cpuid(): this { return this.emit("cpuid", NO_OPERANDS); }

  /** One nop instruction of 1 to 9 bytes. */
  nop(size = 1): this {
    const nop = NOPS[size - 1];
    if (!nop) throw new EncodeError(`nop(${size})`, `a single nop is 1 to 9 bytes long: pad longer gaps with several (or use align)`);
    const start = this.offset;
    this.buf.bytes(nop[1]);
    this.record(start, nop[0]);
    return this;
  }

  /** Pad with nops until the offset is a multiple of `boundary` (a power of two). */
  align(boundary: number): this {
    if (!Number.isInteger(boundary) || boundary < 1 || (boundary & (boundary - 1)) !== 0) {
      throw new EncodeError(`align(${boundary})`, "the boundary must be a power of two (1, 2, 4, 8, 16, ...)");
    }
    for (let gap = -this.offset & (boundary - 1); gap > 0; gap = -this.offset & (boundary - 1)) this.nop(Math.min(gap, NOPS.length));
    return this;
  }

  // #region branch-methods
  /** jmp to an offset in this buffer, or through a register or memory (`jmp(rax)`). */
  jmp(target: number | Gpr<64> | Mem, width: BranchWidth = "auto"): this {
    return typeof target === "number" ? this.branch("jmp", target, width) : this.emit("jmp", this.operands(target));
  }

  /** call an offset in this buffer (always rel32), or through a register or memory (`call(rax)`). */
  call(target: number | Gpr<64> | Mem): this {
    return typeof target === "number" ? this.branch("call", target, "near") : this.emit("call", this.operands(target));
  }

  /** Jump to `target` when the condition holds: `a.jcc("ne", top)`, or `a.jne(top)`. */
  jcc(cond: Condition, target: number, width: BranchWidth = "auto"): this {
    return this.branch(jumpOn(cond), target, width);
  }
  // #endregion branch-methods

  /** Set a byte to 1 when the condition holds, else 0: `a.setcc("e", al)`, or `a.sete(al)`. */
  setcc(cond: Condition, dst: Gpr<8> | Mem): this {
    return this.emit("setcc", this.operands(dst), CONDITIONS[checkCondition(cond, "setcc")], `set${cond}`);
  }

  /** Move when the condition holds: `a.cmovcc("l", eax, ebx)`, or `a.cmovl(eax, ebx)`. */
  cmovcc(cond: Condition, dst: Gpr, src: Gpr | Mem): this {
    return this.emit("cmovcc", this.operands(dst, src), CONDITIONS[checkCondition(cond, "cmovcc")], `cmov${cond}`);
  }

  // #region simd-methods
  movdqu(dst: Xmm, src: Xmm | Mem): this;
  movdqu(dst: Mem, src: Xmm): this;
  movdqu(dst: Xmm | Mem, src: Xmm | Mem): this { return this.emit("movdqu", this.operands(dst, src)); }
  movdqa(dst: Xmm, src: Xmm | Mem): this;
  movdqa(dst: Mem, src: Xmm): this;
  movdqa(dst: Xmm | Mem, src: Xmm | Mem): this { return this.emit("movdqa", this.operands(dst, src)); }
  movd(dst: Xmm, src: Gpr<32> | Mem): this;
  movd(dst: Gpr<32> | Mem, src: Xmm): this;
  movd(dst: Xmm | Gpr<32> | Mem, src: Gpr<32> | Mem | Xmm): this { return this.emit("movd", this.operands(dst, src)); }
  movq(dst: Xmm, src: Xmm | Gpr<64> | Mem): this;
  movq(dst: Gpr<64> | Mem, src: Xmm): this;
  movq(dst: Xmm | Gpr<64> | Mem, src: Xmm | Gpr<64> | Mem): this { return this.emit("movq", this.operands(dst, src)); }
  pxor(dst: Xmm, src: Xmm | Mem): this { return this.emit("pxor", this.operands(dst, src)); }
  pcmpeqb(dst: Xmm, src: Xmm | Mem): this { return this.emit("pcmpeqb", this.operands(dst, src)); }
  /** One bit per byte of src: its top bit. */
  pmovmskb(dst: Gpr<32> | Gpr<64>, src: Xmm): this { return this.emit("pmovmskb", this.operands(dst, src)); }

  vmovdqu(dst: V, src: V | Mem): this;
  vmovdqu(dst: Mem, src: V): this;
  vmovdqu(dst: V | Mem, src: V | Mem): this { return this.emit("vmovdqu", this.operands(dst, src)); }
  vpxor(dst: V, a: V, b: V | Mem): this { return this.emit("vpxor", this.operands(dst, a, b)); }
  vpcmpeqb(dst: V, a: V, b: V | Mem): this { return this.emit("vpcmpeqb", this.operands(dst, a, b)); }
  vpmovmskb(dst: Gpr<32> | Gpr<64>, src: V): this { return this.emit("vpmovmskb", this.operands(dst, src)); }
  /** Copy the low byte of src into every byte of dst. */
  vpbroadcastb(dst: V, src: Xmm | Mem): this { return this.emit("vpbroadcastb", this.operands(dst, src)); }
  /** Clear the upper halves of the ymm registers (before calling SSE code, such as libc). */
  vzeroupper(): this { return this.emit("vzeroupper", NO_OPERANDS); }
  // #endregion simd-methods

  // #region extension-point
  /**
   * Emit a branch with a zero displacement of `width` bytes and return where it starts. `target` is
   * only the text the listing shows. A subclass with labels calls this for a target it does not know
   * yet, keeps the start, and calls patchBranch once it knows. call has no rel8 form: width 1 is an
   * EncodeError.
   */
  protected emitBranch(mnemonic: BranchMnemonic, width: 1 | 4, target: BranchSite["target"]): number {
    const start = this.offset;
    const buf = this.buf;
    // The opcode's bytes go straight into the buffer: a JIT emits a branch for every loop and check.
    const opcodes = BRANCH_OPCODES.get(mnemonic);
    if (opcodes === undefined) throw conditionError(mnemonic.slice(1), "jcc");
    const opcode = width === 1 ? opcodes.rel8 : opcodes.rel32;
    if (opcode < 0) throw new EncodeError(branchText({ mnemonic, target }), "call has no rel8 form: it always takes a 32-bit displacement");
    if (opcode > 0xff) buf.byte(opcode >> 8); // 0f 8x
    buf.byte(opcode & 0xff);
    buf.int(0, width);
    this.record(start, this.entries === null ? "" : branchText({ mnemonic, target })); // no text without a listing
    return start;
  }

  /**
   * Point the branch that starts at `start` at `target`: its displacement is target minus the end of
   * the branch, whose own bytes say where its field is and how wide (branchWidth). One that does not
   * fit the field is an EncodeError quoting the branch (`name`: what the listing calls its target),
   * with the distance and the field's range.
   */
  protected patchBranch(start: number, target: number, name?: BranchSite["target"]): void {
    const width = this.branchWidth(start);
    const field = start + (this.buf.at(start) === 0x0f ? 2 : 1);
    const rel = target - (field + width);
    if (!fitsSigned(rel, width * 8)) {
      throw new EncodeError(branchText(this.branchAt(start, name ?? formatTarget(target))), width === 1
        ? `the target is ${rel} bytes from the end of the jump, outside rel8's -128..127: use the near (rel32) form`
        : `the target is ${rel} bytes away, outside rel32's range`);
    }
    this.buf.patchInt(field, rel, width);
  }

  /**
   * How wide the displacement of the branch that starts at `start` is, from its opcode: 0f 8x (jcc),
   * e8 (call) and e9 (jmp) are followed by 4 bytes, 7x (jcc) and eb (jmp) by 1. Anything else at
   * `start` is a RangeError: a wrong start must not patch the middle of another instruction.
   */
  protected branchWidth(start: number): 1 | 4 {
    const first = this.buf.at(start);
    if (first === 0xe8 || first === 0xe9 || (first === 0x0f && (this.buf.at(start + 1) & 0xf0) === 0x80)) return 4;
    if (first === 0xeb || (first & 0xf0) === 0x70) return 1;
    throw new RangeError(`no branch starts at offset ${start}`);
  }

  /**
   * The branch that starts at `start`, read back from its bytes, for a message: which branch it is,
   * by the first of its names as objdump prints it (je for 74, whether it was written je or jz),
   * where its field is and how wide, where it ends. `target` is what the message calls its target.
   * Anything else at `start` is a RangeError.
   */
  protected branchAt(start: number, target: BranchSite["target"]): BranchSite {
    const first = this.buf.at(start);
    const opcode = first === 0x0f ? 0x0f00 | this.buf.at(start + 1) : first;
    const branch = BRANCHES_BY_OPCODE.get(opcode);
    if (branch === undefined) throw new RangeError(`no branch starts at offset ${start}`);
    const field = start + (opcode > 0xff ? 2 : 1);
    return { start, field, width: branch.width, end: field + branch.width, mnemonic: branch.mnemonic, target };
  }

  /** The name branchAt gives the branch written as `mnemonic` (je for jz): the first of its opcode's. */
  protected branchName(mnemonic: BranchMnemonic): BranchMnemonic {
    const opcodes = BRANCH_OPCODES.get(mnemonic);
    return opcodes === undefined ? mnemonic : BRANCHES_BY_OPCODE.get(opcodes.rel32)!.mnemonic;
  }
  // #endregion extension-point

  // #region branch
  /**
   * A branch to a known offset. "auto" takes rel8 for a backward target it reaches and rel32 for the
   * rest (call is always rel32). EncodeErrors: "the target must be an offset in this buffer" (an
   * integer >= 0), and "a short branch reaches -128..127" bytes, naming "near", when "short" does not.
   */
  private branch(mnemonic: BranchMnemonic, target: number, width: BranchWidth): this {
    const text = `${mnemonic} ${formatTarget(target)}`;
    if (!Number.isSafeInteger(target) || target < 0) {
      throw new EncodeError(text, `the target must be an offset in this buffer (an integer >= 0), not ${target}`);
    }
    const start = this.offset;
    const rel8 = target - (start + 2); // a short branch is 2 bytes; rel counts from its end
    let w: 1 | 4 = 4;
    if (width === "short") {
      if (!fitsSigned(rel8, 8)) throw new EncodeError(text, `a short branch reaches -128..127 bytes from its end, and this target is ${rel8} away: use "near" or "auto"`);
      w = 1;
    } else if (width === "auto" && mnemonic !== "call" && target <= start && rel8 >= -128) {
      w = 1; // a known backward target: rel8 when it reaches. Forward targets take rel32.
    }
    this.patchBranch(this.emitBranch(mnemonic, w, formatTarget(target)), target);
    return this;
  }
  // #endregion branch
}

const formatTarget = (target: number): string => (Number.isSafeInteger(target) && target >= 0 ? `0x${target.toString(16)}` : formatNumber(target));

function checkCondition(cond: string, family: string): Condition {
  if (isCondition(cond)) return cond;
  throw conditionError(cond, family);
}

function conditionError(cond: string, family: string): EncodeError {
  return new EncodeError(`${family} ${cond}`, `"${cond}" is not a condition code; use one of ${CONDITION_NAMES.join(", ")}`);
}

// Each condition's jump and each branch's opcodes, made once: a JIT emits a branch for every loop
// and check, and `j${cond}` would be a new string each time, to hash and compare character by
// character before its opcode is found.
const JUMPS = new Map<string, BranchMnemonic>(CONDITION_NAMES.map((c) => [c, `j${c}`]));

/** The jump on condition `cond`: jne for ne. A name that is no condition is an EncodeError. */
export function jumpOn(cond: string): BranchMnemonic {
  const jump = JUMPS.get(cond);
  if (jump === undefined) throw conditionError(cond, "jcc");
  return jump;
}

/** A branch's opcode in its rel8 form (call has none: -1) and its rel32 form (0x0f8x is two bytes). */
const BRANCH_OPCODES = new Map<BranchMnemonic, { readonly rel8: number; readonly rel32: number }>([
  ["jmp", { rel8: 0xeb, rel32: 0xe9 }],
  ["call", { rel8: -1, rel32: 0xe8 }],
  ...CONDITION_NAMES.map((c) => [jumpOn(c), { rel8: 0x70 + CONDITIONS[c], rel32: 0x0f80 + CONDITIONS[c] }] as const),
]);

/** Back from an opcode to its branch, by the first of its names (je for 74, not jz), and its field's width. */
const BRANCHES_BY_OPCODE = new Map<number, { readonly mnemonic: BranchMnemonic; readonly width: 1 | 4 }>();
for (const [mnemonic, { rel8, rel32 }] of BRANCH_OPCODES) {
  if (rel8 >= 0 && !BRANCHES_BY_OPCODE.has(rel8)) BRANCHES_BY_OPCODE.set(rel8, { mnemonic, width: 1 });
  if (!BRANCHES_BY_OPCODE.has(rel32)) BRANCHES_BY_OPCODE.set(rel32, { mnemonic, width: 4 });
}

// #region named-conditions
// je, jne, ..., sete, ..., cmove, ...: one method per condition name, installed on the prototype.
type Named<P extends string, F> = { [C in Condition as `${P}${C}`]: F };
type CcMethods =
  & Named<"j", (target: number, width?: BranchWidth) => Assembler>
  & Named<"set", (dst: Gpr<8> | Mem) => Assembler>
  & Named<"cmov", (dst: Gpr, src: Gpr | Mem) => Assembler>;

// Declaration merging: the class's instances also have the named condition methods.
export interface Assembler extends CcMethods {}

for (const c of CONDITION_NAMES) {
  const define = (name: string, value: (this: Assembler, ...args: never[]) => Assembler) =>
    Object.defineProperty(Assembler.prototype, name, { value, writable: true, configurable: true });
  define(`j${c}`, function (target: number, width?: BranchWidth) { return this.jcc(c, target, width); });
  define(`set${c}`, function (dst: Gpr<8> | Mem) { return this.setcc(c, dst); });
  define(`cmov${c}`, function (dst: Gpr, src: Gpr | Mem) { return this.cmovcc(c, dst, src); });
}
// #endregion named-conditions
