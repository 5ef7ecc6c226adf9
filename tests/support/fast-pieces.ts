// The fast tier with pieces of a few commands: every program the tests run is cut many times, at
// every kind of place, so the cuts are tested where chapter 10's PIECE would make none.
import type { NativeTier } from "../../chapters/07-template-jit/tier.ts";
import { fastTier } from "../../chapters/10-faster-code/jit.ts";

export const fastInTinyPieces: NativeTier = fastTier({ piece: 3 });
export const TINY_PIECES = "tests/support/fast-pieces.ts#fastInTinyPieces";

// And with pieces of a few dozen commands: most loops stay whole (with registers, peeled tests and
// their out-of-line code), between cuts and beside loops too big for a piece.
export const fastInSmallPieces: NativeTier = fastTier({ piece: 16 });
export const SMALL_PIECES = "tests/support/fast-pieces.ts#fastInSmallPieces";
