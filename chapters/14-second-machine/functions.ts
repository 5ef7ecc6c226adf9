// The chapter's functions, assembled with the encoder: what main.ts lists and, on an arm64 machine,
// calls. Each follows the procedure call standard: arguments in x0..x7, the result in x0, x30 the
// return address, and x9..x15 free to use without saving.
import { Assembler } from "./assembler.ts";
import { w0, x0, x1, x9 } from "./registers.ts";

/** A function's name, its C signature, bun:ffi's, and how to assemble it (when asked: not while this module loads). */
export interface A64Function {
  readonly name: string;
  readonly c: string;
  readonly args: readonly "i64"[];
  readonly returns: "i32" | "i64";
  readonly assemble: () => Assembler;
}

// #region functions
/** int return42(void) */
export function return42(): Assembler {
  return new Assembler().mov(w0, 42).ret();
}

/** long add(long a, long b) */
export function add(): Assembler {
  return new Assembler().add(x0, x0, x1).ret();
}

/** long sum(long n): 1 + 2 + ... + n, counting n down to zero. */
export function sum(): Assembler {
  const a = new Assembler();
  const loop = a.newLabel("loop");
  const done = a.newLabel("done");
  a.mov(x9, 0) //             the running total
    .cbz(x0, done) //         sum(0) is 0: skip the loop
    .bind(loop)
    .add(x9, x9, x0)
    .subs(x0, x0, 1) //       count down, setting the flags
    .bcond("ne", loop) //     until n reaches zero
    .bind(done)
    .mov(x0, x9)
    .ret();
  return a;
}

/** long constant(void): a 64-bit constant needs up to four 16-bit pieces, movz and movk. */
export function constant(): Assembler {
  return new Assembler().mov(x0, 0x1234_5678_9abc_def0n).ret();
}
// #endregion functions

export const FUNCTIONS: readonly A64Function[] = [
  { name: "return42", c: "int return42(void)", args: [], returns: "i32", assemble: return42 },
  { name: "add", c: "long add(long a, long b)", args: ["i64", "i64"], returns: "i64", assemble: add },
  { name: "sum", c: "long sum(long n)", args: ["i64"], returns: "i64", assemble: sum },
  { name: "constant", c: "long constant(void)", args: [], returns: "i64", assemble: constant },
];
