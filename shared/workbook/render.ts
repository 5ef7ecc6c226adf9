// A plan (plan.ts) turned into the text of a stub file: the reference source with each body the
// reader writes replaced by `throw new NotImplemented(...)`. Everything else is kept byte for byte:
// doc comments, signatures, types, constants, tables, and the given functions.
import { isArrowFunction, isFunctionExpression, isImportDeclaration, isVariableStatement, type Node, type SourceFile } from "typescript/unstable/ast";
import type { FilePlan, FunctionSite } from "./plan.ts";

export interface StubOptions {
  /** The module as the workspace names it: "01-pages/checks.ts". */
  readonly module: string;
  /** The chapter's number, for the header's verify command. */
  readonly chapter: number;
  /** How this file imports shared/workbook/not-implemented.ts: "../../shared/workbook/not-implemented.ts". */
  readonly notImplementedImport: string;
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function givenNote(site: FunctionSite): string {
  if (site.given === "inferred") return "Given (not yours to write): its return type is inferred from this body, so the body is part of the API.";
  if (site.given === "not-a-lesson") return "Given: the book's code, working. The chapter's \"Your turn\" box lists what is yours to write.";
  return `Given (not yours to write): it runs while ${site.calledAt} loads, to build a table or a constant.`;
}

export function stubHeader(o: StubOptions): string {
  return [
    `// Workbook stub of chapter ${o.chapter}'s ${o.module}, generated from the book's sources (npm run workbook -- start).`,
    `// Yours to write: every body that names NotImplemented (replace that line); its doc comment and the`,
    `// chapter say what it does.`,
    `// Given: imports, types, constants, tables, and the functions marked "Given". Check your work with`,
    `//   npm run verify -- ${o.chapter}`,
    "",
    "",
  ].join("\n");
}

/** The stub's text for one file of the plan. */
export function renderStub(plan: FilePlan, o: StubOptions): string {
  const sf = plan.sourceFile;
  const edits: Edit[] = [];
  for (const site of plan.sites) {
    if (site.given === null) edits.push(stubBody(sf, site, o.module));
    else {
      const at = lineStart(sf.text, startWithDoc(anchorOf(site), sf));
      edits.push({ start: at, end: at, text: `${indentAt(sf.text, at)}// ${givenNote(site)}\n` });
    }
  }
  const stubbed = plan.sites.filter((s) => s.given === null);
  const names = [
    ...(stubbed.some((s) => s.base === null) ? ["NotImplemented"] : []),
    ...(stubbed.some((s) => s.base !== null) ? ["notImplemented"] : []),
  ];
  if (names.length > 0) edits.push(importEdit(sf, o.notImplementedImport, names));
  return stubHeader(o) + withoutRegionMarkers(apply(sf.text, edits));
}

function stubBody(sf: SourceFile, site: FunctionSite, module: string): Edit {
  const indent = indentAt(sf.text, lineStart(sf.text, site.node.getStart(sf)));
  const args = `${JSON.stringify(module)}, ${JSON.stringify(site.label)}`;
  // TypeScript requires a super() call in a derived class's constructor: the stub is that call, with
  // arguments that throw, so there is one line to replace and no dead code after it.
  const line =
    site.base === null
      ? `throw new NotImplemented(${args});`
      : `super(...notImplemented<ConstructorParameters<typeof ${site.base}>>(${args}));`;
  const text = `{\n${indent}  ${line}\n${indent}}`;
  return { start: site.body.getStart(sf), end: site.body.end, text };
}

/** Where the note for a given function goes: before its statement and doc comment. */
function anchorOf(site: FunctionSite): Node {
  const n = site.node;
  if (isArrowFunction(n) || isFunctionExpression(n)) {
    const statement = n.parent?.parent?.parent; // VariableDeclaration -> VariableDeclarationList -> VariableStatement
    if (statement && isVariableStatement(statement)) return statement;
  }
  return n;
}

function importEdit(sf: SourceFile, spec: string, names: readonly string[]): Edit {
  const line = `import { ${names.join(", ")} } from ${JSON.stringify(spec)};\n`;
  const imports = sf.statements.filter(isImportDeclaration);
  const last = imports[imports.length - 1];
  if (last) {
    const at = lineEnd(sf.text, last.end);
    return { start: at, end: at, text: line };
  }
  const first = sf.statements[0];
  const at = first ? lineStart(sf.text, startWithDoc(first, sf)) : sf.text.length;
  return { start: at, end: at, text: line + "\n" };
}

/**
 * Where a node's doc comment starts (or the node, without one). TypeScript 7's getStart(sf, true)
 * gives the start of all leading comments for a file's first statement, so find the "/**" itself.
 */
function startWithDoc(node: Node, sf: SourceFile): number {
  const doc = node.jsDoc?.[0];
  return doc ? sf.text.lastIndexOf("/**", doc.end) : node.getStart(sf);
}

function apply(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start || b.end - a.end)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** The book's `// #region name` markers are for its listings; a stub has no use for them. */
function withoutRegionMarkers(text: string): string {
  return text.replace(/^[ \t]*\/\/ #(?:end)?region\b.*\n/gm, "");
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf("\n", pos - 1) + 1;
}

function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf("\n", pos);
  return nl === -1 ? text.length : nl + 1;
}

function indentAt(text: string, start: number): string {
  return /^[ \t]*/.exec(text.slice(start))![0];
}
