// Brainfuck text -> its commands, each with where it sits and, for brackets, the index of its
// partner. Every later tier starts from this Program.
import { BrainfuckSyntaxError } from "./errors.ts";
import { LineIndex, type SourcePos } from "./source.ts";

// #region program
export type Command = "+" | "-" | ">" | "<" | "." | "," | "[" | "]";

/**
 * A parsed program: its commands in source order, comments gone, as arrays indexed alike. Command i
 * is `commands[i]`, sits at `offsets[i]` in the source, and for a bracket `match[i]` is the index of
 * its partner (-1 for every other command). No object per command: a command costs a byte and two
 * 32-bit integers, and an offset becomes a line and column only when asked (pos).
 */
export class Program {
  #lines: LineIndex | null = null;

  constructor(
    readonly source: string,
    readonly commands: string,
    readonly offsets: Uint32Array,
    readonly match: Int32Array,
    /** How deep its brackets nest: 0 for a program without loops. */
    readonly depth: number,
  ) {}

  /** The number of commands. */
  get length(): number {
    return this.commands.length;
  }

  /** Command i, as its character. */
  op(i: number): Command {
    return this.commands[i] as Command;
  }

  /** Where command i sits, as a line and column (worked out now, from a LineIndex made once). */
  pos(i: number): SourcePos {
    return this.lines.pos(this.offsets[i]!);
  }

  /** The source's LineIndex, made when first asked for. */
  get lines(): LineIndex {
    return (this.#lines ??= new LineIndex(this.source));
  }
}
// #endregion

/** IS_COMMAND[c] is 1 when the character with code c is a command. */
const IS_COMMAND = new Uint8Array(128);
for (const ch of "+-<>.,[]") IS_COMMAND[ch.charCodeAt(0)] = 1;
const isCommand = (c: number): boolean => c < IS_COMMAND.length && IS_COMMAND[c] === 1;
const OPEN_BRACKET = "[".charCodeAt(0);
const CLOSE_BRACKET = "]".charCodeAt(0);

// #region parse
/**
 * Parse Brainfuck source. Throws BrainfuckSyntaxError at the first `]` with nothing to close, or
 * at the first `[` still open at the end (with how many others are still open). Brackets are matched
 * with an explicit stack, not by recursion, so nesting depth is limited only by memory.
 */
export function parse(source: string): Program {
  // Counted first, so that each array is made once, at its size, with no copy to trim it.
  let n = 0;
  for (let offset = 0; offset < source.length; offset++) if (isCommand(source.charCodeAt(offset))) n++;
  const chars = new Uint8Array(n);
  const offsets = new Uint32Array(n);
  const match = new Int32Array(n);
  const open: number[] = []; // indices of the `[` not closed yet
  let depth = 0;
  const posAt = (offset: number) => new LineIndex(source).pos(offset); // for an error only
  let i = 0;
  for (let offset = 0; offset < source.length; offset++) {
    // Character codes, not one-character strings: this loop sees every character of the source.
    const c = source.charCodeAt(offset);
    if (!isCommand(c)) continue;
    chars[i] = c;
    offsets[i] = offset;
    match[i] = -1;
    if (c === OPEN_BRACKET) {
      open.push(i);
      if (open.length > depth) depth = open.length;
    } else if (c === CLOSE_BRACKET) {
      const partner = open.pop();
      if (partner === undefined) throw new BrainfuckSyntaxError(posAt(offset), "]");
      match[partner] = i;
      match[i] = partner;
    }
    i++;
  }
  if (open.length > 0) throw new BrainfuckSyntaxError(posAt(offsets[open[0]!]!), "[", open.length - 1);
  const commands = new TextDecoder("latin1").decode(chars); // the commands are ASCII
  return new Program(source, commands, offsets, match, depth);
}
// #endregion
