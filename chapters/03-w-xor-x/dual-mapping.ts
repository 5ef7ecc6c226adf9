// The dual mapping: one memfd (an anonymous file in memory) mapped twice, once RW and once RX.
// The code is written through one address and run through the other; no page is ever both writable
// and executable, and no mprotect is needed to patch code that is already running.
import { checkSize, roundUp } from "../01-pages/checks.ts";
import { LibcError, errno, errnoName, libc } from "../01-pages/libc.ts";
import { PROT, bytesAt, hex, mapPages, pageSize, unmapPages } from "../01-pages/pages.ts";
import type { Mapping } from "../01-pages/pages.ts";
import { nativeFunction } from "../02-first-bytes/native-function.ts";
import type { NativeFunction, Signature } from "../02-first-bytes/native-function.ts";
import { makeCodeVisible } from "../02-first-bytes/aarch64.ts";
import { CodeBufferStateError, checkBytes, checkFits, fillWithTraps } from "./code-buffer.ts";

// memfd_create's flags (linux/memfd.h).
export const MFD = { CLOEXEC: 0x1, NOEXEC_SEAL: 0x8 } as const;

export type DualMappingState = "live" | "freed";

/** "MFD_CLOEXEC | MFD_NOEXEC_SEAL" for those flags: how an error message shows them. */
export function memfdFlagNames(flags: number): string {
  const names = Object.entries(MFD)
    .filter(([, bit]) => (flags & bit) !== 0)
    .map(([name]) => `MFD_${name}`);
  return names.length > 0 ? names.join(" | ") : "0";
}

// #region open-memfd
/**
 * The flags to try after memfd_create(name, flags) failed with errno `code`, or null to give up.
 * Only an EINVAL caused by MFD_NOEXEC_SEAL is worth a retry: a kernel older than 6.3 does not know
 * the flag, and its memfds have no exec policy to satisfy. Anything else is the real answer.
 */
export function memfdRetryFlags(flags: number, code: string): number | null {
  if (code !== "EINVAL" || (flags & MFD.NOEXEC_SEAL) === 0) return null;
  return flags & ~MFD.NOEXEC_SEAL;
}

/**
 * An empty file in memory. MFD_NOEXEC_SEAL makes it a file that execve() refuses, which is what
 * vm.memfd_noexec=2 demands; mapping it with PROT_EXEC is a different permission, and stays allowed.
 * Asks for MFD_CLOEXEC | MFD_NOEXEC_SEAL; when that fails, memfdRetryFlags says whether to try once
 * more (a kernel before 6.3) or give up with a LibcError whose args name the flags (memfdFlagNames).
 */
export function createMemfd(name: string): number {
  let flags: number = MFD.CLOEXEC | MFD.NOEXEC_SEAL;
  for (;;) {
    const fd = libc().memfd_create(name, flags);
    if (fd !== -1) return fd;
    const code = errno();
    const retry = memfdRetryFlags(flags, errnoName(code));
    if (retry === null) throw new LibcError("memfd_create", code, `"${name}", ${memfdFlagNames(flags)}`);
    flags = retry;
  }
}

/** A memfd of `size` bytes, for the two mappings of a DualMapping. */
function openMemfd(name: string, size: number): number {
  const fd = createMemfd(name);
  if (libc().ftruncate(fd, size) === -1) {
    const code = errno();
    libc().close(fd);
    throw new LibcError("ftruncate", code, `${fd}, ${size}`);
  }
  return fd;
}
// #endregion open-memfd

export class DualMapping {
  readonly #writable: Mapping;
  readonly #executable: Mapping;
  #view: Uint8Array;
  #state: DualMappingState = "live";

  private constructor(writable: Mapping, executable: Mapping) {
    this.#writable = writable;
    this.#executable = executable;
    this.#view = bytesAt(writable.address, writable.size);
    fillWithTraps(this.#view);
  }

  // #region create
  /**
   * Two views of one memfd named "jit-code" of at least `size` bytes (whole pages), both MAP_SHARED:
   * `writeAddress` is RW, `execAddress` is RX. The descriptor is closed before it returns.
   */
  static create(size: number): DualMapping {
    const length = roundUp(checkSize(size, "code size"), pageSize()); // the file backs every mapped byte
    const fd = openMemfd("jit-code", length);
    try {
      const writable = mapPages(length, PROT.READ | PROT.WRITE, { fd, shared: true });
      try {
        return new DualMapping(writable, mapPages(length, PROT.READ | PROT.EXEC, { fd, shared: true }));
      } catch (e) {
        unmapPages(writable);
        throw e;
      }
    } finally {
      libc().close(fd); // the mappings keep the file alive; the descriptor is no longer needed
    }
  }
  // #endregion create

  /** Where to write the code (RW). Never call this address. */
  get writeAddress(): number {
    return this.#writable.address;
  }

  /** Where to run the code (RX). Writes through it fault. */
  get execAddress(): number {
    return this.#executable.address;
  }

  get size(): number {
    return this.#writable.size;
  }

  get state(): DualMappingState {
    return this.#state;
  }

  /** Copy `bytes` in at `offset` through the RW view; the RX view sees them at once. */
  write(bytes: ArrayLike<number>, offset = 0): this {
    this.#expectLive("write into it");
    checkFits(offset, bytes.length, this.size, "write");
    checkBytes(bytes);
    this.#view.set(bytes, offset);
    // AArch64: through the RX alias's addresses, the ones instruction fetch will use.
    makeCodeVisible(this.execAddress + offset, bytes.length);
    return this;
  }

  /**
   * A JS function calling the code at `offset`, through the RX view. Only while live (#expectLive("call
   * into it")); outside (offset `size` included), a CodeBufferRangeError.
   */
  fn<const S extends Signature>(signature: S, offset = 0): NativeFunction<S> {
    this.#expectLive("call into it");
    checkFits(offset, 1, this.size, "entry point");
    return nativeFunction(this.execAddress + offset, signature);
  }

  /** Unmap both views; the memfd goes away with the last of them. */
  free(): void {
    this.#expectLive("free it");
    unmapPages(this.#executable);
    unmapPages(this.#writable);
    this.#view = new Uint8Array(0);
    this.#state = "freed";
  }

  [Symbol.dispose](): void {
    if (this.#state === "live") this.free();
  }

  #expectLive(action: string): void {
    if (this.#state === "live") return;
    throw new CodeBufferStateError(
      `cannot ${action}: the dual mapping (RW ${hex(this.writeAddress)}, RX ${hex(this.execAddress)}) ` +
        `was freed: create a new one`,
    );
  }
}
