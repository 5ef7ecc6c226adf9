// Labels: names for places in the code that jumps can use before the place exists. A jump to a
// label that is not bound yet is emitted with a zero displacement and remembered (a fixup);
// bind() fills in every remembered displacement. Chapter 4's Assembler knows only offsets; this
// subclass adds the bookkeeping, through the hooks chapter 4 left for it.
import { Assembler, branchText, jumpOn, type AssemblerOptions, type BranchMnemonic, type BranchSite, type BranchWidth } from "../04-encoder/assembler.ts";
import type { Condition } from "../04-encoder/conditions.ts";
import { EncodeError } from "../04-encoder/errors.ts";
import { fitsSigned } from "../04-encoder/numbers.ts";
import type { Mem } from "../04-encoder/operands.ts";
import { rax, type Gpr } from "../04-encoder/registers.ts";

/** A label used wrongly: bound twice, never bound, too far for a short jump, or from another assembler. */
export class LabelError extends Error {
  override name = "LabelError";
}

// #region label
/**
 * A place in the code, named for listings and error messages. Made by `Asm.newLabel`, which gives
 * an unnamed label a number: its name, `L` and that number, is written out only when something
 * prints it, since a JIT makes labels by the hundred thousand and prints none of them.
 */
export class Label {
  /** What the assembler that made it knows about it (LabelState); only that assembler changes it. */
  state: LabelState;

  /**
   * @param id its name, or its number for the name L<n>
   * @param owner the assembler that made it, the only one that changes its state (none for a label
   * made by hand, which no Asm takes)
   */
  constructor(
    readonly id: string | number,
    readonly owner: Asm | null = null,
  ) {
    this.state = null;
  }

  get name(): string {
    return typeof this.id === "number" ? `L${this.id}` : this.id;
  }

  toString(): string {
    return this.name;
  }
}

/**
 * What the assembler knows about a label, in a number or a list of numbers. Once bound: its offset,
 * 0 or more. Until then: where the branches that wait for it start, whose displacement is still
 * zero (the first is the one to point at if it is never bound). The one branch's start is kept as
 * -1 - start, below 0, so that it cannot be taken for an offset; a second makes a list of starts;
 * null while none waits. A start is all a waiting branch needs: its bytes say the rest (chapter 4's
 * patchBranch reads them). A record per branch, or a list for one (most labels have one), would
 * outweigh the code: a JIT makes a label for every loop and every check.
 */
type LabelState = number | number[] | null;
// #endregion label

/** The offset a label in this state is bound at, or null. */
const boundAt = (state: LabelState): number | null => (typeof state === "number" && state >= 0 ? state : null);

/** Where the branches waiting for a label in this state start, in the order they were emitted. */
function waitingStarts(state: LabelState): readonly number[] {
  if (state === null) return [];
  if (typeof state === "number") return state < 0 ? [-1 - state] : [];
  return state;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export class Asm extends Assembler {
  /** Every label this assembler made, in order, for the listing's names: kept only with a listing. */
  readonly #labels: Label[] | null;
  /** How many labels it made: an unnamed label's number. */
  #made = 0;
  /**
   * The labels branches have waited for, in the order of their first such branch: finish checks that
   * each is bound. The bound ones are dropped now and then (#await), so that a big program's labels
   * need not all stay in memory until the end.
   */
  #awaited: Label[] = [];
  /**
   * The labels that were still waiting when #awaited was last pruned, in the same order and all
   * before #awaited's: most labels are bound soon after their first branch, and the ones that are
   * not (an out-of-line path's, bound after the program) are looked at again only when their number
   * has doubled, not at every prune.
   */
  #waitedLong: Label[] = [];
  #longPruneAt = 1024;
  /** Whether it keeps a listing: without one, a label's name shows only in an error message. */
  readonly keepsListing: boolean;

  constructor(options: AssemblerOptions = {}) {
    super(options);
    this.keepsListing = options.listing !== false;
    this.#labels = this.keepsListing ? [] : null;
  }

  /** A new, unbound label. The name is only for listings and errors (default L<n>, n counting this assembler's labels). */
  newLabel(name?: string): Label {
    const label = new Label(name ?? this.#made, this);
    this.#made++;
    this.#labels?.push(label);
    return label;
  }

  // #region bind
  /**
   * Put `label` at the current offset, and patch every branch that was waiting for it (checkShort
   * first, for the ones promised short). Binding twice is a LabelError naming the label, the offset
   * it is bound at and the one asked for, and suggesting a new label.
   */
  bind(label: Label): this {
    const state = this.#state(label);
    const bound = boundAt(state);
    if (bound !== null) {
      throw new LabelError(
        `label '${label}' is already bound at offset ${hex(bound)}: a label marks exactly one place. ` +
          `Make a new label (newLabel) for the place at ${hex(this.offset)}.`,
      );
    }
    const here = this.offset;
    // Every check, then every patch; a single waiting branch is taken as it is, with no list made for it.
    if (Array.isArray(state)) for (const start of state) this.#checkShort(start, label, here);
    else if (state !== null) this.#checkShort(-1 - state, label, here);
    label.state = here;
    if (Array.isArray(state)) for (const start of state) this.patchBranch(start, here, label);
    else if (state !== null) this.patchBranch(-1 - state, here, label);
    return this;
  }

  /** checkShort for the branch that starts at `start`, if it is short and cannot reach `target`. */
  #checkShort(start: number, label: Label, target: number): void {
    if (fitsSigned(target - (start + 2), 8) || this.branchWidth(start) === 4) return; // nothing to read back
    checkShort(this.branchAt(start, label), label, target);
  }
  // #endregion bind

  /** The offset `label` is bound at: where a data table or an entry point starts in the buffer. */
  addressOf(label: Label): number {
    const bound = boundAt(this.#state(label));
    if (bound === null) {
      throw new LabelError(`label '${label}' is not bound yet, so it has no offset: bind(${label}) first.`);
    }
    return bound;
  }

  /** Whether branches wait for `label`: something jumps to it or calls it, and it is not bound yet. */
  isAwaited(label: Label): boolean {
    const state = this.#state(label);
    return state !== null && boundAt(state) === null;
  }

  // #region jumps
  /** jmp to a label, an offset in this buffer, or through a register or memory. */
  override jmp(target: Label | number | Gpr<64> | Mem, width: BranchWidth = "auto"): this {
    return target instanceof Label ? this.#branch("jmp", target, width) : super.jmp(target, width);
  }

  /** Jump to `target` when the condition holds: `a.jcc("ne", loop)`, or `a.jne(loop)`. */
  override jcc(cond: Condition, target: Label | number, width: BranchWidth = "auto"): this {
    return target instanceof Label ? this.#branch(jumpOn(cond), target, width) : super.jcc(cond, target, width);
  }

  /** call a label (always rel32: call has no short form), an offset, a register or memory. */
  override call(target: Label | number | Gpr<64> | Mem): this {
    return target instanceof Label ? this.#branch("call", target, "near") : super.call(target);
  }
  // #endregion jumps

  // #region call-absolute
  /**
   * Call a function outside this buffer, such as libc's memchr, by its absolute address:
   * `movabs scratch, address; call scratch`. A `call rel32` reaches only ±2 GiB, and nothing promises
   * that libc is that close, nor is the buffer's address known while the code is assembled. The
   * scratch register is clobbered: rax is free at a call (it will hold the result), except for
   * variadic callees, which read al; use r11 for those. An address that is not an integer from 1 to
   * 2^64 - 1 is an EncodeError.
   */
  callAbsolute(address: number | bigint, scratch: Gpr<64> = rax): this {
    const valid = typeof address === "bigint" ? address > 0n && address < 2n ** 64n : Number.isSafeInteger(address) && address > 0;
    if (!valid) {
      throw new EncodeError(`call ${String(address)}`, "an absolute call needs an address: an integer from 1 to 2^64 - 1 (a function's .ptr)");
    }
    return this.movabs(scratch, address).call(scratch);
  }
  // #endregion call-absolute

  // #region finish
  /**
   * The machine code, once every label that a branch uses is bound. Otherwise a LabelError listing
   * each such label with the first branch that uses it and that branch's offset ("'exit' (used by
   * 'jne exit' at 0x2)"), saying they are never bound. Labels nothing uses may stay unbound. The
   * bytes are the buffer's own, not a copy: finish ends the assembly, and nothing may be emitted,
   * bound or patched after it (bytes() gives a copy for a caller that goes on).
   */
  finish(): Uint8Array {
    const unbound: [Label, BranchSite][] = [];
    for (const list of [this.#waitedLong, this.#awaited]) {
      for (const label of list) {
        const first = waitingStarts(label.state)[0];
        if (first !== undefined) unbound.push([label, this.branchAt(first, label)]);
      }
    }
    if (unbound.length > 0) {
      const list = unbound.map(([label, first]) => `'${label}' (used by '${branchText(first)}' at ${hex(first.start)})`);
      throw new LabelError(
        `${list.join(", ")} ${unbound.length === 1 ? "is" : "are"} never bound, so the jump would land nowhere: ` +
          `bind each label where its code starts.`,
      );
    }
    return this.buf.view(); // not a copy: the code is handed over, and a big program's is megabytes
  }

  /** A copy of the bytes, once finish() has checked them: they are not complete while a used label is unbound. */
  override bytes(): Uint8Array {
    this.finish();
    return super.bytes();
  }
  // #endregion finish

  /** The listing, with a `name:` line where each label is bound. */
  override toString(): string {
    const listing = this.listing; // a ListingError without a listing
    const at = new Map<number, string[]>();
    for (const { state, name } of this.#labels ?? []) {
      const s = boundAt(state);
      if (s !== null) at.set(s, [...(at.get(s) ?? []), `${name}:`]);
    }
    const take = (offset: number): string[] => {
      const names = at.get(offset) ?? [];
      at.delete(offset);
      return names;
    };
    const lines = listing.length === 0 ? [] : super.toString().split("\n");
    const out = lines.flatMap((line, i) => [...take(listing[i]!.offset), line]);
    return [...out, ...[...at.values()].flat()].join("\n");
  }

  // #region branch
  /**
   * A branch to a label: bound (backward), the shortest form that reaches; unbound (forward), rel32
   * unless "short" is asked for; call always rel32. A short branch to a bound label that it cannot
   * reach is checkShort's LabelError, before anything is emitted.
   */
  #branch(mnemonic: BranchMnemonic, label: Label, width: BranchWidth): this {
    const state = this.#state(label);
    const target = boundAt(state);
    const start = this.offset;
    // Backward (the label is bound): the shortest form that reaches. Forward: rel32, unless the
    // caller promises "short"; bind() holds them to that promise.
    const short = width === "short" || (width === "auto" && target !== null && mnemonic !== "call" && fitsSigned(target - (start + 2), 8));
    // A short branch is 2 bytes (opcode, rel8): check a known target before emitting anything
    // (and only when "short" was asked for: "auto" chose it because it reaches).
    if (width === "short" && target !== null) checkShort({ mnemonic: this.branchName(mnemonic), target: label, start, width: 1, end: start + 2 }, label, target);
    this.emitBranch(mnemonic, short ? 1 : 4, label);
    if (target !== null) this.patchBranch(start, target, label);
    else if (Array.isArray(state)) state.push(start);
    else if (state !== null) label.state = [-1 - state, start];
    else {
      label.state = -1 - start; // the first branch to wait for it
      this.#await(label);
    }
    return this;
  }
  // #endregion branch

  /** Note that a branch waits for `label`; past a size, first drop the labels bound since. */
  #await(label: Label): void {
    if (this.#awaited.length >= 1024) {
      // Recent labels, still in the cache: the ones still waiting join the long list.
      for (const l of this.#awaited) if (boundAt(l.state) === null) this.#waitedLong.push(l);
      this.#awaited.length = 0;
      if (this.#waitedLong.length >= this.#longPruneAt) {
        this.#waitedLong = this.#waitedLong.filter((l) => boundAt(l.state) === null);
        this.#longPruneAt = Math.max(1024, 2 * this.#waitedLong.length); // each label is copied a few times at most
      }
    }
    this.#awaited.push(label);
  }

  #state(label: Label): LabelState {
    // A label means nothing in another assembler's code.
    if (label.owner !== this) {
      throw new LabelError(`label '${label}' was not made by this assembler: use a label from this assembler's newLabel().`);
    }
    return label.state;
  }
}

/** A short branch must land within rel8's -128..127 bytes of its end; say so, by name and distance. */
function checkShort(site: Omit<BranchSite, "field">, label: Label, target: number): void {
  const distance = target - site.end;
  if (site.width !== 1 || fitsSigned(distance, 8)) return;
  throw new LabelError(
    `'${branchText(site)}' at ${hex(site.start)} is short, but label '${label}' is ${distance} bytes from the end of the jump, ` +
      `and rel8 reaches only -128..127. Drop the "short" hint (rel32 reaches ±2 GiB), or move the label closer.`,
  );
}

// #region named-jumps
// je, jne, ...: chapter 4 installed them on the prototype, calling this.jcc, so they take labels
// already. This tells the type checker so (one entry per name in chapter 4's CONDITIONS).
type Jump = (target: Label | number, width?: BranchWidth) => Asm;
export interface Asm {
  jo: Jump; jno: Jump; jb: Jump; jc: Jump; jnae: Jump; jae: Jump; jnb: Jump; jnc: Jump;
  je: Jump; jz: Jump; jne: Jump; jnz: Jump; jbe: Jump; jna: Jump; ja: Jump; jnbe: Jump;
  js: Jump; jns: Jump; jp: Jump; jpe: Jump; jnp: Jump; jpo: Jump;
  jl: Jump; jnge: Jump; jge: Jump; jnl: Jump; jle: Jump; jng: Jump; jg: Jump; jnle: Jump;
}
// #endregion named-jumps
