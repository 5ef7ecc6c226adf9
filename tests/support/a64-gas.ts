// GNU as for AArch64, to check A64 words against: chapter 2's hand-written programs and chapter 14's
// encoder. Where the assembler is absent, `hasA64As` is false and the tests that need it skip.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const A64_AS = "aarch64-linux-gnu-as";
const OBJDUMP = "aarch64-linux-gnu-objdump";

export const hasA64As = [A64_AS, OBJDUMP].every((t) => spawnSync(t, ["--version"], { stdio: "ignore" }).status === 0);

/** Why the AArch64 bytes checks skip, for a console.warn where they do. */
export const noA64As = `${A64_AS} not found (Debian: binutils-aarch64-linux-gnu)`;

/** objdump's listing of what GNU as made of `lines`: one `as` call for all of them. */
function disassembly(lines: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "jit-a64-"));
  try {
    writeFileSync(join(dir, "code.s"), lines.join("\n") + "\n");
    const as = spawnSync(A64_AS, ["-o", join(dir, "code.o"), join(dir, "code.s")], { encoding: "utf8", maxBuffer: 1 << 28 });
    if (as.status !== 0) throw new Error(`${A64_AS} rejected the input: ${as.stderr}`);
    return spawnSync(OBJDUMP, ["-d", "-z", join(dir, "code.o")], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const WORD = /^\s*[0-9a-f]+:\t([0-9a-f]{8})\s/;

/** The assembler's words for the program's text, one per instruction, read back with objdump. */
export function assembleA64(lines: readonly string[]): number[] {
  return disassembly(lines).split("\n").flatMap((l) => WORD.exec(l)?.[1] ?? []).map((w) => parseInt(w, 16));
}

/**
 * The words of several programs, assembled together in one `as` call: each program starts at a
 * label of its own (`part_N`), and objdump's heading for that label says where its words begin.
 */
export function assembleA64Parts(parts: readonly (readonly string[])[]): number[][] {
  const out: number[][] = parts.map(() => []);
  let current: number[] | undefined;
  for (const line of disassembly(parts.flatMap((p, i) => [`part_${i}:`, ...p])).split("\n")) {
    const part = /<part_(\d+)>:$/.exec(line);
    if (part) current = out[Number(part[1])];
    const word = WORD.exec(line);
    if (word && current) current.push(parseInt(word[1]!, 16));
  }
  return out;
}
