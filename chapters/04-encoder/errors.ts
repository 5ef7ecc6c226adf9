// The one error this chapter throws. An assembler that silently picks *some* encoding for a bad
// instruction hides bugs until the code runs, so every illegal combination becomes this error.

/** An instruction that has no x86-64 encoding, with the instruction's text and what to change. */
export class EncodeError extends Error {
  override name = "EncodeError";

  constructor(
    /** The instruction as written, in Intel syntax: `mov ah, r8b`. */
    readonly instruction: string,
    /** What is wrong and what to do instead. */
    readonly reason: string,
  ) {
    super(`'${instruction}': ${reason}`);
  }
}

/**
 * What the layers below the Assembler throw: only the reason. The Assembler knows the instruction
 * and turns it into an EncodeError, so no Reject escapes to the caller.
 */
export class Reject extends Error {
  override name = "Reject";
}

/** A row of the instruction table that does not parse: a bug in the table, reported at load time. */
export class TableError extends Error {
  override name = "TableError";
}

/** A listing asked of an assembler created without one (`new Assembler({ listing: false })`). */
export class ListingError extends Error {
  override name = "ListingError";
}
