// Hostile programs, generated: nothing third-party, and any size or depth on demand.

/** A loop that never ends: it keeps its cell non-zero forever. */
export const RUNAWAY = "+[[-]+]";

/** The tour's limits and sizes (main.ts --demo), which the prose quotes. */
export const DEMO_MAX_STEPS = 1_000_000;
export const DEMO_TIMEOUT_MS = 100;
export const DEMO_HUGE_BYTES = 1 << 20;
/** How deep the deep program nests, in --demo deep and in the figures. */
export const DEEP = 100_000;

/** `depth` loops, each inside the last, around one `-`, after a `+`: it runs each loop once and ends. nested(3) is "+[[[-]]]". */
export function nested(depth: number): string {
  return "+" + "[".repeat(depth) + "-" + "]".repeat(depth);
}

/**
 * About `bytes` bytes of program: a block that prints a letter with a multiply loop and clears its
 * cells, over and over, the letter changing, with a comment line now and then. Block i is
 * `++++++++[>` (8 + i % 3 pluses) `<-]>` (i % 26 pluses) `.[-]<`, so it prints the letter
 * 8·(8 + i % 3) + i % 26 (from "@IRCLU…"), followed after every 64th block by "\nblock after block\n".
 * Blocks are added until the text has at least `bytes` bytes.
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
