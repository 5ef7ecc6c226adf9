// A small syntax highlighter for the languages the book shows: TypeScript, x86 assembly, Brainfuck,
// the LIR, shell commands, JSON and C. Each language is an ordered list of sticky regexes; the first
// that matches at the current position wins. Good enough for reading, and it runs at build time, so
// the pages ship no highlighting code.
import { escapeHtml } from "./html.ts";

interface Rule {
  /** CSS class suffix (`tok-${cls}`), or null for text shown as is. */
  readonly cls: string | null;
  /** Must be sticky (`y`): it is tried at one position only. */
  readonly re: RegExp;
  /** Only try this rule when the previous significant token allows it (regex literals in JS). */
  readonly after?: (previous: string | null) => boolean;
}

export interface Token {
  readonly cls: string | null;
  readonly text: string;
}

const words = (list: string) => new RegExp(`\\b(?:${list.trim().split(/\s+/).join("|")})\\b`, "y");

const TS_KEYWORDS = words(`
  abstract as async await break case catch class const continue debugger declare default delete do
  else enum export extends false finally for from function get if implements import in instanceof
  interface is keyof let new null of override private protected public readonly return satisfies set
  static super switch this throw true try type typeof undefined unique var void while with yield`);
const TS_TYPES = words(`any bigint boolean never number object string symbol unknown`);
// A `/` starts a regex literal only where an expression may begin.
const regexMayStart = (prev: string | null) =>
  prev === null || /(?:^|\s)(?:return|typeof|case|of|in|yield|await|void|delete)$/.test(prev) || /[(,=:[!&|?{};+\-*%<>~^]$/.test(prev);

const TYPESCRIPT: readonly Rule[] = [
  { cls: "com", re: /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y },
  { cls: "str", re: /"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|`(?:[^`\\]|\\[\s\S])*`?/y },
  { cls: "re", re: /\/(?![/*])(?:[^/\\[\n]|\\.|\[(?:[^\]\\\n]|\\.)*\])+\/[dgimsuvy]*/y, after: regexMayStart },
  { cls: "num", re: /\b(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?)n?\b/y },
  { cls: "kw", re: TS_KEYWORDS },
  { cls: "type", re: TS_TYPES },
  { cls: "type", re: /\b[A-Z][\w$]*/y },
  { cls: "fn", re: /[a-z_$][\w$]*(?=\s*(?:<[\w\s,<>[\]|]*>)?\()/y },
  { cls: null, re: /[\w$]+|\s+|[^\w$\s]/y },
];

const C: readonly Rule[] = [
  { cls: "kw", re: /#[ \t]*\w+/y },
  { cls: "com", re: /\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/y },
  { cls: "str", re: /"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?/y },
  { cls: "num", re: /\b(?:0[xX][\da-fA-F]+|\d+(?:\.\d+)?)[uUlLfF]*\b/y },
  { cls: "kw", re: words(`break case char const continue default do double else enum extern float for goto if int long
      register return short signed sizeof static struct switch typedef union unsigned void volatile while`) },
  { cls: "type", re: /\b(?:u?int(?:8|16|32|64)_t|size_t|ssize_t|uintptr_t|[A-Z]\w*)\b/y },
  { cls: "fn", re: /[a-z_]\w*(?=\s*\()/y },
  { cls: null, re: /\w+|\s+|[^\w\s]/y },
];

const REGISTERS =
  /\b(?:[re]?[abcd]x|[abcd][lh]|[re]?(?:si|di|sp|bp|ip)|(?:si|di|sp|bp)l|r(?:[89]|1[0-5])[dwb]?|[xyz]mm(?:[12]?\d|3[01])|[cdefgs]s)\b/y;

const ASM: readonly Rule[] = [
  { cls: "com", re: /[;#][^\n]*/y },
  { cls: "lbl", re: /(?<=^|\n)[ \t]*[\w.$]+:/y },
  { cls: "mn", re: /(?<=(?:^|\n|:)[ \t]*|[ \t]{2})(?:(?:rep[a-z]*|lock)\s+)?[a-z][a-z0-9]*(?=\s|$)/y },
  { cls: "reg", re: REGISTERS },
  { cls: "kw", re: words(`byte word dword qword xmmword ymmword ptr rel`) },
  { cls: "num", re: /-?\b(?:0x[\da-fA-F]+|[\da-fA-F]+h|\d+)\b/y },
  { cls: null, re: /\w+|\s+|[^\w\s]/y },
];

const BRAINFUCK: readonly Rule[] = [
  { cls: "bf-arith", re: /[+-]+/y },
  { cls: "bf-move", re: /[<>]+/y },
  { cls: "bf-io", re: /[.,]+/y },
  { cls: "bf-loop", re: /[[\]]/y },
  { cls: "com", re: /[^+\-<>.,[\]]+/y },
];

// The LIR's text form: one op per line, with numbers and cell offsets; comments start with # or ;.
const LIR: readonly Rule[] = [
  { cls: "com", re: /(?:[#;]|\/\/)[^\n]*/y },
  { cls: "lbl", re: /(?<=^|\n)[ \t]*[\w.]+:/y },
  { cls: "mn", re: /(?<=^|\n)[ \t]*[a-z][\w-]*/y },
  { cls: "num", re: /[+-]?\b(?:0x[\da-fA-F]+|\d+)\b/y },
  { cls: "kw", re: /[[\]{}]/y },
  { cls: null, re: /\w+|\s+|[^\w\s]/y },
];

const SH: readonly Rule[] = [
  { cls: "com", re: /(?<=^|\s)#[^\n]*/y },
  { cls: "str", re: /"(?:[^"\\]|\\.)*"?|'[^']*'?/y },
  { cls: "prompt", re: /(?<=^|\n)\$(?= )/y },
  { cls: "fn", re: /(?<=^|\n|\$ |&& |\|\| |; |\| )[\w./-]+/y },
  { cls: "kw", re: /(?<=\s)--?[\w-]+(?:=[^\s]*)?/y },
  { cls: "var", re: /\$\{?\w+\}?/y },
  { cls: null, re: /[\w./-]+|\s+|[^\w\s]/y },
];

const JSON_RULES: readonly Rule[] = [
  { cls: "prop", re: /"(?:[^"\\\n]|\\.)*"(?=\s*:)/y },
  { cls: "str", re: /"(?:[^"\\\n]|\\.)*"?/y },
  { cls: "num", re: /-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b/y },
  { cls: "kw", re: words(`true false null`) },
  { cls: null, re: /\w+|\s+|[^\w\s]/y },
];

const GRAMMARS: Record<string, readonly Rule[]> = {
  typescript: TYPESCRIPT,
  ts: TYPESCRIPT,
  javascript: TYPESCRIPT,
  js: TYPESCRIPT,
  c: C,
  asm: ASM,
  nasm: ASM,
  x86asm: ASM,
  brainfuck: BRAINFUCK,
  bf: BRAINFUCK,
  lir: LIR,
  sh: SH,
  shell: SH,
  bash: SH,
  console: SH,
  json: JSON_RULES,
};

/** True when `language` has a grammar; anything else is shown as plain text. */
export function isHighlighted(language: string): boolean {
  return language in GRAMMARS;
}

/** Split `code` into classified tokens. Unknown languages give one plain token. */
export function tokenize(code: string, language: string): Token[] {
  const rules = GRAMMARS[language.toLowerCase()];
  if (!rules) return [{ cls: null, text: code }];
  const out: Token[] = [];
  let previous: string | null = null;
  let pos = 0;
  while (pos < code.length) {
    let matched: Token | null = null;
    for (const rule of rules) {
      if (rule.after && !rule.after(previous)) continue;
      rule.re.lastIndex = pos;
      const m = rule.re.exec(code);
      if (m && m[0].length > 0) {
        matched = { cls: rule.cls, text: m[0] };
        break;
      }
    }
    matched ??= { cls: null, text: code[pos]! };
    pos += matched.text.length;
    if (out.length > 0 && matched.cls === null && out[out.length - 1]!.cls === null) {
      out[out.length - 1] = { cls: null, text: out[out.length - 1]!.text + matched.text };
    } else {
      out.push(matched);
    }
    if (matched.cls !== "com" && matched.text.trim()) previous = matched.text.trim();
  }
  return out;
}

/**
 * `code` as HTML with `<span class="tok-…">` around tokens. No span crosses a line break, so the
 * result can be split into lines (for line numbers) with a plain split("\n").
 */
export function highlight(code: string, language: string): string {
  let html = "";
  for (const t of tokenize(code, language)) {
    const escaped = escapeHtml(t.text);
    html += t.cls === null ? escaped : escaped.split("\n").map((part) => (part ? `<span class="tok-${t.cls}">${part}</span>` : "")).join("\n");
  }
  return html;
}
