// Brainfuck text -> a flat list of commands, each with its position and, for brackets, the index
// of its partner. Every later tier starts from this Program.
import { BrainfuckSyntaxError } from "./errors.ts";
import type { SourcePos } from "./source.ts";

// #region program
export type Command = "+" | "-" | ">" | "<" | "." | "," | "[" | "]";

export interface Instr {
  readonly op: Command;
  readonly pos: SourcePos;
  /** For `[` and `]`, the index in `code` of the matching bracket; -1 for every other command. */
  readonly match: number;
}

export interface Program {
  readonly source: string;
  /** One Instr per command character, in source order; comments are gone. */
  readonly code: readonly Instr[];
}
// #endregion

export function isCommand(ch: string): ch is Command {
  return ch.length === 1 && "+-<>.,[]".includes(ch);
}

const NEWLINE = 10;
/** COMMAND_CODES[c] is 1 when the character with code c is a command. */
const COMMAND_CODES = new Uint8Array(128);
for (const ch of "+-<>.,[]") COMMAND_CODES[ch.charCodeAt(0)] = 1;

// #region parse
/**
 * Parse Brainfuck source. Throws BrainfuckSyntaxError at the first `]` with nothing to close, or
 * at the first `[` still open at the end (with how many others are still open). Brackets are matched with an explicit stack, not by
 * recursion, so nesting depth is limited only by memory.
 */
export function parse(source: string): Program {
  const code: { op: Command; pos: SourcePos; match: number }[] = [];
  const open: number[] = []; // indices in `code` of the `[` not closed yet
  let line = 1;
  let column = 0;
  for (let offset = 0; offset < source.length; offset++) {
    // Character codes, not one-character strings: this loop sees every character of the source.
    const c = source.charCodeAt(offset);
    if (c === NEWLINE) {
      line++;
      column = 0;
      continue;
    }
    if (c < 0xdc00 || !isSecondHalfOfPair(source, offset)) column++; // most characters are below the pairs
    if (c >= COMMAND_CODES.length || !COMMAND_CODES[c]) continue;

    const ch = source[offset] as Command;
    const pos: SourcePos = { offset, line, column };
    const here = code.length;
    code.push({ op: ch, pos, match: -1 });
    if (ch === "[") {
      open.push(here);
    } else if (ch === "]") {
      const partner = open.pop();
      if (partner === undefined) throw new BrainfuckSyntaxError(pos, "]");
      code[partner]!.match = here;
      code[here]!.match = partner;
    }
  }
  if (open.length > 0) throw new BrainfuckSyntaxError(code[open[0]!]!.pos, "[", open.length - 1);
  return { source, code };
}
// #endregion

/** True for the low half of a surrogate pair: one character (say, an emoji) is two UTF-16 units. */
function isSecondHalfOfPair(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c < 0xdc00 || c > 0xdfff || i === 0) return false;
  const prev = s.charCodeAt(i - 1);
  return prev >= 0xd800 && prev <= 0xdbff;
}
