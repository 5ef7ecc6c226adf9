// GNU as as the oracle for the encoder sweep: chapter 2's assemble() (one batch, a label per line),
// plus what the sweep needs around it: why binutils is unavailable, its version, the golden file.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { GnuAsError, assemble, hasGnuAs } from "../../chapters/02-first-bytes/gnu-as.ts";

export { GnuAsError as GasError };

export interface GasLine {
  readonly bytes: Uint8Array;
  /** objdump's text for the line (for messages). */
  readonly text: string;
}

/** Why GNU as cannot be used here, or null when `as` and `objdump` both run. */
export function gasUnavailable(): string | null {
  return hasGnuAs() ? null : "as or objdump (GNU binutils) is not installed: install binutils to check the encoder against GNU as";
}

export function gasVersion(): string {
  return spawnSync("as", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0] ?? "GNU as";
}

/** Assemble `lines` (Intel syntax, one instruction each) in one batch; the result is indexed like `lines`. */
export function assembleWithGas(lines: readonly string[]): GasLine[] {
  return assemble(lines).map((a) => ({ bytes: Uint8Array.from(a.bytes), text: a.disassembly.join("; ") }));
}

export function readGolden(path: string): { hex: string; text: string }[] {
  return readFileSync(path, "utf8").split("\n").filter((l) => l && !l.startsWith("#")).map((l) => {
    const [hex = "", text = ""] = l.split("\t");
    return { hex, text };
  });
}
