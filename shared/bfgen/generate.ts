// bfgen's code generator: statements to Brainfuck. It knows where the pointer is at every point
// (every loop starts and ends on its own cell), so moving to a cell is a run of > or <. Cells are
// named: `var` cells from cell 0 up, in the order declared; `temp` cells and the generator's own
// scratch cells above them, on a stack that grows and shrinks with the blocks.
import { SpecError, type Expr, type Operand, type Pos, type Ref, type Stmt } from "./parse.ts";

type Binding = { readonly kind: "cell"; readonly cell: number; readonly size: number } | { readonly kind: "num"; readonly value: number };
type Macro = Extract<Stmt, { kind: "def" }>;

/** What stands in for the 8 commands in a comment: look-alikes that Brainfuck ignores. */
const SAFE: Record<string, string> = { "+": "＋", "-": "－", "<": "＜", ">": "＞", ".": "．", ",": "，", "[": "［", "]": "］" };

/** `text` with every Brainfuck command replaced by its look-alike, so that a comment stays a comment. */
export function commentText(text: string): string {
  return text.replace(/[-+<>.,[\]]/g, (c) => SAFE[c]!);
}

const WIDTH = 80;

class Generator {
  private readonly lines: string[] = [];
  private ptr = 0;
  /** The first free cell of the temp stack. */
  private top: number;
  /** The highest cell the program uses. */
  maxCell = 0;
  private readonly macros = new Map<string, Macro>();
  private depth = 0;

  /** `globals`: the `var` cells, which take cells 0 to firstTemp - 1. */
  constructor(
    private readonly file: string,
    private readonly globals: ReadonlyMap<string, Binding>,
    firstTemp: number,
  ) {
    this.top = firstTemp;
  }

  fail(at: Pos, detail: string): never {
    throw new SpecError(this.file, at.line, at.column, detail);
  }

  text(): string {
    return this.lines.join("\n") + "\n";
  }

  // --- output -------------------------------------------------------------------------------------

  /** Code not yet on a line: it goes out, indented, before the next comment. */
  private code = "";
  private flush(): void {
    const pad = "  ".repeat(this.depth);
    for (let i = 0; i < this.code.length; i += WIDTH - pad.length) this.lines.push(pad + this.code.slice(i, i + WIDTH - pad.length));
    this.code = "";
  }
  /** Start a statement: its source line as a comment, then its code on the lines below. */
  comment(text: string): void {
    this.flush();
    this.lines.push("  ".repeat(this.depth) + commentText(text));
  }
  emit(bf: string): void {
    this.code += bf;
  }

  moveTo(cell: number): void {
    this.maxCell = Math.max(this.maxCell, cell);
    const d = cell - this.ptr;
    this.emit(d > 0 ? ">".repeat(d) : "<".repeat(-d));
    this.ptr = cell;
  }

  /** Add `k` (mod 256) to `cell`, with + or -, whichever is shorter. */
  add(cell: number, k: number): void {
    const n = ((k % 256) + 256) % 256;
    if (n === 0) return;
    this.moveTo(cell);
    this.emit(n <= 128 ? "+".repeat(n) : "-".repeat(256 - n));
  }

  clear(cell: number): void {
    this.moveTo(cell);
    this.emit("[-]");
  }

  /**
   * `body` as a loop on `cell`: it runs while the cell is not 0, and ends back on the cell. A loop
   * of the spec's (`block`) gets lines of its own, indented; the generator's small loops stay inline.
   */
  loop(cell: number, body: () => void, block = false): void {
    this.moveTo(cell);
    this.emit("[");
    if (block) {
      this.flush();
      this.depth++;
    }
    body();
    this.moveTo(cell);
    if (block) {
      this.depth--;
      this.flush();
    }
    this.emit("]");
  }

  /** A zeroed scratch cell for the length of `use`, which must leave it at 0. */
  scratch<T>(use: (cell: number) => T): T {
    const cell = this.top++;
    try {
      return use(cell);
    } finally {
      this.top--;
    }
  }

  /** Empty `src` into each target, times its factor: `[-` `>+++` ... `<]`. */
  drain(src: number, targets: readonly (readonly [number, number])[]): void {
    this.loop(src, () => {
      this.add(src, -1);
      for (const [cell, times] of targets) this.add(cell, times);
    });
  }

  /** dst += src * times, leaving src as it was (through a scratch cell). dst is not src. */
  addCell(dst: number, src: number, times: number): void {
    this.scratch((t) => {
      this.drain(src, [
        [dst, times],
        [t, 1],
      ]);
      this.drain(t, [[src, 1]]);
    });
  }

  // --- statements ---------------------------------------------------------------------------------

  run(stmts: readonly Stmt[], scope: Map<string, Binding>): void {
    const mark = this.top;
    const local = new Map(scope);
    const temps: number[] = [];
    for (const s of stmts) this.statement(s, local, temps);
    // A block's temps go back to the stack cleared, whatever the block left in them.
    for (const t of temps) this.clear(t);
    this.top = mark;
  }

  private statement(s: Stmt, scope: Map<string, Binding>, temps: number[]): void {
    this.comment(s.text);
    switch (s.kind) {
      case "comment":
        return;
      case "var":
        // Declared before generation starts (see generate()); here only the comment.
        if (this.depth > 0 || s.decls.some((d) => this.globals.get(d.name) === undefined)) this.fail(s.at, "var declares whole-program cells: at the top level only (use temp in a block)");
        return;
      case "temp":
        for (const d of s.decls) {
          scope.set(d.name, { kind: "cell", cell: this.top, size: d.size });
          for (let i = 0; i < d.size; i++) temps.push(this.top + i);
          this.top += d.size;
        }
        return;
      case "def":
        if (this.macros.has(s.name)) this.fail(s.at, `'${s.name}' is defined twice`);
        this.macros.set(s.name, s);
        return;
      case "call":
        return this.call(s, scope);
      case "assign":
        return this.assign(s.op, this.cell(s.target, scope), s.value, scope, s.at);
      case "while": {
        const c = this.cell(s.cell, scope);
        return this.loop(c, () => this.run(s.body, scope), true);
      }
      case "if": {
        // On a number (a parameter, a for variable) the choice is made now, in the generator.
        const b = s.cell.index === null ? scope.get(s.cell.name) : undefined;
        if (b?.kind === "num") return this.run(b.value !== 0 ? s.then : (s.otherwise ?? []), scope);
        return this.ifElse(this.cell(s.cell, scope), s.then, s.otherwise, scope);
      }
      case "for": {
        const from = this.num(s.from, scope);
        const to = this.num(s.to, scope);
        const step = from <= to ? 1 : -1;
        this.depth++;
        for (let i = from; i !== to + step; i += step) {
          // The comments below are the body's lines as written: say which round of the loop this is.
          this.comment(`(${s.name} is ${i})`);
          this.run(s.body, new Map(scope).set(s.name, { kind: "num", value: i }));
        }
        this.flush();
        this.depth--;
        return;
      }
      case "print":
        return this.scratch((t) => {
          let value = 0;
          for (const b of s.bytes) {
            this.add(t, b - value);
            this.emit(".");
            value = b;
          }
          this.clear(t);
        });
      case "out":
        this.moveTo(this.cell(s.cell, scope));
        return this.emit(".");
      case "in":
        this.moveTo(this.cell(s.cell, scope));
        return this.emit(",");
      case "move": {
        const src = this.cell(s.cell, scope);
        const targets = s.targets.map((t) => [this.cell(t.ref, scope), t.times === null ? 1 : this.num(t.times, scope)] as const);
        if (targets.some(([c]) => c === src)) this.fail(s.at, "a cell cannot be moved into itself");
        return this.drain(src, targets);
      }
    }
  }

  private assign(op: "=" | "+=" | "-=", dst: number, value: Operand, scope: Map<string, Binding>, at: Pos): void {
    const sign = op === "-=" ? -1 : 1;
    const times = value.kind === "cell" && value.times !== null ? this.num(value.times, scope) : 1;
    if (value.kind === "cell" && this.lookup(value.ref, scope).kind === "cell") {
      const src = this.cell(value.ref, scope);
      if (src === dst) this.fail(at, "a cell cannot be added to itself: copy it to a temp first");
      if (op === "=") this.clear(dst);
      return this.addCell(dst, src, sign * times);
    }
    // A number: a literal, or a parameter or for variable (a bare name that is not a cell).
    const n = value.kind === "expr" ? this.num(value.expr, scope) : this.num({ kind: "name", name: value.ref.name, at: value.ref.at }, scope) * times;
    if (value.kind === "cell" && value.ref.index !== null) this.fail(value.ref.at, `'${value.ref.name}' is a number, not an array`);
    if (op === "=") this.clear(dst);
    this.add(dst, sign * n);
  }

  /** if: the body runs on a copy of the cell; else: a flag the body clears. */
  private ifElse(cell: number, then: readonly Stmt[], otherwise: readonly Stmt[] | null, scope: Map<string, Binding>): void {
    this.scratch((copy) => {
      const flagged = (flag: number | null) => {
        this.addCell(copy, cell, 1);
        this.loop(copy, () => {
          this.run(then, scope);
          if (flag !== null) this.clear(flag);
          this.clear(copy);
        }, true);
        if (flag !== null) {
          this.loop(flag, () => {
            this.run(otherwise!, scope);
            this.clear(flag);
          }, true);
        }
      };
      if (otherwise === null) return flagged(null);
      this.scratch((flag) => {
        this.add(flag, 1);
        flagged(flag);
      });
    });
  }

  private call(s: Extract<Stmt, { kind: "call" }>, scope: Map<string, Binding>): void {
    const m = this.macros.get(s.name) ?? this.fail(s.at, `no macro named '${s.name}': define it with def ${s.name}(...) { ... } before its first use`);
    if (m.params.length !== s.args.length) this.fail(s.at, `${s.name} takes ${m.params.length} arguments, not ${s.args.length}`);
    const inner = new Map<string, Binding>();
    // Macros see the globals and their parameters: not the caller's temps.
    for (const [k, v] of this.globals) inner.set(k, v);
    m.params.forEach((p, i) => {
      const a = s.args[i]!;
      if (a.kind === "expr") return inner.set(p, { kind: "num", value: this.num(a.expr, scope) });
      const b = this.lookup(a.ref, scope);
      if (b.kind === "num") return inner.set(p, b);
      const cell = this.cell(a.ref, scope);
      inner.set(p, { kind: "cell", cell, size: a.ref.index === null ? b.size : 1 });
    });
    this.depth++;
    this.run(m.body, inner);
    this.flush();
    this.depth--;
  }

  // --- names --------------------------------------------------------------------------------------

  private lookup(r: Ref, scope: Map<string, Binding>): Binding {
    return scope.get(r.name) ?? this.fail(r.at, `'${r.name}' is not declared: declare it with var or temp`);
  }

  cell(r: Ref, scope: Map<string, Binding>): number {
    const b = this.lookup(r, scope);
    if (b.kind !== "cell") this.fail(r.at, `'${r.name}' is a number (${b.value}), not a cell`);
    const i = r.index === null ? 0 : this.num(r.index, scope);
    if (i < 0 || i >= b.size) this.fail(r.at, `${r.name}[${i}] is outside ${r.name}, which has ${b.size} cells`);
    return b.cell + i;
  }

  num(e: Expr, scope: Map<string, Binding>): number {
    switch (e.kind) {
      case "num":
        return e.value;
      case "name": {
        const b = scope.get(e.name) ?? this.fail(e.at, `'${e.name}' is not a number here: no parameter or for variable has that name`);
        if (b.kind !== "num") this.fail(e.at, `'${e.name}' is a cell, not a number`);
        return b.value;
      }
      case "bin": {
        const l = this.num(e.left, scope);
        const r = this.num(e.right, scope);
        return e.op === "+" ? l + r : e.op === "-" ? l - r : l * r;
      }
    }
  }
}

export interface Generated {
  readonly bf: string;
  /** The highest cell the program uses. */
  readonly maxCell: number;
}

/** The Brainfuck for a parsed spec. `var` declarations are whole-program and come first on the tape. */
export function generate(file: string, stmts: readonly Stmt[]): Generated {
  const globals = new Map<string, Binding>();
  let next = 0;
  for (const s of stmts) {
    if (s.kind !== "var") continue;
    for (const d of s.decls) {
      if (globals.has(d.name)) throw new SpecError(file, s.at.line, s.at.column, `'${d.name}' is declared twice`);
      globals.set(d.name, { kind: "cell", cell: next, size: d.size });
      next += d.size;
    }
  }
  const g = new Generator(file, globals, next);
  g.run(stmts, globals);
  g.comment("");
  return { bf: g.text().replace(/\n+$/, "\n"), maxCell: g.maxCell };
}
