// A failed comparison of machine code, explained: both byte strings disassembled (by iced-x86, an
// independent decoder), and the first instruction that differs taken apart field by field with
// chapter 4's fields.ts, the way the encoder chapter shows a mismatch with GNU as.
import { Decoder, DecoderError, DecoderOptions, Formatter, FormatterSyntax, Instruction } from "iced-x86";
import { CHAPTERS } from "../chapters.ts";

// Chapter 4's fields.ts, loaded through the table of contents by a path held in a variable: a copy of
// the book that ends before chapter 4 (shared/truncate.ts) explains a difference by the listings alone.
type CompareFields = (left: ArrayLike<number>, right: ArrayLike<number>, names: readonly [string, string]) => string;
const FIELDS_MODULE = "../../chapters/04-encoder/fields.ts";
const compareFields: CompareFields | null = CHAPTERS.some((c) => c.n === 4) ? ((await import(FIELDS_MODULE)) as { compareFields: CompareFields }).compareFields : null;

export interface Line {
  readonly offset: number;
  readonly bytes: readonly number[];
  readonly text: string;
}

/** One line per instruction; bytes that do not decode become a "(bad)" line each. */
export function disassemble(code: readonly number[]): Line[] {
  const bytes = Uint8Array.from(code);
  const decoder = new Decoder(64, bytes, DecoderOptions.None);
  const formatter = new Formatter(FormatterSyntax.Intel);
  formatter.hexPrefix = "0x";
  formatter.hexSuffix = "";
  formatter.uppercaseHex = false;
  formatter.spaceAfterOperandSeparator = true;
  const insn = new Instruction();
  const lines: Line[] = [];
  try {
    while (decoder.canDecode) {
      const offset = decoder.position;
      decoder.decodeOut(insn);
      if (insn.isInvalid && decoder.lastError === DecoderError.NoMoreBytes) {
        lines.push({ offset, bytes: code.slice(offset), text: "(cut short: the instruction needs more bytes)" });
        break;
      }
      const bad = insn.isInvalid;
      const length = bad ? 1 : insn.length;
      lines.push({ offset, bytes: code.slice(offset, offset + length), text: bad ? "(bad)" : formatter.format(insn) });
      if (bad) decoder.position = offset + 1;
    }
  } finally {
    insn.free();
    formatter.free();
    decoder.free();
  }
  return lines;
}

export const hexOf = (bytes: readonly number[]) => bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");

/** "48 01 d8" -> [0x48, 0x01, 0xd8]; null when the text is not a run of hex bytes. */
export function parseHexBytes(text: string): number[] | null {
  const t = text.trim();
  if (!/^[0-9a-f]{2}( [0-9a-f]{2})*$/i.test(t)) return null;
  return t.split(" ").map((b) => parseInt(b, 16));
}

/** The two encodings, disassembled side by side, and the first differing instruction field by field. */
export function explainBytes(expected: readonly number[], actual: readonly number[]): string {
  const listing = (label: string, code: readonly number[]) => [
    `  ${label}`,
    ...disassemble(code).map((l) => `    ${l.offset.toString(16).padStart(4, "0")}  ${hexOf(l.bytes).padEnd(24)} ${l.text}`),
  ];
  const out = [...listing("expected:", expected), ...listing("yours:", actual)];
  const at = firstDifference(expected, actual);
  if (at !== null && compareFields !== null) {
    const start = disassemble(expected).findLast((l) => l.offset <= at)?.offset ?? 0;
    out.push(`  the first instruction that differs (at ${start.toString(16).padStart(4, "0")}), field by field:`);
    out.push(...compareFields(actual.slice(start), expected.slice(start), ["yours", "expected"]).split("\n").map((l) => "  " + l));
  }
  return out.join("\n");
}

function firstDifference(a: readonly number[], b: readonly number[]): number | null {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return null;
}
