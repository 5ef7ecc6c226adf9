// Argument checks for the page functions. They run before any libc call: a size of NaN or -1 passed
// through bun:ffi becomes a huge unsigned number, and the kernel's answer (EINVAL, ENOMEM) would not
// say which argument was wrong.

/** Thrown for a size, alignment, protection or address that no libc call should ever see. */
export class ArgumentError extends RangeError {
  override name = "ArgumentError";
}

// x86-64 Linux maps user memory below 2^47 (128 TiB), even with 5-level paging, unless an mmap hint
// asks for more; mapPages passes none, so a larger size is a bug in the caller, not a request to try.
export const MAX_USER_ADDRESS = 2 ** 47;

// #region check-size
/**
 * `size` as a byte count a mapping can have: a finite whole number from 1 to MAX_USER_ADDRESS (128 TiB),
 * returned as is. Anything else is an ArgumentError whose message starts with `what`, shows the value
 * (describe() for a non-number) and says which rule it broke, in these words:
 *   not a number, NaN, Infinity  "size must be a finite number of bytes, got NaN"
 *   too big (checked next)       "size 1152921504606846976 (1 EiB) is more than the 128 TiB ..." (formatBytes)
 *   a fraction                   "size must be a whole number of bytes, got 1.5"
 *   0 or less                    "size must be at least 1 byte, got 0"
 */
export function checkSize(size: number, what = "size"): number {
  if (typeof size !== "number" || !Number.isFinite(size)) {
    throw new ArgumentError(`${what} must be a finite number of bytes, got ${describe(size)}`);
  }
  if (size > MAX_USER_ADDRESS) {
    throw new ArgumentError(
      `${what} ${size} (${formatBytes(size)}) is more than the ${formatBytes(MAX_USER_ADDRESS)} ` +
        `Linux maps for a process without a high mmap hint: check how the size was computed`,
    );
  }
  if (!Number.isInteger(size)) {
    throw new ArgumentError(`${what} must be a whole number of bytes, got ${size}`);
  }
  if (size <= 0) {
    throw new ArgumentError(`${what} must be at least 1 byte, got ${size}: there is nothing to map`);
  }
  return size;
}
// #endregion check-size

/**
 * An alignment posix_memalign accepts, as the book bounds it: a power of two from 8 (sizeof(void*))
 * to 2^30 (a gigabyte; posix_memalign would take more, but no page needs it). Else an ArgumentError.
 */
export function checkAlignment(alignment: number): number {
  checkSize(alignment, "alignment");
  if ((alignment & (alignment - 1)) !== 0 || alignment < 8 || alignment > 2 ** 30) {
    throw new ArgumentError(
      `alignment must be a power of two between 8 (sizeof(void*)) and 2^30, got ${alignment}`,
    );
  }
  return alignment;
}

/** PROT_* bits: only READ (1), WRITE (2) and EXEC (4) mean something to mprotect here. */
export function checkProt(prot: number): number {
  if (!Number.isInteger(prot) || prot < 0 || prot > 7) {
    throw new ArgumentError(
      `protection must combine PROT.READ, PROT.WRITE and PROT.EXEC (0 to 7), got ${describe(prot)}`,
    );
  }
  return prot;
}

/** An address as bun:ffi passes it: a non-negative integer that a JS number holds exactly. */
export function checkAddress(address: number): number {
  if (!Number.isSafeInteger(address) || address < 0) {
    throw new ArgumentError(`address must be a non-negative integer, got ${describe(address)}`);
  }
  return address;
}

/** The smallest multiple of `unit` (a power of two) that is at least `n`. */
export function roundUp(n: number, unit: number): number {
  return Math.ceil(n / unit) * unit;
}

/** 4096 -> "4 KiB", 2^47 -> "128 TiB": sizes the way a reader thinks of them. */
export function formatBytes(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = Number.isInteger(value) ? String(value) : value.toFixed(1);
  return `${shown} ${units[unit]}`;
}

function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  return typeof value === "string" ? `the string ${JSON.stringify(value)}` : `${String(value)} (a ${typeof value})`;
}
