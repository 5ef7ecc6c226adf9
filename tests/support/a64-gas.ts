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

/** The assembler's words for the program's text, one per instruction, read back with objdump: one `as` call for all the lines. */
export function assembleA64(lines: readonly string[]): number[] {
  const dir = mkdtempSync(join(tmpdir(), "jit-a64-"));
  try {
    writeFileSync(join(dir, "code.s"), lines.join("\n") + "\n");
    const as = spawnSync(A64_AS, ["-o", join(dir, "code.o"), join(dir, "code.s")], { encoding: "utf8", maxBuffer: 1 << 28 });
    if (as.status !== 0) throw new Error(`${A64_AS} rejected the input: ${as.stderr}`);
    const dump = spawnSync(OBJDUMP, ["-d", "-z", join(dir, "code.o")], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout;
    return [...dump.matchAll(/^\s*[0-9a-f]+:\t([0-9a-f]{8})\s/gm)].map((m) => parseInt(m[1]!, 16));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
