// Hostile programs, generated: nothing third-party, and any size or depth on demand.

/** A loop that never ends: it keeps its cell non-zero forever. */
export const RUNAWAY = "+[[-]+]";

/** `depth` loops, each inside the last, around one `-`: it runs each loop once and ends. */
export function nested(depth: number): string {
  return "+" + "[".repeat(depth) + "-" + "]".repeat(depth);
}

/**
 * About `bytes` bytes of program: a block that prints a letter with a multiply loop and clears its
 * cells, over and over, the letter changing, with a comment line now and then.
 */
export function huge(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const block = `${"+".repeat(8)}[>${"+".repeat(8 + (i % 3))}<-]>${"+".repeat(i % 26)}.[-]<` + (i % 64 === 63 ? "\nblock after block\n" : "");
    parts.push(block);
    size += block.length;
  }
  return parts.join("");
}
