// The one module that touches bun:ffi. Everything else asks this module for it, so a chapter run
// under Node (tsx) fails with one clear sentence instead of ERR_UNSUPPORTED_ESM_URL_SCHEME.
import type * as FFI from "bun:ffi";

export type { Pointer, FFIType, FFIFunction } from "bun:ffi";
// The type-level mapping from a signature ("i32", "ptr", ...) to JS types, for typed callables.
export type { FFITypeOrString, FFITypeToArgsType, FFITypeToReturnsType, ToFFIType } from "bun:ffi";
export type BunFFI = typeof FFI;

/** Thrown when code that executes machine code is run outside Bun (for example with `npx tsx`). */
export class NeedsBunError extends Error {
  override name = "NeedsBunError";
  constructor(what: string) {
    super(
      `${what} runs native code through bun:ffi, so it needs Bun: run it with ` +
        `\`npx bun ${relativeScript()}\` (Node and tsx can only run the pure-TypeScript chapters).`,
    );
  }
}

/** Thrown when the host is not Linux on x86-64, where the machine code of this book runs. */
export class UnsupportedHostError extends Error {
  override name = "UnsupportedHostError";
  constructor(what: string) {
    super(
      `${what} executes x86-64 machine code through Linux system calls, but this is ` +
        `${process.platform}/${process.arch}. The pure-TypeScript chapters (4, 6, 13) run anywhere.`,
    );
  }
}

export const hasBun: boolean = typeof globalThis.Bun !== "undefined";
export const isLinuxX64: boolean = process.platform === "linux" && process.arch === "x64";

let cached: BunFFI | undefined;

/** bun:ffi itself, or a NeedsBunError naming `what` needs it. */
export function bunFFI(what: string): BunFFI {
  if (cached) return cached;
  if (!hasBun) throw new NeedsBunError(what);
  if (!isLinuxX64) throw new UnsupportedHostError(what);
  // A static import would fail at link time under Node; require() after the check does not.
  cached = require("bun:ffi") as BunFFI;
  return cached;
}

function relativeScript(): string {
  const script = process.argv[1] ?? "<file>";
  const cwd = process.cwd() + "/";
  return script.startsWith(cwd) ? script.slice(cwd.length) : script;
}
