// Generated code as text. The listing is GNU as source: the offset and bytes of each instruction
// ride along as comments, so a reader can check every byte with `as` and `objdump`.
import type { Asm } from "../05-control-flow/labels.ts";

const hex2 = (b: number): string => b.toString(16).padStart(2, "0");

// #region gnu-listing
/**
 * `asm`'s code as GNU as source (Intel syntax). A forward jump that our assembler made 32-bit gets
 * `{disp32}`, because GNU as would pick the short form wherever it reaches; so the source
 * assembles back to exactly these bytes.
 */
export function gnuListing(asm: Asm): string {
  const entries = asm.listing;
  let next = 0;
  const lines = [".intel_syntax noprefix"];
  for (const line of asm.toString().split("\n")) {
    if (line === "") continue;
    const entry = entries[next];
    // Asm.toString() prints a label as `name:` on a line of its own, before the instruction it marks.
    if (entry === undefined || !line.startsWith(entry.offset.toString(16).padStart(4, "0") + "  ")) {
      lines.push(line);
      continue;
    }
    next++;
    const text = /^j/.test(entry.text) && entry.bytes.length >= 5 ? `{disp32} ${entry.text}` : entry.text;
    lines.push(`        ${text.padEnd(40)} # ${entry.offset.toString(16).padStart(4, "0")}: ${[...entry.bytes].map(hex2).join(" ")}`);
  }
  return lines.join("\n");
}
// #endregion gnu-listing

/** `0000  53 41 54 ...`, 16 bytes a line. */
export function hexDump(code: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < code.length; i += 16) {
    lines.push(`${i.toString(16).padStart(4, "0")}  ${[...code.subarray(i, i + 16)].map(hex2).join(" ")}`);
  }
  return lines.join("\n");
}
