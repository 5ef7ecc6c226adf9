// The clock fueled code compares its deadline with: CLOCK_MONOTONIC, read by the host through libc
// (JavaScript's clocks count from the start of the process, the code's from boot).
import { bunFFI } from "../01-pages/ffi.ts";
import { CLOCK_MONOTONIC } from "./fuel.ts";

const SYMBOLS = { clock_gettime: { args: ["i32", "ptr"], returns: "i32" } } as const; // int clock_gettime(clockid_t, struct timespec *)

let clock: ((id: number, ts: BigInt64Array) => number) | undefined;
const ts = new BigInt64Array(2);

/** Now, in nanoseconds of CLOCK_MONOTONIC: the clock the code reads with its own system call. */
export function monotonicNs(): bigint {
  if (!clock) {
    const { symbols } = bunFFI("Chapter 12 (the clock of --timeout)").dlopen("libc.so.6", SYMBOLS);
    clock = (id, out) => symbols.clock_gettime(id, out);
  }
  clock(CLOCK_MONOTONIC, ts);
  return ts[0]! * 1_000_000_000n + ts[1]!;
}
