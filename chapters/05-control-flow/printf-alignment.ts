// Why rsp must be 16-aligned at a call, shown with the classic crash: snprintf with a double. A
// variadic function saves its vector argument registers with movaps, which faults on an address
// that is not a multiple of 16, and that address is computed from rsp.
import { rax, eax, r11, xmm0 } from "../04-encoder/registers.ts";
import { compile } from "./compile.ts";
import { Frame } from "./frame.ts";
import type { Asm } from "./labels.ts";
import type { Resolve } from "./libc-addresses.ts";

const SIGNATURE = { args: ["ptr", "usize", "ptr"], returns: "i32" } as const;

/** The bits of a double, for movabs: x86 moves them into xmm0 through a general register. */
export function doubleBits(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x, true);
  return view.getBigUint64(0, true);
}

// #region format-call
/** int format(char *out, size_t size, const char *fmt): snprintf(out, size, fmt, x). */
export function emitFormat(a: Asm, resolve: Resolve, x: number, aligned: boolean): void {
  const frame = new Frame(); // saves nothing; 8 bytes of padding
  if (aligned) frame.prologue(a);
  a.movabs(rax, doubleBits(x))
    .movq(xmm0, rax) //                       the double goes in xmm0
    .mov(eax, 1) //                           al: how many vector registers hold arguments
    .callAbsolute(resolve("snprintf"), r11); // not rax: it holds al
  if (aligned) frame.epilogue(a);
  else a.ret();
}
// #endregion format-call

/** Format `x` with snprintf from generated code. Misaligned, this kills the process: run it in a child. */
export function formatWithSnprintf(x: number, format: string, aligned: boolean): string {
  using f = compile((a, resolve) => emitFormat(a, resolve, x, aligned), SIGNATURE);
  const out = new Uint8Array(64);
  const n = f.fn(out, out.length, new TextEncoder().encode(`${format}\0`));
  return new TextDecoder().decode(out.subarray(0, Math.min(n, out.length - 1)));
}
