// From an emitter to a callable function: assemble, place the bytes in a CodeBuffer of just the
// right size, seal it (W^X: it was never executable while writable), and wrap the entry point.
import type { NativeFunction, Signature } from "../02-first-bytes/native-function.ts";
import { CodeBuffer } from "../03-w-xor-x/code-buffer.ts";
import { Asm } from "./labels.ts";
import { libcAddress, type Resolve } from "./libc-addresses.ts";
import { PROGRAM_SIGNATURE, type Program } from "./programs.ts";

export type Emit = (a: Asm, resolve: Resolve) => void;

// #region place
/** The finished code of `a` in a sealed (RX) buffer. The code must not depend on where it lands. */
export function place(a: Asm): CodeBuffer {
  const bytes = a.finish(); // throws if a used label was never bound
  return CodeBuffer.create(bytes.length).write(bytes).seal();
}
// #endregion place

export interface Compiled<S extends Signature> extends Disposable {
  readonly fn: NativeFunction<S>;
  readonly buffer: CodeBuffer;
  /** The listing, labels included. */
  readonly listing: string;
  free(): void;
}

// #region compile
/** Generate a function with the real libc addresses and make it callable. */
export function compile<const S extends Signature>(emit: Emit, signature: S): Compiled<S> {
  const a = new Asm();
  emit(a, libcAddress);
  const buffer = place(a);
  return {
    fn: buffer.fn(signature),
    buffer,
    listing: a.toString(),
    free: () => buffer.free(),
    [Symbol.dispose]: () => buffer[Symbol.dispose](),
  };
}
// #endregion compile

/** One of this chapter's programs, compiled. */
export function compileProgram(program: Program): Compiled<typeof PROGRAM_SIGNATURE> {
  return compile(program.emit, PROGRAM_SIGNATURE);
}
