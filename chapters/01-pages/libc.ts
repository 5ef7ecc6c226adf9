// The C library, reached through bun:ffi. Bound on first use, so that importing this module under
// Node (which cannot run it) costs nothing; only calling into libc needs Bun.
import { bunFFI } from "./ffi.ts";

// #region symbols
// Each entry is a C prototype spelled in bun:ffi's types. A "ptr" result comes back as a JS number
// (or null, or a BigInt above 2^53); an "i64" result always comes back as a BigInt.
const SYMBOLS = {
  sysconf: { args: ["i32"], returns: "i64" }, // long sysconf(int name)
  mmap: { args: ["ptr", "usize", "i32", "i32", "i32", "i64"], returns: "ptr" },
  munmap: { args: ["ptr", "usize"], returns: "i32" },
  mprotect: { args: ["ptr", "usize", "i32"], returns: "i32" },
  posix_memalign: { args: ["ptr", "usize", "usize"], returns: "i32" }, // (void **out, align, size)
  free: { args: ["ptr"], returns: "void" },
  __errno_location: { args: [], returns: "ptr" }, // int *: glibc's per-thread errno
  strerror: { args: ["i32"], returns: "cstring" },
  memfd_create: { args: ["cstring", "u32"], returns: "i32" },
  ftruncate: { args: ["i32", "i64"], returns: "i32" },
  close: { args: ["i32"], returns: "i32" },
  write: { args: ["i32", "ptr", "usize"], returns: "i64" },
  read: { args: ["i32", "ptr", "usize"], returns: "i64" },
} as const;
// #endregion symbols

function open() {
  return bunFFI("Chapter 1 (libc through bun:ffi)", "linux").dlopen("libc.so.6", SYMBOLS).symbols;
}

export type Libc = ReturnType<typeof open>;

let bound: Libc | undefined;

/** libc's functions, bound on the first call. */
export function libc(): Libc {
  bound ??= open();
  return bound;
}

// #region errno
/** The calling thread's errno. Read it right after the call that failed, before anything else. */
export function errno(): number {
  const where = libc().__errno_location()!; // never NULL: every thread has its errno
  return bunFFI("errno", "linux").read.i32(where, 0);
}
// #endregion errno

/** strerror(3): the C library's own sentence for an errno value. */
export function strerror(code: number): string {
  return libc().strerror(code) ?? `unknown error ${code}`;
}

/** Symbolic names of the errno values this book can meet (Linux x86-64 numbering). */
export const ERRNO_NAMES: Readonly<Record<number, string>> = {
  1: "EPERM",
  2: "ENOENT",
  4: "EINTR",
  5: "EIO",
  9: "EBADF",
  11: "EAGAIN",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  19: "ENODEV",
  22: "EINVAL",
  23: "ENFILE",
  24: "EMFILE",
  27: "EFBIG",
  28: "ENOSPC",
  29: "ESPIPE",
  30: "EROFS",
  32: "EPIPE",
  34: "ERANGE",
  38: "ENOSYS",
  75: "EOVERFLOW",
  95: "EOPNOTSUPP",
};

/** "EINVAL" for 22; "errno 1234" for a number the table does not know. */
export function errnoName(code: number): string {
  return ERRNO_NAMES[code] ?? `errno ${code}`;
}

// #region hints
// What a reader should check, for the failures this book's calls can actually produce.
const HINTS: Readonly<Record<string, string>> = {
  "mmap:ENOMEM":
    "the kernel would not reserve that much memory (more than RAM + swap under the default " +
    "overcommit policy, or a ulimit -v): ask for less",
  "mmap:EINVAL": "the size is 0, the offset is not page-aligned, or the flags name neither MAP_PRIVATE nor MAP_SHARED",
  "mmap:EACCES": "the file descriptor does not allow the protection asked for (a read-only fd mapped writable?)",
  "mprotect:ENOMEM":
    "part of the range is not mapped: was it unmapped already (use after free), or is the address wrong?",
  "mprotect:EINVAL": "the address is not page-aligned: mprotect works on whole pages, so pass a page's start",
  "mprotect:EACCES":
    "the mapping cannot get that protection: a file opened read-only, or a filesystem mounted noexec",
  "munmap:EINVAL": "the address is not page-aligned, or the size is 0",
  "posix_memalign:EINVAL": "the alignment must be a power of two and a multiple of sizeof(void*) (8)",
  "posix_memalign:ENOMEM": "the heap could not grow by that much",
  "memfd_create:EMFILE": "this process has too many open file descriptors: close some",
  "memfd_create:EACCES": "a security policy refused the file: the kernel log (dmesg) names the rule",
  "memfd_create:EINVAL": "the name is longer than 249 bytes, or this kernel does not know one of the flags",
  "ftruncate:EINVAL": "the length is negative or the descriptor is not a writable file",
  "close:EBADF": "the descriptor is not open: closed twice?",
};
// #endregion hints

// #region libc-error
/** A libc call that failed, with errno decoded: `code` is "ENOMEM", `errno` is 12. */
export class LibcError extends Error {
  override name = "LibcError";
  readonly call: string;
  readonly errno: number;
  readonly code: string;

  /** `call` names the function, `args` shows how it was called (for the message only). */
  constructor(call: string, code: number, args = "") {
    const name = errnoName(code);
    const hint = HINTS[`${call}:${name}`];
    super(`${call}(${args}) failed with ${name} (${strerror(code)})${hint ? `: ${hint}` : ""}`);
    this.call = call;
    this.errno = code;
    this.code = name;
  }
}
// #endregion libc-error

// #region check
/** Throw a LibcError if a call that reports failure as -1 returned -1. */
export function check(result: number, call: string, args = ""): number {
  if (result === -1) throw new LibcError(call, errno(), args);
  return result;
}
// #endregion check
