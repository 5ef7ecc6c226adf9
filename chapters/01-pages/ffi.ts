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

/**
 * What a chapter needs of the host: Linux system calls on any processor ("linux"), or Linux and machine
 * code for one of the processors it has code for (process.arch names: "x64", "arm64").
 */
export type HostNeed = "linux" | readonly string[];

/** Thrown when the host lacks what a chapter needs (see HostNeed). */
export class UnsupportedHostError extends Error {
  override name = "UnsupportedHostError";
  constructor(what: string, needs: HostNeed = ["x64"]) {
    super(
      `${what} ${describeNeed(needs)}, but this is ${process.platform}/${process.arch}. ` +
        `The pure-TypeScript chapters (4, 6, 13) run anywhere.`,
    );
  }
}

function describeNeed(needs: HostNeed): string {
  if (needs === "linux") return "calls Linux through libc";
  const names = needs.map((arch) => (arch === "x64" ? "x86-64" : arch === "arm64" ? "AArch64" : arch));
  return `executes ${names.join(" or ")} machine code through Linux system calls`;
}

/** Whether this host has what `needs` asks for. */
export function hostHas(needs: HostNeed): boolean {
  if (process.platform !== "linux") return false;
  return needs === "linux" || needs.includes(process.arch);
}

export const hasBun: boolean = typeof globalThis.Bun !== "undefined";
export const isLinuxX64: boolean = process.platform === "linux" && process.arch === "x64";

let cached: BunFFI | undefined;

/**
 * bun:ffi itself, or a NeedsBunError naming `what` needs it, or an UnsupportedHostError when the host
 * lacks what `what` needs (by default x86-64 machine code; chapter 1's pages need only Linux).
 */
export function bunFFI(what: string, needs: HostNeed = ["x64"]): BunFFI {
  if (!hasBun) throw new NeedsBunError(what);
  if (!hostHas(needs)) throw new UnsupportedHostError(what, needs);
  if (cached) return cached;
  // A static import would fail at link time under Node; require() after the check does not.
  cached = require("bun:ffi") as BunFFI;
  return cached;
}

function relativeScript(): string {
  const script = process.argv[1] ?? "<file>";
  const cwd = process.cwd() + "/";
  return script.startsWith(cwd) ? script.slice(cwd.length) : script;
}
