// The one error this chapter's encoder throws. A fixed-width encoding has fewer ways to be wrong than
// x86-64's, but every field is narrow: an immediate, an offset or a branch distance that does not fit
// its bits is refused with the instruction's text and what to write instead.

/** An instruction that has no A64 encoding, with the instruction's text and what to change. */
export class A64EncodeError extends Error {
  override name = "A64EncodeError";

  constructor(
    /** The instruction as written, in GNU syntax: `add x0, x1, #5000`. */
    readonly instruction: string,
    /** What is wrong and what to do instead. */
    readonly reason: string,
  ) {
    super(`'${instruction}': ${reason}`);
  }
}

/**
 * What the encoding functions throw: only the reason. The Assembler knows the instruction's text and
 * turns it into an A64EncodeError, so no Reject escapes to the caller.
 */
export class Reject extends Error {
  override name = "Reject";
}
