// A JS function that calls machine code at an address: bun:ffi's CFunction, typed from its signature.
import { trace } from "../../shared/trace.ts";
import { checkAddress } from "../01-pages/checks.ts";
import { bunFFI } from "../01-pages/ffi.ts";
import type {
  FFIType,
  FFITypeOrString,
  FFITypeToArgsType,
  FFITypeToReturnsType,
  Pointer,
  ToFFIType,
} from "../01-pages/ffi.ts";

// #region signature
/** A C prototype in bun:ffi's words: `{ args: ["i64", "i64"], returns: "i64" }` is `long f(long, long)`. */
export interface Signature {
  readonly args: readonly FFITypeOrString[];
  readonly returns: FFITypeOrString;
}

/** The JS type of a function with that signature: "i32" is a number, "i64" a bigint, and so on. */
export type NativeFunction<S extends Signature> = S["args"] extends infer A extends readonly FFITypeOrString[]
  ? (...args: { [K in keyof A]: ArgType<A[K]> }) => FFITypeToReturnsType[ToFFIType<S["returns"]>]
  : never;

/** bun:ffi's argument types, except that a "ptr" also takes a plain number: addresses here are numbers. */
type ArgType<T extends FFITypeOrString> =
  ToFFIType<T> extends FFIType.ptr ? number | FFITypeToArgsType[FFIType.ptr] : FFITypeToArgsType[ToFFIType<T>];
// #endregion signature

// #region native-function
/**
 * Wrap the code at `address` as a JS function. Nothing checks that the bytes there match the signature:
 * a wrong one returns garbage or crashes, exactly as a wrong function pointer cast in C would. What is
 * checked is the address itself (chapter 1's checkAddress: an ArgumentError), and each callable made
 * leaves a `{ ev: "call", addr }` trace.
 */
export function nativeFunction<const S extends Signature>(address: number, signature: S): NativeFunction<S> {
  checkAddress(address);
  // One breadcrumb per callable, not per call: if the child dies, the harness knows what was called.
  trace({ ev: "call", addr: address });
  const fn = bunFFI("Chapter 2 (calling machine code)", ["x64", "arm64"]).CFunction({ ...signature, ptr: address as Pointer });
  // CFunction is typed as returning any callable; the signature is what gives it a shape.
  return fn as unknown as NativeFunction<S>;
}
// #endregion native-function
