// The spec language of bfgen (see README.md): text to a tree of statements. Each statement keeps its
// source line, which the generator copies into the Brainfuck as a comment.

export class SpecError extends Error {
  override name = "SpecError";
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}`);
  }
}

/** A number known when the program is generated: literals, macro parameters, `for` variables. */
export type Expr =
  | { readonly kind: "num"; readonly value: number }
  | { readonly kind: "name"; readonly name: string; readonly at: Pos }
  | { readonly kind: "bin"; readonly op: "+" | "-" | "*"; readonly left: Expr; readonly right: Expr };

/** A cell, `name` or `name[expr]`; a bare name may also turn out to be a number (a parameter). */
export interface Ref {
  readonly name: string;
  readonly index: Expr | null;
  readonly at: Pos;
}

/** The right-hand side of `=`, `+=`, `-=`: a number, or a cell times a number. */
export type Operand = { readonly kind: "expr"; readonly expr: Expr } | { readonly kind: "cell"; readonly ref: Ref; readonly times: Expr | null };

export interface Pos {
  readonly line: number;
  readonly column: number;
}

export interface Decl {
  readonly name: string;
  readonly size: number;
}

export type Stmt = { readonly at: Pos; readonly text: string } & (
  | { readonly kind: "comment" }
  | { readonly kind: "var" | "temp"; readonly decls: readonly Decl[] }
  | { readonly kind: "def"; readonly name: string; readonly params: readonly string[]; readonly body: readonly Stmt[] }
  | { readonly kind: "call"; readonly name: string; readonly args: readonly Operand[] }
  | { readonly kind: "assign"; readonly op: "=" | "+=" | "-="; readonly target: Ref; readonly value: Operand }
  | { readonly kind: "while"; readonly cell: Ref; readonly body: readonly Stmt[] }
  | { readonly kind: "if"; readonly cell: Ref; readonly then: readonly Stmt[]; readonly otherwise: readonly Stmt[] | null }
  | { readonly kind: "for"; readonly name: string; readonly from: Expr; readonly to: Expr; readonly body: readonly Stmt[] }
  | { readonly kind: "print"; readonly bytes: readonly number[] }
  | { readonly kind: "out" | "in"; readonly cell: Ref }
  | { readonly kind: "move"; readonly cell: Ref; readonly targets: readonly { readonly ref: Ref; readonly times: Expr | null }[] }
);

type Tok = { readonly t: "id" | "num" | "str" | "op" | "nl"; readonly v: string; readonly n: number; readonly at: Pos; readonly line: string };

const ESCAPES: Record<string, number> = { n: 10, t: 9, "\\": 92, '"': 34, "'": 39, "0": 0 };

function tokenize(file: string, text: string): Tok[] {
  const toks: Tok[] = [];
  const lines = text.split("\n");
  lines.forEach((line, li) => {
    let i = 0;
    const at = (col: number): Pos => ({ line: li + 1, column: col + 1 });
    const fail = (col: number, detail: string): never => {
      throw new SpecError(file, li + 1, col + 1, detail);
    };
    // A string or character literal's bytes, from the opening quote at i; moves i past the closing one.
    const literal = (quote: string): number[] => {
      const start = i++;
      const bytes: number[] = [];
      while (i < line.length && line[i] !== quote) {
        let ch = line[i++]!;
        if (ch === "\\") {
          const e = line[i++];
          if (e === undefined || !(e in ESCAPES)) fail(i - 2, `unknown escape \\${e ?? ""}: use \\n \\t \\\\ \\" \\' or \\0`);
          bytes.push(ESCAPES[e!]!);
          continue;
        }
        const code = ch.codePointAt(0)!;
        if (code > 126) fail(i - 1, `only ASCII in literals, not '${ch}'`);
        bytes.push(code);
      }
      if (i >= line.length) fail(start, `unterminated ${quote === '"' ? "string" : "character"} literal`);
      i++;
      return bytes;
    };
    while (i < line.length) {
      const c = line[i]!;
      if (c === " " || c === "\t" || c === "\r") {
        i++;
      } else if (c === "#") {
        // A comment on a line of its own is a statement (it reaches the output); after code it is not.
        if (toks.length === 0 || toks[toks.length - 1]!.t === "nl") toks.push({ t: "op", v: "#", n: 0, at: at(i), line });
        break;
      } else if (/[A-Za-z_]/.test(c)) {
        const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(line.slice(i))![0];
        toks.push({ t: "id", v: m, n: 0, at: at(i), line });
        i += m.length;
      } else if (/[0-9]/.test(c)) {
        const m = /^[0-9]+/.exec(line.slice(i))![0];
        toks.push({ t: "num", v: m, n: Number(m), at: at(i), line });
        i += m.length;
      } else if (c === "'") {
        const col = i;
        const bytes = literal("'");
        if (bytes.length !== 1) fail(col, "a character literal holds one character");
        toks.push({ t: "num", v: line.slice(col, i), n: bytes[0]!, at: at(col), line });
      } else if (c === '"') {
        const col = i;
        const bytes = literal('"');
        toks.push({ t: "str", v: String.fromCharCode(...bytes), n: 0, at: at(col), line });
      } else if ((c === "+" || c === "-") && line[i + 1] === "=") {
        toks.push({ t: "op", v: c + "=", n: 0, at: at(i), line });
        i += 2;
      } else if ("{}()[]=+-*,".includes(c)) {
        toks.push({ t: "op", v: c, n: 0, at: at(i), line });
        i++;
      } else {
        fail(i, `unexpected '${c}'`);
      }
    }
    toks.push({ t: "nl", v: "\n", n: 0, at: at(line.length), line });
  });
  return toks;
}

/** Parse a spec's text; `file` names it in error messages. */
export function parseSpec(file: string, text: string): Stmt[] {
  const toks = tokenize(file, text);
  let k = 0;
  const peek = (): Tok => toks[k] ?? { t: "nl", v: "\n", n: 0, at: { line: 0, column: 0 }, line: "" };
  const fail = (tok: Tok, detail: string): never => {
    throw new SpecError(file, tok.at.line, tok.at.column, detail);
  };
  const is = (v: string): boolean => peek().t !== "str" && peek().v === v;
  const expect = (v: string): Tok => (is(v) ? toks[k++]! : fail(peek(), `expected '${v === "\n" ? "end of line" : v}'`));
  const ident = (): Tok => (peek().t === "id" ? toks[k++]! : fail(peek(), "expected a name"));

  function primary(): Expr {
    const tok = peek();
    if (tok.t === "num") return k++, { kind: "num", value: tok.n };
    if (tok.t === "id") return k++, { kind: "name", name: tok.v, at: tok.at };
    if (is("(")) {
      k++;
      const e = expr();
      expect(")");
      return e;
    }
    if (is("-")) return k++, { kind: "bin", op: "-", left: { kind: "num", value: 0 }, right: primary() };
    return fail(tok, "expected a number, a character or a name");
  }
  function product(): Expr {
    let e = primary();
    while (is("*")) k++, (e = { kind: "bin", op: "*", left: e, right: primary() });
    return e;
  }
  function expr(): Expr {
    let e = product();
    while (is("+") || is("-")) {
      const op = toks[k++]!.v as "+" | "-";
      e = { kind: "bin", op, left: e, right: product() };
    }
    return e;
  }
  function ref(): Ref {
    const name = ident();
    let index: Expr | null = null;
    if (is("[")) {
      k++;
      index = expr();
      expect("]");
    }
    return { name: name.v, index, at: name.at };
  }
  function operand(): Operand {
    if (peek().t !== "id") return { kind: "expr", expr: expr() };
    const r = ref();
    if (is("*")) {
      k++;
      return { kind: "cell", ref: r, times: primary() };
    }
    // A bare name followed by + or - is arithmetic on parameters, never a cell.
    if (r.index === null && (is("+") || is("-"))) {
      let e: Expr = { kind: "name", name: r.name, at: r.at };
      while (is("+") || is("-")) {
        const op = toks[k++]!.v as "+" | "-";
        e = { kind: "bin", op, left: e, right: product() };
      }
      return { kind: "expr", expr: e };
    }
    return { kind: "cell", ref: r, times: null };
  }
  function decls(): Decl[] {
    const out: Decl[] = [];
    while (peek().t === "id") {
      const name = ident().v;
      let size = 1;
      if (is("[")) {
        k++;
        const n = peek();
        if (n.t !== "num" || n.n < 1) fail(n, "an array's size is a whole number from 1");
        size = toks[k++]!.n;
        expect("]");
      }
      out.push({ name, size });
    }
    if (out.length === 0) fail(peek(), "expected the names to declare");
    return out;
  }
  function block(): Stmt[] {
    expect("{");
    expect("\n");
    const body = statements(true);
    expect("}");
    return body;
  }
  function statement(): Stmt {
    const first = peek();
    const base = { at: first.at, text: first.line.trim() };
    if (is("#")) return k++, { ...base, kind: "comment" };
    if (first.t !== "id") return fail(first, "a statement starts with a name");
    switch (first.v) {
      case "var":
      case "temp":
        k++;
        return { ...base, kind: first.v, decls: decls() };
      case "def": {
        k++;
        const name = ident().v;
        expect("(");
        const params: string[] = [];
        while (!is(")")) {
          params.push(ident().v);
          if (!is(")")) expect(",");
        }
        k++;
        return { ...base, kind: "def", name, params, body: block() };
      }
      case "while":
        k++;
        return { ...base, kind: "while", cell: ref(), body: block() };
      case "if": {
        k++;
        const cell = ref();
        const then = block();
        let otherwise: Stmt[] | null = null;
        if (is("else")) {
          k++;
          otherwise = block();
        }
        return { ...base, kind: "if", cell, then, otherwise };
      }
      case "for": {
        k++;
        const name = ident().v;
        expect("=");
        const from = expr();
        if (!(peek().t === "id" && peek().v === "to")) fail(peek(), "expected 'to': for i = 0 to 7 {");
        k++;
        const to = expr();
        return { ...base, kind: "for", name, from, to, body: block() };
      }
      case "print": {
        k++;
        const s = peek();
        if (s.t !== "str") fail(s, 'print takes a string: print "text\\n"');
        k++;
        return { ...base, kind: "print", bytes: [...toks[k - 1]!.v].map((ch) => ch.charCodeAt(0)) };
      }
      case "out":
      case "in":
        k++;
        return { ...base, kind: first.v, cell: ref() };
      case "move": {
        k++;
        const cell = ref();
        if (!(peek().t === "id" && peek().v === "to")) fail(peek(), "expected 'to': move x to a, b * 2");
        k++;
        const targets: { ref: Ref; times: Expr | null }[] = [];
        do {
          if (targets.length > 0) k++;
          const r = ref();
          let times: Expr | null = null;
          if (is("*")) {
            k++;
            times = primary();
          }
          targets.push({ ref: r, times });
        } while (is(","));
        return { ...base, kind: "move", cell, targets };
      }
    }
    if (toks[k + 1]?.v === "(") {
      k += 2;
      const args: Operand[] = [];
      while (!is(")")) {
        args.push(operand());
        if (!is(")")) expect(",");
      }
      k++;
      return { ...base, kind: "call", name: first.v, args };
    }
    const target = ref();
    const op = peek();
    if (!(is("=") || is("+=") || is("-="))) return fail(op, "expected =, += or -=");
    k++;
    return { ...base, kind: "assign", op: op.v as "=" | "+=" | "-=", target, value: operand() };
  }
  function statements(inBlock: boolean): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      while (peek().t === "nl" && k < toks.length) k++;
      if (k >= toks.length) {
        if (inBlock) fail(toks[toks.length - 1]!, "missing '}'");
        return out;
      }
      if (is("}")) {
        if (!inBlock) fail(peek(), "'}' without its '{'");
        return out;
      }
      out.push(statement());
      // `}` may close a block on the same line as its last statement only for `} else {`.
      if (!is("}")) expect("\n");
    }
  }
  return statements(false);
}
