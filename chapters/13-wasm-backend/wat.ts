// A module's bytes as WebAssembly text (WAT), the flat form with one instruction per line. It is
// decoded from the bytes, so it shows what is really there; and it is real WAT, which an assembler
// such as wabt's wat2wasm turns back into the same bytes (a test checks exactly that).
import { decodeInstructions, decodeModule, type DecodedModule } from "./decode.ts";
import { naturalAlignment, type ValueType } from "./instructions.ts";
import type { FuncType } from "./module.ts";

/** Comments to print inside function bodies: by function index, then by offset within the body. */
export type BodyComments = ReadonlyMap<number, ReadonlyMap<number, readonly string[]>>;

// #region wat
/** `maxLines` stops the text there, with a last line saying so: a page shows only the start of a huge module. */
export function toWat(bytes: Uint8Array, comments: BodyComments = new Map(), maxLines = Infinity): string {
  const m = decodeModule(bytes);
  const names = namesOf(m);
  const lines = ["(module"];
  m.types.forEach((t, i) => lines.push(`  (type (;${i};) (func${signature(t)}))`));
  for (const imp of m.imports) {
    const what = imp.kind === "func" ? `(func ${names.func(funcIndexOfImport(m, imp))} (type ${imp.type}))` : `(memory (;0;) ${imp.limits.min}${imp.limits.max === undefined ? "" : ` ${imp.limits.max}`})`;
    lines.push(`  (import "${imp.module}" "${imp.name}" ${what})`);
  }
  const imported = m.imports.filter((i) => i.kind === "func").length;
  for (const [i, f] of m.functions.entries()) {
    if (lines.length >= maxLines) break;
    const index = imported + i;
    // A declaration names its local only if it has a name: `(param $p i32)`, else `(param i32)`.
    const local = (j: number) => (names.local(index, j).startsWith("$") ? `${names.local(index, j)} ` : "");
    const type = m.types[f.type]!;
    const params = type.params.map((t, j) => ` (param ${local(j)}${t})`).join("");
    const results = type.results.length > 0 ? ` (result ${type.results.join(" ")})` : "";
    lines.push(`  (func ${names.func(index)} (type ${f.type})${params}${results}`);
    if (f.locals.length > 0) lines.push("    " + f.locals.map((t, j) => `(local ${local(type.params.length + j)}${t})`).join(" "));
    body(bytes, f.start, f.codeStart, f.end, comments.get(index), names, index, lines, maxLines);
    if (lines.length >= maxLines) break;
    lines[lines.length - 1] += ")";
  }
  if (lines.length >= maxLines) return lines.slice(0, maxLines).join("\n") + `\n;; ... cut here, after ${maxLines} lines\n`;
  m.globals.forEach((g, i) => lines.push(`  (global ${names.global(i)} ${g.mutable ? `(mut ${g.type})` : g.type} (${g.type}.const ${g.init}))`));
  for (const e of m.exports) lines.push(`  (export "${e.name}" (${e.kind} ${e.kind === "func" ? names.func(e.index) : e.kind === "global" ? names.global(e.index) : e.index}))`);
  lines[lines.length - 1] += ")";
  return lines.join("\n") + "\n";
}
// #endregion

// #region body
/** One line per instruction, indented by nesting; a construct gets a label name for its branches. */
function body(bytes: Uint8Array, start: number, codeStart: number, end: number, notes: ReadonlyMap<number, readonly string[]> | undefined, names: Names, fn: number, lines: string[], maxLines: number): void {
  const open: string[] = [];
  let labels = 0;
  // An instruction is at least a line: past the budget, the rest is never decoded.
  const instructions = decodeInstructions(bytes, codeStart, end, maxLines - lines.length + 1);
  for (const ins of instructions) {
    // The function's own `end`, its last byte, the text form leaves implicit.
    if (ins.offset === end - 1) break;
    if (lines.length >= maxLines) return;
    if (ins.name === "end") open.pop();
    const indent = "    " + "  ".repeat(open.length - (ins.name === "else" ? 1 : 0));
    for (const note of notes?.get(ins.offset - start) ?? []) lines.push(`${indent};; ${note}`);
    let text: string = ins.name;
    switch (ins.name) {
      case "block":
      case "loop":
      case "if": {
        const label = `$${ins.name[0]}${labels++}`;
        open.push(label);
        text += ` ${label}`;
        break;
      }
      case "br":
      case "br_if":
        text += ` ${open[open.length - 1 - Number(ins.imm)] ?? ins.imm}`;
        break;
      case "call":
        text += ` ${names.func(Number(ins.imm))}`;
        break;
      case "local.get":
      case "local.set":
      case "local.tee":
        text += ` ${names.local(fn, Number(ins.imm))}`;
        break;
      case "global.get":
      case "global.set":
        text += ` ${names.global(Number(ins.imm))}`;
        break;
      default:
        if (ins.align !== undefined) {
          // The text form gives the alignment in bytes, and only when it is not the natural one.
          text += (ins.imm === 0 ? "" : ` offset=${ins.imm}`) + (ins.align === naturalAlignment(ins.name) ? "" : ` align=${2 ** ins.align}`);
        } else if (ins.imm !== null) text += ` ${ins.imm}`;
    }
    lines.push(indent + text);
  }
}
// #endregion

interface Names {
  func(i: number): string;
  local(fn: number, i: number): string;
  global(i: number): string;
}

/** $names from the name section, else from the exports, else the plain index. */
function namesOf(m: DecodedModule): Names {
  const exported = (kind: string, i: number) => m.exports.find((e) => e.kind === kind && e.index === i)?.name;
  const id = (n: string | undefined, i: number) => (n === undefined ? String(i) : `$${n}`);
  return {
    func: (i) => id(m.functionNames.get(i) ?? exported("func", i), i),
    local: (fn, i) => id(m.localNames.get(fn)?.get(i), i),
    global: (i) => id(exported("global", i), i),
  };
}

function funcIndexOfImport(m: DecodedModule, imp: DecodedModule["imports"][number]): number {
  return m.imports.filter((i) => i.kind === "func").findIndex((i) => i === imp);
}

function signature(t: FuncType): string {
  const list = (word: string, ts: readonly ValueType[]) => (ts.length > 0 ? ` (${word} ${ts.join(" ")})` : "");
  return list("param", t.params) + list("result", t.results);
}
