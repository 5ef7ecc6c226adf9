// What the tests of the LIR's text form (and other refusals) compare: the message a call throws.

/** The message of the error `f` throws (line:column first, for the book's errors), or "no error". */
export function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return "no error";
}

/**
 * A message that lists the LIR's ops: "…" stands for the op kinds later chapters add through
 * chapter 8's op-set.ts (in a test run with theirs loaded, the list goes on).
 */
export const opsListed = (message: string): RegExp => new RegExp("^" + message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("…", "(, [a-z]+)*") + "$");
