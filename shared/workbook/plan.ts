// Which function bodies of a chapter the reader writes. The rule: every function and method body is
// the reader's, except two kinds that stay given, because the stubs could not work without them:
//   - a function whose return type is not written: its type is inferred from its body, so the body
//     is part of the API's type (libc.ts's open() defines the type Libc);
//   - a function that runs while its module loads: a table built by calling it would throw on import,
//     and every test of the chapter would fail before reaching the function it is about.
// The second kind needs the checker: the calls made by top-level code are resolved to their
// declarations, and followed through the bodies they reach, until nothing new is reached.
import {
  SyntaxKind,
  isArrowFunction,
  isAsExpression,
  isCallExpression,
  isClassDeclaration,
  isClassStaticBlockDeclaration,
  isConstructorDeclaration,
  isExpressionStatement,
  isFunctionDeclaration,
  isFunctionExpression,
  isGetAccessorDeclaration,
  isIdentifier,
  isIfStatement,
  isMethodDeclaration,
  isNewExpression,
  isObjectLiteralExpression,
  isParenthesizedExpression,
  isPropertyAccessExpression,
  isPropertyDeclaration,
  isSatisfiesExpression,
  isSetAccessorDeclaration,
  isVariableStatement,
  type CallExpression,
  type ClassDeclaration,
  type Expression,
  type Node,
  type SourceFile,
} from "typescript/unstable/ast";
import { SymbolFlags } from "typescript/unstable/async";
import type { TypeScript } from "./typescript.ts";

/** A function-like node with a body: what a stub replaces. */
export interface FunctionSite {
  readonly node: Node;
  /** The body the stub replaces (a block, or an arrow function's expression). */
  readonly body: Node;
  /** How the reader and NotImplemented call it: "checkSize", "Assembler.add", "new LibcError". */
  readonly label: string;
  /**
   * Why the body stays, or null when the reader writes it. "lesson": not one of the chapter's lessons
   * (its README's workbook fence), so the book's own code is given.
   */
  given: "inferred" | "load-time" | "not-a-lesson" | null;
  /** For a load-time function: the module whose loading runs it, "instructions.ts". */
  calledAt?: string;
  /** For a constructor of a class that extends another: the base class expression ("Error"). */
  readonly base: string | null;
}

export interface FilePlan {
  readonly path: string;
  readonly sourceFile: SourceFile;
  readonly sites: readonly FunctionSite[];
}

/** The plan for one chapter, whose modules are `paths` (absolute). */
export async function planChapter(ts: TypeScript, paths: readonly string[]): Promise<FilePlan[]> {
  const plans: FilePlan[] = [];
  for (const path of paths) {
    const sourceFile = await ts.sourceFile(path);
    plans.push({ path, sourceFile, sites: collectSites(sourceFile) });
  }
  await markLoadTime(ts, plans);
  return plans;
}

/** The functions of a file that a stub can replace: declarations, class members, top-level consts. */
export function collectSites(sf: SourceFile): FunctionSite[] {
  const sites: FunctionSite[] = [];
  const add = (node: Node, body: Node | undefined, label: string, base: string | null = null) => {
    if (!body) return;
    const inferred = !hasReturnType(node);
    sites.push({ node, body, label, given: inferred ? "inferred" : null, base });
  };
  for (const st of sf.statements) {
    if (isFunctionDeclaration(st)) add(st, st.body, st.name?.text ?? "default");
    else if (isClassDeclaration(st)) {
      const name = st.name?.text ?? "default";
      const base = baseClassOf(st, sf);
      for (const m of st.members) {
        if (isConstructorDeclaration(m)) add(m, m.body, `new ${name}`, base);
        else if (isMethodDeclaration(m)) add(m, m.body, `${name}.${textOf(m.name, sf)}`);
        else if (isGetAccessorDeclaration(m)) add(m, m.body, `get ${name}.${textOf(m.name, sf)}`);
        else if (isSetAccessorDeclaration(m)) add(m, m.body, `set ${name}.${textOf(m.name, sf)}`);
      }
    } else if (isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer ? unwrap(d.initializer) : undefined;
        const name = textOf(d.name, sf);
        if (init && (isArrowFunction(init) || isFunctionExpression(init))) add(init, init.body, name);
        else if (init && isObjectLiteralExpression(init)) {
          for (const p of init.properties) {
            if (isMethodDeclaration(p)) add(p, p.body, `${name}.${textOf(p.name, sf)}`);
            else if (isGetAccessorDeclaration(p)) add(p, p.body, `get ${name}.${textOf(p.name, sf)}`);
            else if (isSetAccessorDeclaration(p)) add(p, p.body, `set ${name}.${textOf(p.name, sf)}`);
          }
        }
      }
    }
  }
  return sites;
}

/** Constructors and setters have no return type to write; everything else must write it. */
function hasReturnType(node: Node): boolean {
  if (isConstructorDeclaration(node) || isSetAccessorDeclaration(node)) return true;
  return (node as Node & { readonly type?: Node }).type !== undefined;
}

function baseClassOf(c: ClassDeclaration, sf: SourceFile): string | null {
  const extendsClause = c.heritageClauses?.find((h) => h.token === SyntaxKind.ExtendsKeyword);
  const base = extendsClause?.types[0]?.expression;
  return base ? textOf(base, sf) : null;
}

function unwrap(e: Expression): Expression {
  let x = e;
  while (isAsExpression(x) || isSatisfiesExpression(x) || isParenthesizedExpression(x)) x = x.expression;
  return x;
}

export function textOf(node: Node, sf: SourceFile): string {
  return sf.text.slice(node.getStart(sf), node.end);
}

/** Mark as given every function of the chapter that runs while one of its modules loads. */
async function markLoadTime(ts: TypeScript, plans: readonly FilePlan[]): Promise<void> {
  const sites = new Map<string, FunctionSite>();
  const classes = new Map<string, ClassDeclaration>();
  for (const plan of plans) {
    for (const s of plan.sites) sites.set(keyOf(s.node), s);
    for (const st of plan.sourceFile.statements) if (isClassDeclaration(st)) classes.set(keyOf(st), st);
  }
  const siteNodes = new Set([...sites.values()].map((s) => s.node));
  const reached = new Set<Node>();
  const work: Node[] = plans.flatMap((p) => loadTimeCode(p.sourceFile));

  const reach = (decl: Node | undefined, from: Node) => {
    const site = decl && sites.get(keyOf(decl));
    if (!site || reached.has(site.node)) return;
    reached.add(site.node);
    if (site.given === null) {
      site.given = "load-time";
      site.calledAt = locationOf(from);
    }
    work.push(site.body);
  };
  const instantiate = async (cls: ClassDeclaration | undefined, from: Node) => {
    if (!cls || reached.has(cls)) return;
    reached.add(cls);
    for (const m of cls.members) {
      if (isConstructorDeclaration(m)) reach(m, from);
      // `new` initializes the instance fields, so their initializers run at load time too.
      else if (isPropertyDeclaration(m) && m.initializer && !isStatic(m)) work.push(m.initializer);
    }
    const base = cls.heritageClauses?.find((h) => h.token === SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    if (base) await instantiate(classes.get(keyOf(await declarationOf(ts, base))), from);
  };

  while (work.length > 0) {
    const region = work.pop()!;
    const { calls, callbacks } = runsIn(region, siteNodes);
    for (const call of calls) {
      if (isNewExpression(call)) await instantiate(classes.get(keyOf(await declarationOf(ts, call.expression))), call);
      else reach(await (await ts.checker.getResolvedSignature(call))?.declaration?.resolve(), call);
    }
    for (const fn of callbacks) reach(await declarationOf(ts, fn), fn);
  }
}

/** Top-level code that runs on import: not function bodies, and not a script's main program. */
export function loadTimeCode(sf: SourceFile): Node[] {
  const code: Node[] = [];
  for (const st of sf.statements) {
    switch (st.kind) {
      case SyntaxKind.FunctionDeclaration:
      case SyntaxKind.InterfaceDeclaration:
      case SyntaxKind.TypeAliasDeclaration:
      case SyntaxKind.ImportDeclaration:
      case SyntaxKind.ExportDeclaration:
        continue;
    }
    if (isClassDeclaration(st)) {
      for (const h of st.heritageClauses ?? []) code.push(...h.types.map((t) => t.expression));
      for (const m of st.members) {
        if (isPropertyDeclaration(m) && m.initializer && isStatic(m)) code.push(m.initializer);
        if (isClassStaticBlockDeclaration(m)) code.push(m.body);
      }
    } else if (isExpressionStatement(st) && /^(await\s+)?runMain\s*\(/.test(textOf(st.expression, sf))) {
      continue; // `await runMain(…)`: a script's program, which runs when the script is run, not imported
    } else if (isIfStatement(st) && textOf(st.expression, sf).includes("import.meta")) {
      continue; // `if (import.meta.main) …`: the same, for a module that is also a script
    } else code.push(st);
  }
  return code;
}

/**
 * What runs when `region` runs: its calls and `new`s, and the named functions it hands to an array
 * method (`.map(parsePattern)`). A function written inside it runs only when it is called on the
 * spot: invoked at once, or handed to an array method. One stored in a table, a variable or a
 * prototype, like a site itself, runs later, if ever.
 */
function runsIn(region: Node, siteNodes: ReadonlySet<Node>): { calls: Node[]; callbacks: Node[] } {
  const calls: Node[] = [];
  const callbacks: Node[] = [];
  const visit = (n: Node): void => {
    // A site's body that is itself a function (`const f = (x) => () => …`) is returned, not run.
    if ((n !== region && siteNodes.has(n)) || (isFunctionLike(n) && !runsOnTheSpot(n))) return;
    if (isCallExpression(n) || isNewExpression(n)) calls.push(n);
    if (isCallExpression(n) && callsBack(n)) callbacks.push(...n.arguments.filter((a) => isIdentifier(a) || isPropertyAccessExpression(a)));
    n.forEachChild(visit);
  };
  visit(region);
  return { calls, callbacks };
}

function isFunctionLike(n: Node): boolean {
  return isArrowFunction(n) || isFunctionExpression(n) || isMethodDeclaration(n) || isGetAccessorDeclaration(n) || isSetAccessorDeclaration(n);
}

const CALLS_BACK = new Set(["map", "flatMap", "filter", "forEach", "reduce", "reduceRight", "some", "every", "find", "findIndex", "findLast", "sort", "toSorted", "from", "replace", "replaceAll"]);

/** `xs.map(f)`, `Array.from(n, f)`: calls that call their function arguments before they return. */
function callsBack(call: CallExpression): boolean {
  return isPropertyAccessExpression(call.expression) && CALLS_BACK.has(call.expression.name.text);
}

function runsOnTheSpot(fn: Node): boolean {
  let child = fn;
  while (child.parent && isParenthesizedExpression(child.parent)) child = child.parent;
  const call = child.parent;
  if (!call || !isCallExpression(call)) return false;
  return call.expression === child /* (() => …)() */ || (callsBack(call) && call.arguments.some((a) => a === child));
}

function isStatic(m: Node): boolean {
  return ((m as Node & { readonly modifiers?: readonly Node[] }).modifiers ?? []).some((x) => x.kind === SyntaxKind.StaticKeyword);
}

/** The declaration a name refers to, through imports. */
async function declarationOf(ts: TypeScript, name: Node): Promise<Node | undefined> {
  const at = isPropertyAccessExpression(name) ? name.name : name;
  if (!isIdentifier(at)) return undefined;
  let symbol = await ts.checker.getSymbolAtLocation(at);
  if (symbol && symbol.flags & SymbolFlags.Alias) symbol = await ts.checker.getAliasedSymbol(symbol);
  return symbol?.valueDeclaration?.resolve();
}

/** "instructions.ts": the module a node is in, for a reader. */
function locationOf(node: Node): string {
  return node.getSourceFile().fileName.split("/").pop()!;
}

const keyOf = (node: Node | undefined) => (node ? `${node.getSourceFile().fileName}:${node.pos}:${node.kind}` : "");
