// Pages of memory from the kernel: mmap, mprotect, munmap, and posix_memalign for comparison.
// Every change to a mapping leaves a breadcrumb (shared/trace.ts), so that when a child process dies
// the harness can say which page was involved and what state it was in.
import { protString, trace } from "../../shared/trace.ts";
import { bunFFI } from "./ffi.ts";
import type { Pointer } from "./ffi.ts";
import { checkAddress, checkAlignment, checkProt, checkSize, roundUp } from "./checks.ts";
import { LibcError, check, errno, libc } from "./libc.ts";

// #region constants
/** Protection bits for mmap and mprotect (<sys/mman.h>). */
export const PROT = { NONE: 0, READ: 1, WRITE: 2, EXEC: 4 } as const;

/** mmap flags (Linux values; macOS spells MAP_ANONYMOUS 0x1000). */
export const MAP = { SHARED: 0x01, PRIVATE: 0x02, ANONYMOUS: 0x20 } as const;

// (void *)-1 as bun:ffi returns it from a "ptr" function: 2^64 - 1, as a BigInt.
export const MAP_FAILED = 0xffff_ffff_ffff_ffffn;

const _SC_PAGESIZE = 30;
// #endregion constants

/** mmap returned an address a JS number cannot hold exactly (above 2^53). */
export class UnrepresentableAddressError extends Error {
  override name = "UnrepresentableAddressError";
}

/** A range of whole pages: `address` is page-aligned and `size` a multiple of the page size. */
export interface Mapping {
  readonly address: number;
  readonly size: number;
}

/** A posix_memalign block: `size` is what was asked for, nothing is rounded. */
export interface AlignedBlock {
  readonly address: number;
  readonly size: number;
  readonly alignment: number;
}

let cachedPageSize: number | undefined;

// #region page-size
/** The page size: the unit of mmap and mprotect (4096 on x86-64 Linux, 16384 on Apple silicon). */
export function pageSize(): number {
  cachedPageSize ??= check(Number(libc().sysconf(_SC_PAGESIZE)), "sysconf", "_SC_PAGESIZE");
  return cachedPageSize;
}
// #endregion page-size

/** Optional mmap arguments: a file descriptor to map (any file's), shared or private. */
export interface MapOptions {
  readonly fd?: number;
  readonly shared?: boolean;
}

// #region map-pages
/**
 * mmap: fresh pages, `size` rounded up to whole pages. Anonymous unless `options.fd` is given.
 * Leaves the breadcrumb trace({ ev: "map", addr, size, prot: protString(prot), how }), `how` being
 * "anonymous" or "fd 7", with " shared" appended for a shared mapping.
 */
export function mapPages(size: number, prot: number, options: MapOptions = {}): Mapping {
  checkSize(size);
  checkProt(prot);
  const length = roundUp(size, pageSize());
  const fd = options.fd ?? -1;
  const flags = (options.shared ? MAP.SHARED : MAP.PRIVATE) | (fd === -1 ? MAP.ANONYMOUS : 0);
  const result = libc().mmap(null, length, prot, flags, fd, 0);
  // MAP_FAILED is (void *)-1. A "ptr" result above 2^53 cannot be a JS number, so bun:ffi hands it
  // back as a BigInt: 18446744073709551615n, never -1. Comparing with -1 would let it through.
  if (typeof result !== "number") {
    if (result === MAP_FAILED) throw new LibcError("mmap", errno(), `NULL, ${length}, ${protString(prot)}`);
    throw new UnrepresentableAddressError(
      `mmap returned ${result === null ? "NULL" : hex(result)}, which a JS number cannot hold exactly: ` +
        `this book keeps addresses in numbers, which assumes they stay below 2^53 (4-level paging)`,
    );
  }
  const how = fd === -1 ? "anonymous" : `fd ${fd}`;
  trace({ ev: "map", addr: result, size: length, prot: protString(prot), how: options.shared ? `${how} shared` : how });
  return { address: result, size: length };
}
// #endregion map-pages

/**
 * munmap: give the pages back. Any view of them (toArrayBuffer) faults from now on.
 * Leaves the breadcrumb trace({ ev: "unmap", addr, size }).
 */
export function unmapPages(mapping: Mapping): void {
  checkAddress(mapping.address);
  checkSize(mapping.size);
  check(libc().munmap(mapping.address as Pointer, mapping.size), "munmap", `${hex(mapping.address)}, ${mapping.size}`);
  trace({ ev: "unmap", addr: mapping.address, size: mapping.size });
}

// #region protect
/**
 * mprotect: change the protection of whole pages. `address` must be page-aligned.
 * Leaves the breadcrumb trace({ ev: "protect", addr, size, prot: protString(prot) }).
 */
export function protect(address: number, size: number, prot: number): void {
  checkAddress(address);
  checkSize(size);
  checkProt(prot);
  check(libc().mprotect(address as Pointer, size, prot), "mprotect", `${hex(address)}, ${size}, ${protString(prot)}`);
  trace({ ev: "protect", addr: address, size, prot: protString(prot) });
}
// #endregion protect

// #region alloc-aligned
/**
 * posix_memalign: an aligned block from the heap, the way C code did it before mmap was the norm.
 * Leaves the breadcrumb trace({ ev: "map", addr, size, prot: "rw-", how: "posix_memalign" }).
 */
export function allocAligned(size: number, alignment: number): AlignedBlock {
  checkSize(size);
  checkAlignment(alignment);
  const out = new BigUint64Array(1); // the void ** it writes the address into
  // posix_memalign does not set errno: it returns the error number itself (0 on success).
  const err = libc().posix_memalign(out, alignment, size);
  if (err !== 0) throw new LibcError("posix_memalign", err, `&out, ${alignment}, ${size}`);
  const address = Number(out[0]);
  trace({ ev: "map", addr: address, size, prot: "rw-", how: "posix_memalign" });
  return { address, size, alignment };
}
// #endregion alloc-aligned

/**
 * free() a posix_memalign block. Its pages are made RW again first: free() writes the allocator's
 * bookkeeping into the block itself, and a block left RX would fault inside free().
 */
export function freeAligned(block: AlignedBlock): void {
  const page = pageSize();
  const start = block.address - (block.address % page);
  protect(start, roundUp(block.address + block.size - start, page), PROT.READ | PROT.WRITE);
  libc().free(block.address as Pointer);
}

/** A view of `size` bytes at `address`: no copy, and no ownership (it faults once they are unmapped). */
export function bytesAt(address: number, size: number): Uint8Array {
  checkAddress(address);
  checkSize(size);
  return new Uint8Array(bunFFI("Chapter 1 (memory views)", "linux").toArrayBuffer(address, 0, size));
}

/** True when `address` is a multiple of `alignment`. */
export function isAligned(address: number, alignment: number): boolean {
  return address % alignment === 0;
}

/** 0x7f3a12340000: how addresses are printed throughout the book. */
export function hex(n: number | bigint): string {
  return "0x" + n.toString(16);
}
