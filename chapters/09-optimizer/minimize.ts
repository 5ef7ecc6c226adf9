// Delta debugging on a Brainfuck program's text: what turns a random program that shows a
// difference into a small one that a reader can look at.

// #region minimize
/**
 * Remove pieces of the program (first every comment, then chunks of commands, large to small,
 * keeping brackets balanced) while `stillFails` says the smaller program still shows the
 * difference. `stillFails` gets a batch of candidates and returns the index of one that fails, or
 * null, so that a caller that runs programs in a child process pays one child per round.
 */
export async function minimize(source: string, stillFails: (candidates: readonly string[]) => Promise<number | null>, maxRounds = 40): Promise<string> {
  let best = source;
  const bare = source.replace(/[^+\-<>.,[\]]/g, "");
  if (bare !== source && (await stillFails([bare])) === 0) best = bare;
  for (let round = 0, chunk = Math.max(1, best.length >> 1); round < maxRounds && chunk >= 1; round++) {
    const candidates: string[] = [];
    for (let at = 0; at < best.length; at += chunk) {
      const cut = best.slice(0, at) + best.slice(at + chunk);
      if (cut.length < best.length && balanced(cut)) candidates.push(cut);
    }
    const found = candidates.length === 0 ? null : await stillFails(candidates);
    if (found !== null) best = candidates[found]!;
    else chunk >>= 1;
  }
  return best;
}
// #endregion minimize

/** True when every `]` closes a `[` before it and every `[` is closed: other characters do not matter. */
export function balanced(code: string): boolean {
  let depth = 0;
  for (const c of code) {
    if (c === "[") depth++;
    else if (c === "]" && --depth < 0) return false;
  }
  return depth === 0;
}
