// A module's bytes, sixteen to a line, each section starting a line of its own with its name and
// size beside it: the binary format as it is, with just enough labels to find your way.
import { decodeModule } from "./decode.ts";

// #region hex-dump
export function hexDump(bytes: Uint8Array): string {
  const parts = [
    { start: 0, end: 8, label: `header: "\\0asm", version 1` },
    ...decodeModule(bytes).sections.map((s) => ({ start: s.start, end: s.end, label: `${s.id === 0 ? `custom section "${s.name}"` : `${s.name} section`} (id ${s.id}), ${s.end - s.contentStart} bytes` })),
  ];
  const lines: string[] = [];
  for (const { start, end, label } of parts) {
    for (let at = start; at < end; at += 16) {
      const row = [...bytes.subarray(at, Math.min(at + 16, end))].map((b) => b.toString(16).padStart(2, "0")).join(" ");
      lines.push(`${at.toString(16).padStart(8, "0")}  ${row.padEnd(47)}${at === start ? `  ${label}` : ""}`.trimEnd());
    }
  }
  return lines.join("\n") + "\n";
}
// #endregion
