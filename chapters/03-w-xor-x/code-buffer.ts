// Memory for generated code under W^X: writable while the code is written, executable once it is
// sealed, never both. The lifecycle is explicit, and every misuse is an error instead of a crash.
import { ArgumentError, checkSize } from "../01-pages/checks.ts";
import { PROT, bytesAt, hex, mapPages, protect, unmapPages } from "../01-pages/pages.ts";
import type { Mapping } from "../01-pages/pages.ts";
import { A64_BRK, MACHINE, makeCodeVisible } from "../02-first-bytes/aarch64.ts";
import { nativeFunction } from "../02-first-bytes/native-function.ts";
import type { NativeFunction, Signature } from "../02-first-bytes/native-function.ts";

export type CodeBufferState = "writable" | "sealed" | "freed";

/** A CodeBuffer used out of order: written after seal, called before it, touched after free. */
export class CodeBufferStateError extends Error {
  override name = "CodeBufferStateError";
}

/** A write or an entry point outside the buffer. */
export class CodeBufferRangeError extends RangeError {
  override name = "CodeBufferRangeError";
}

/** int3: execution that runs off the end of the code stops with SIGTRAP instead of running garbage. */
export const INT3 = 0xcc;

/** Fill `view` (page-aligned) with this machine's trap: int3 bytes, or AArch64's 4-byte brk #0. */
export function fillWithTraps(view: Uint8Array): void {
  if (MACHINE !== "arm64") return void view.fill(INT3);
  const word = A64_BRK.bytes.reduce((w, b, i) => w | (b << (8 * i)), 0) >>> 0;
  new Uint32Array(view.buffer, view.byteOffset, view.length >>> 2).fill(word); // little-endian, as the host
}

export class CodeBuffer {
  readonly #mapping: Mapping;
  #view: Uint8Array;
  #state: CodeBufferState = "writable";

  // #region create
  /** Takes over `mapping` (fresh RW pages from create): keeps a byte view of it, and fills it with int3. */
  private constructor(mapping: Mapping) {
    this.#mapping = mapping;
    this.#view = bytesAt(mapping.address, mapping.size);
    fillWithTraps(this.#view);
  }

  /**
   * A writable buffer of at least `size` bytes (whole pages), filled with int3. A size chapter 1's
   * checkSize refuses is its ArgumentError, with the size called "code buffer size".
   */
  static create(size: number): CodeBuffer {
    return new CodeBuffer(mapPages(checkSize(size, "code buffer size"), PROT.READ | PROT.WRITE));
  }
  // #endregion create

  get address(): number {
    return this.#mapping.address;
  }

  get size(): number {
    return this.#mapping.size;
  }

  get state(): CodeBufferState {
    return this.#state;
  }

  // #region write
  /**
   * Copy `bytes` in at `offset`. Only while writable. A range outside the buffer is checkFits's
   * CodeBufferRangeError, a value that is not a byte checkBytes's ArgumentError: then nothing is written.
   */
  write(bytes: ArrayLike<number>, offset = 0): this {
    this.#expect("writable", "write into it");
    checkFits(offset, bytes.length, this.size, "write");
    checkBytes(bytes);
    this.#view.set(bytes, offset);
    return this;
  }
  // #endregion write

  // #region seal
  /** Writable -> executable: RW becomes RX. */
  seal(): this {
    this.#expect("writable", "seal it");
    protect(this.address, this.size, PROT.READ | PROT.EXEC);
    makeCodeVisible(this.address, this.size); // AArch64: instruction fetch must not see stale bytes
    this.#state = "sealed";
    return this;
  }

  /** Executable -> writable again, to patch code. Callables made earlier must not run until it is resealed. */
  unseal(): this {
    this.#expect("sealed", "unseal it");
    protect(this.address, this.size, PROT.READ | PROT.WRITE);
    this.#state = "writable";
    return this;
  }
  // #endregion seal

  // #region fn-free
  /**
   * A JS function calling the code at `offset`. Only once sealed (else the guard's "cannot call into it");
   * an offset outside is a CodeBufferRangeError (an entry point is at least one byte of code: offset
   * `size` is outside).
   */
  fn<const S extends Signature>(signature: S, offset = 0): NativeFunction<S> {
    this.#expect("sealed", "call into it");
    checkFits(offset, 1, this.size, "entry point");
    return nativeFunction(this.address + offset, signature);
  }

  /** Unmap the pages. The buffer, and every function made from it, is dead afterwards. */
  free(): void {
    this.#expect(["writable", "sealed"], "free it");
    unmapPages(this.#mapping);
    this.#view = new Uint8Array(0); // the old view would fault: drop it
    this.#state = "freed";
  }

  /** `using buffer = CodeBuffer.create(4096)` frees it at the end of the block. */
  [Symbol.dispose](): void {
    if (this.#state !== "freed") this.free();
  }
  // #endregion fn-free

  // #region expect
  /**
   * The guard: a CodeBufferStateError unless the state is `wanted`, saying what could not be done
   * ("cannot seal it"), the state the buffer is in ("... is sealed"), and the ADVICE for that state.
   * `action` is the method's own verb, which the message must name: "write into it", "seal it",
   * "unseal it", "call into it" (fn), "free it".
   */
  #expect(wanted: CodeBufferState | readonly CodeBufferState[], action: string): void {
    const ok = typeof wanted === "string" ? this.#state === wanted : wanted.includes(this.#state);
    if (ok) return;
    throw new CodeBufferStateError(
      `cannot ${action}: the code buffer at ${hex(this.address)} is ${this.#state}. ${ADVICE[this.#state]}`,
    );
  }
  // #endregion expect
}

// #region advice
const ADVICE: Record<CodeBufferState, string> = {
  writable: "Write the code, then seal() it: only sealed (RX) code may be called.",
  sealed: "It is executable and read-only now: unseal() it to patch, then seal() it again.",
  freed: "Its pages were unmapped by free(): create a new buffer.",
};
// #endregion advice

/** `length` bytes at `offset` lie inside a buffer of `size` bytes. */
export function checkFits(offset: number, length: number, size: number, what: string): void {
  if (!Number.isInteger(offset) || offset < 0 || offset + length > size) {
    throw new CodeBufferRangeError(
      `${what} of ${length} byte(s) at offset ${offset} does not fit in the ${size}-byte code buffer: ` +
        `offsets run from 0 to ${size - 1}`,
    );
  }
}

/** Uint8Array.set would silently keep the low 8 bits of 300; a code generator bug should be loud. */
export function checkBytes(bytes: ArrayLike<number>): void {
  if (bytes instanceof Uint8Array) return;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (!Number.isInteger(b) || b < 0 || b > 255) {
      throw new ArgumentError(`byte ${i} is ${b}, not a byte (an integer from 0 to 255)`);
    }
  }
}
