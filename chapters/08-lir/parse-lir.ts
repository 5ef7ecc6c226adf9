// Text -> LIR: the inverse of print.ts. Whitespace and newlines only separate tokens, so a test may
// write `loop [0] { add [0] -1 }` on one line; `#` starts a comment.
//
// An op with no `@line:column` gets its position in the LIR text itself: a hand-written LIR program
// that runs off the tape is reported where it says so. An op with positions refers to a Brainfuck
// source, which must then be passed in, so the positions can be checked and their offsets found;
// then every op needs them, since one Lir's offsets all point into one text.
import { LineIndex, type SourcePos } from "../06-interpreter/source.ts";
import { LirSyntaxError, MAX_NESTING, nestingError } from "./errors.ts";
import { stepsOf, wrapSigned, type Lir, type LoopOp, type Op, type Range, type Reach } from "./lir.ts";
import { definedKinds, findDefinition } from "./op-set.ts";

export interface ParseLirOptions {
  /** The Brainfuck source that `@line:column` annotations point into. */
  readonly source?: string;
  /** The deepest nesting of braces accepted (default MAX_NESTING: see errors.ts). */
  readonly maxNesting?: number;
}

/** The longest move the text form accepts: each step carries a position. */
export const MAX_TEXT_MOVE = 1_000_000;
const MAX_OFFSET = 2 ** 30;

// #region parse-lir
/**
 * An op with op lists inside, as its parse rule returns it: the parser reads each list between
 * braces, with `between`'s words from one `}` to the next `{` (an `else`, say), then `finish`
 * makes the op; `end` reads the position of its last `}`.
 */
export interface Block {
  readonly between: readonly string[];
  finish(lists: Op[][], end: () => number): Op;
}

/** An op with lists inside being read: the ops around it, its lists so far, and its open brace. */
interface Open {
  readonly outer: Op[];
  readonly block: Block;
  readonly lists: Op[][];
  brace: Token;
}

export function parseLir(text: string, opts: ParseLirOptions = {}): Lir {
  const lex = new Lexer(text, opts.source);
  const root: Op[] = [];
  const open: Open[] = []; // innermost last
  const maxNesting = opts.maxNesting ?? MAX_NESTING;
  let ops = root;
  const enter = (o: Open): void => {
    if (open.length === maxNesting) throw nestingError(o.brace.pos, maxNesting);
    open.push(o);
    ops = [];
  };
  for (;;) {
    const t = lex.next();
    if (t.kind === "end") break;
    if (t.text === "}") {
      const o = open.pop();
      if (!o) throw new LirSyntaxError(t.pos, "'}' closes nothing: remove it, or add the missing 'loop [0] {'");
      o.lists.push(ops);
      const word = o.block.between[o.lists.length - 1];
      if (word !== undefined) {
        lex.expect(word);
        o.brace = lex.expect("{");
        enter(o);
        continue;
      }
      o.outer.push(o.block.finish(o.lists, () => lex.position(t)));
      ops = o.outer;
      continue;
    }
    if (t.kind !== "word") throw new LirSyntaxError(t.pos, `expected an op (${opNames()}), found '${t.text}'`);
    const parsed = parseOp(t, lex);
    if ("finish" in parsed) enter({ outer: ops, block: parsed, lists: [], brace: lex.expect("{") });
    else ops.push(parsed);
  }
  const unclosed = open.pop();
  if (unclosed) throw new LirSyntaxError(unclosed.brace.pos, "this '{' is never closed: add the missing '}'");
  return { ops: root, lines: new LineIndex(opts.source ?? text) };
}

const LIR_OPS = ["add", "set", "move", "check", "loop", "in", "out"];

/** The ops the text form knows: this chapter's, then the ones added since. */
function opNames(): string {
  return [...LIR_OPS, ...definedKinds()].join(", ");
}

/**
 * One op, after its name `t`, read with the lexer's helpers, whose refusals name what they expected:
 * lex.int(-255, 255, "an amount to add") (kept as wrapSigned), lex.int(0, 255, "a cell value"),
 * lex.nonZero("a distance to move" | "a cell offset to check"), lex.cell(), lex.positions(t, n) with
 * one position per command. Its own refusals, LirSyntaxErrors: "'check' needs at least one cell
 * offset, e.g. 'check 1 2'" (at the next token), and for any other word "unknown op 'w': the ops are
 * add, set, move, check, loop, in, out" followed by the ops later chapters define.
 */
function parseOp(t: Token, lex: Lexer): Op | Block {
  switch (t.text) {
    case "add": {
      const off = lex.cell();
      const k = wrapSigned(lex.int(-255, 255, "an amount to add"));
      return { kind: "add", off, k, pos: lex.position(t) };
    }
    case "set": {
      const off = lex.cell();
      const value = lex.int(0, 255, "a cell value");
      return { kind: "set", off, value, pos: lex.position(t) };
    }
    case "in":
    case "out":
      return { kind: t.text, off: lex.cell(), pos: lex.position(t) };
    case "move": {
      const delta = lex.nonZero("a distance to move");
      return { kind: "move", delta, steps: stepsOf(lex.positions(t, Math.abs(delta))) };
    }
    case "check": {
      const offs: number[] = [];
      while (lex.peek().kind === "int") offs.push(lex.nonZero("a cell offset to check"));
      if (offs.length === 0) throw new LirSyntaxError(lex.peek().pos, "'check' needs at least one cell offset, e.g. 'check 1 2'");
      const ps = lex.positions(t, offs.length);
      return { kind: "check", reach: offs.map((off, i): Reach => ({ off, pos: ps[i]! })) };
    }
    case "loop": {
      const off = lex.cell();
      const known = lex.accept("known") ? lex.range() : undefined;
      const pos = lex.position(t);
      const head = known ? { kind: "loop", off, known, pos } as const : { kind: "loop", off, pos } as const;
      return { between: [], finish: ([body], end): LoopOp => ({ ...head, body: body!, end: end() }) };
    }
    default: {
      const def = findDefinition(t.text);
      if (def === undefined) throw new LirSyntaxError(t.pos, `unknown op '${t.text}': the ops are ${opNames()}`);
      return def.parse(t, lex);
    }
  }
}
// #endregion

export interface Token {
  readonly kind: "word" | "int" | "punct" | "at" | "end";
  readonly text: string;
  readonly pos: SourcePos;
}

const TOKEN = /([a-z]+)|(-?[0-9]+)|(\+=|\.\.|[[\]{}*])|@([0-9]+):([0-9]+)/y;

/** What the parse rule of an added op reads its operands with. */
export type LirLexer = Pick<Lexer, "peek" | "next" | "accept" | "expect" | "cell" | "range" | "int" | "nonZero" | "position" | "positions">;

class Lexer {
  private i = 0;
  private line = 1;
  private column = 1;
  private ahead: Token | null = null;
  private readonly sourceLines: string[] | null;

  constructor(
    private readonly text: string,
    private readonly source: string | undefined,
  ) {
    this.sourceLines = source === undefined ? null : source.split("\n");
  }

  peek(): Token {
    this.ahead ??= this.read();
    return this.ahead;
  }

  next(): Token {
    const t = this.peek();
    this.ahead = null;
    return t;
  }

  /** Consume the next token if it is `text`. */
  accept(text: string): boolean {
    if (this.peek().text !== text) return false;
    this.next();
    return true;
  }

  expect(text: string): Token {
    const t = this.next();
    if (t.text !== text) throw new LirSyntaxError(t.pos, `expected '${text}', found ${describe(t)}`);
    return t;
  }

  /** `[off]` */
  cell(): number {
    this.expect("[");
    const off = this.int(-MAX_OFFSET, MAX_OFFSET, "a cell offset");
    this.expect("]");
    return off;
  }

  /** `lo..hi` */
  range(): Range {
    const lo = this.int(-MAX_OFFSET, MAX_OFFSET, "the low end of a range");
    const dots = this.expect("..");
    const hi = this.int(-MAX_OFFSET, MAX_OFFSET, "the high end of a range");
    if (lo > hi) throw new LirSyntaxError(dots.pos, `the range ${lo}..${hi} is empty: write the low end first`);
    return { lo, hi };
  }

  int(min: number, max: number, what: string): number {
    const t = this.next();
    if (t.kind !== "int") throw new LirSyntaxError(t.pos, `expected ${what}, found ${describe(t)}`);
    const v = Number(t.text);
    if (v < min || v > max) throw new LirSyntaxError(t.pos, `${what} must be from ${min} to ${max}, not ${t.text}`);
    return v;
  }

  nonZero(what: string): number {
    const t = this.peek();
    const v = this.int(-MAX_TEXT_MOVE, MAX_TEXT_MOVE, what);
    if (v === 0) throw new LirSyntaxError(t.pos, `${what} cannot be 0`);
    return v;
  }

  /** The one position of an op that stands for one command. */
  position(op: Token): number {
    return this.positions(op, 1)[0]!;
  }

  /**
   * The positions after an op: either none, and then every one is `op`'s own place in the LIR
   * text, or exactly `count` annotations, each a place in the Brainfuck source.
   */
  positions(op: Token, count: number): number[] {
    if (this.peek().kind !== "at") {
      if (this.source !== undefined) throw new LirSyntaxError(op.pos, `'${op.text}' here needs ${plural(count, "position")}: with a Brainfuck source, every op points into it`);
      return new Array<number>(count).fill(op.pos.offset);
    }
    const out: number[] = [];
    while (this.peek().kind === "at") out.push(this.sourceOffset(this.next()));
    if (out.length !== count) {
      throw new LirSyntaxError(op.pos, `'${op.text}' here needs ${plural(count, "position")}, one per command it stands for, not ${out.length}`);
    }
    return out;
  }

  /** The offset in the Brainfuck source of an `@line:column`. */
  private sourceOffset(t: Token): number {
    const [line, column] = t.text.slice(1).split(":").map(Number) as [number, number];
    if (this.sourceLines === null || this.source === undefined) {
      throw new LirSyntaxError(t.pos, `${t.text} is a position in a Brainfuck source: pass the source too, as parseLir(text, { source })`);
    }
    const text = this.sourceLines[line - 1];
    const inLine = text === undefined ? -1 : unitIndex(text, column);
    if (text === undefined || inLine < 0) {
      throw new LirSyntaxError(t.pos, `${t.text} is not a character of the source, which has ${this.sourceLines.length} line(s)`);
    }
    let offset = inLine;
    for (let l = 0; l < line - 1; l++) offset += this.sourceLines[l]!.length + 1;
    return offset;
  }

  private read(): Token {
    this.skipBlanks();
    const pos: SourcePos = { offset: this.i, line: this.line, column: this.column };
    if (this.i >= this.text.length) return { kind: "end", text: "end of text", pos };
    TOKEN.lastIndex = this.i;
    const m = TOKEN.exec(this.text);
    if (!m) throw new LirSyntaxError(pos, `unexpected character '${String.fromCodePoint(this.text.codePointAt(this.i)!)}'`);
    this.i += m[0].length;
    this.column += m[0].length; // tokens are ASCII: one unit, one column
    const kind = m[1] ? "word" : m[2] ? "int" : m[3] ? "punct" : "at";
    return { kind, text: m[0], pos };
  }

  private skipBlanks(): void {
    while (this.i < this.text.length) {
      const ch = this.text[this.i]!;
      if (ch === "#") {
        while (this.i < this.text.length && this.text[this.i] !== "\n") this.advance();
      } else if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
        this.advance();
      } else {
        return;
      }
    }
  }

  private advance(): void {
    const c = this.text.charCodeAt(this.i++);
    if (c === 10) {
      this.line++;
      this.column = 1;
    } else if (!(c >= 0xdc00 && c <= 0xdfff && this.i >= 2 && isHighSurrogate(this.text.charCodeAt(this.i - 2)))) {
      this.column++;
    }
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function describe(t: Token): string {
  return t.kind === "end" ? "the end of the text" : `'${t.text}'`;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** The UTF-16 index of the character at 1-based `column` (counted in code points), or -1. */
function unitIndex(line: string, column: number): number {
  let col = 1;
  for (let i = 0; i < line.length; i++) {
    if (col === column) return i;
    if (isHighSurrogate(line.charCodeAt(i)) && i + 1 < line.length) i++;
    col++;
  }
  return -1;
}
