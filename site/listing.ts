// Program output as the page shows it. Most output is text and stays text, but two shapes are worth
// more: disassembly lines ("  3:  48 83 c0 04   add rax, 4") are re-aligned into offset, bytes and
// instruction columns with the instruction highlighted, and bare hex dumps are tinted as bytes.
// Pure string code: the playground uses it in the browser too.
import { escapeHtml } from "./html.ts";
import { highlight } from "./highlight.ts";

export interface DisasmLine {
  readonly indent: string;
  /** "0:", "0x10", "0000" or null. */
  readonly offset: string | null;
  /** "48 83 c0 04". */
  readonly bytes: string;
  /** The blank between the bytes and the instruction, as printed. */
  readonly gap: string;
  /** "add rax, 4". */
  readonly asm: string;
}

// optional offset (with a colon, or 3+ hex digits), byte pairs, a gap of 2+ spaces or a tab, a mnemonic.
const DISASM = /^(\s*)(?:((?:0x)?[0-9a-fA-F]+:|(?:0x)?[0-9a-fA-F]{3,})[ \t]+)?((?:[0-9a-fA-F]{2} )*[0-9a-fA-F]{2})( {2,}|[ \t]*\t[ \t]*)([a-z][a-z0-9]*(?:[ \t].*)?)$/;
const HEX_DUMP = /^(\s*(?:(?:0x)?[0-9a-fA-F]+:?[ \t]+)?)((?:[0-9a-fA-F]{2} ){3,}[0-9a-fA-F]{2})(\s*(?:\|.*\|)?\s*)$/;

export function parseDisasmLine(text: string): DisasmLine | null {
  const m = DISASM.exec(text);
  if (!m) return null;
  return { indent: m[1]!, offset: m[2] ?? null, bytes: m[3]!, gap: m[4]!, asm: m[5]!.trim().replace(/[ \t]+/, " ") };
}

/** Output text as HTML for a <pre>: disassembly aligned and highlighted, hex dumps tinted. */
export function renderOutput(text: string): string {
  const lines = text.replace(/\n$/, "").split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const block: DisasmLine[] = [];
    while (i + block.length < lines.length) {
      const d = parseDisasmLine(lines[i + block.length]!);
      if (!d) break;
      block.push(d);
    }
    if (block.length > 0) {
      out.push(...alignDisasm(block));
      i += block.length;
      continue;
    }
    const line = lines[i++]!;
    const hex = HEX_DUMP.exec(line);
    out.push(hex ? `${escapeHtml(hex[1]!)}<span class="dis-hex">${hex[2]}</span>${escapeHtml(hex[3]!)}` : escapeHtml(line));
  }
  return out.join("\n");
}

/**
 * One block of disassembly lines, padded so offsets, bytes and instructions form columns. The
 * instructions start where the widest line put them (at least three spaces after the bytes), so
 * output that was already aligned keeps its columns.
 */
export function alignDisasm(block: readonly DisasmLine[]): string[] {
  const offsetWidth = Math.max(0, ...block.map((d) => d.offset?.length ?? 0));
  const bytesWidth = Math.max(...block.map((d) => d.bytes.length + (d.gap.includes("\t") ? 3 : Math.max(3, d.gap.length))));
  return block.map((d) => {
    const offset = offsetWidth ? `<span class="dis-addr">${escapeHtml((d.offset ?? "").padStart(offsetWidth))}</span>  ` : "";
    return `${escapeHtml(d.indent)}${offset}<span class="dis-hex">${d.bytes}</span>${" ".repeat(bytesWidth - d.bytes.length)}<span class="dis-asm">${highlight(d.asm, "asm")}</span>`;
  });
}

/** Output as HTML, with bytes that print nothing (other than newline and tab) shown as \\xNN. */
export function visibleBytes(text: string): string {
  return escapeHtml(text).replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => `<span class="ctl">\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}</span>`);
}
