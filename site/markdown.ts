// A chapter's README.md as HTML: markdown-it, plus what the book adds to it. Fences that are
// directives (shared/directives.ts) become included source or live results; figure fences
// (site/figures.ts) become drawings; other fences are highlighted code. Headings get ids, and links
// between chapters and to source files are rewritten to the site's pages.
import MarkdownIt from "markdown-it";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { ChapterInfo } from "../shared/chapters.ts";
import { ROOT } from "../shared/child.ts";
import { directiveOf, FIGURE_REF, parseFigures, resolveInclude, type IncludeDirective, type RunDirective } from "../shared/directives.ts";
import { figureOf, renderFigure, type ArtifactLookup } from "./figures.ts";
import { highlight } from "./highlight.ts";
import { escapeHtml, slugify, stripAnsi } from "./html.ts";
import { renderOutput } from "./listing.ts";
import type { LiveResult } from "./live.ts";
import { normalizeOutput } from "./normalize.ts";
import { provenanceLine } from "./provenance.ts";
import { parseLessons, type Lesson } from "../shared/workbook/lessons.ts";

type Token = ReturnType<InstanceType<typeof MarkdownIt>["parse"]>[number];

export interface Heading {
  readonly level: number;
  readonly id: string;
  readonly text: string;
}

/** A section of prose for the search index: the text under one heading. */
export interface Section {
  readonly id: string;
  readonly heading: string;
  readonly text: string;
}

export interface RenderedChapter {
  readonly html: string;
  /** The README's first `# ` heading, or null when it has none. */
  readonly title: string | null;
  readonly headings: readonly Heading[];
  readonly sections: readonly Section[];
  /** Repository files the page links to or includes: each gets a source page. */
  readonly sources: readonly string[];
}

export interface RenderContext {
  readonly chapter: ChapterInfo;
  /** Every chapter of the book, to resolve links between chapters. */
  readonly chapters: readonly ChapterInfo[];
  /** The live result of the run directive at a README line. */
  readonly live: (line: number) => LiveResult | undefined;
  readonly artifacts: ArtifactLookup;
  /** The glossary's terms (lower case) and their hrefs: a term's first bold or italic use links there. */
  readonly glossary?: Glossary;
}

/** Glossary terms, lower case, to the href of their entry (site/book.ts reads them from glossary.md). */
export type Glossary = ReadonlyMap<string, string>;

/** A build error in a chapter, naming the README and line. */
export class ChapterError extends Error {
  override name = "ChapterError";
}

const md = new MarkdownIt({ html: true, typographer: true });

/** Render a chapter's README. Throws ChapterError when a directive or figure does not resolve. */
export function renderChapter(markdown: string, ctx: RenderContext): RenderedChapter {
  const readme = `chapters/${ctx.chapter.slug}/README.md`;
  const tokens = md.parse(markdown, {});
  const headings = assignHeadingIds(tokens);
  const sources = new Set<string>();
  const ids = new Set(headings.map((h) => h.id));
  const lessons = parseLessons(markdown, readme) ?? [];
  const figures = figureSets(tokens, ctx, readme);
  for (const t of tokens) {
    if (t.type === "fence") renderedFences.set(t, renderFence(t, ctx, readme, sources, ids, lessons));
    if (t.type === "inline") {
      rewriteLinks(t.children ?? [], readme, ctx.chapters, sources);
      t.children = quoteFigures(t, figures, readme);
    }
  }
  pairBesideRuns(tokens, readme);
  if (ctx.glossary) linkGlossaryTerms(tokens, ctx.glossary);
  const html = md.renderer.render(tokens, md.options, {});
  const h1 = headings.find((h) => h.level === 1);
  return { html, title: h1?.text ?? null, headings, sections: sectionsOf(tokens, h1?.text ?? ctx.chapter.title), sources: [...sources] };
}

/**
 * A page of the book that is not a chapter (the preface, a part's introduction, the glossary, the
 * index): the same markdown, headings and link rewriting, with plain code fences only. A live result
 * or an include belongs in a chapter, where the build runs and checks it.
 */
export function renderBookPage(markdown: string, file: string, chapters: readonly ChapterInfo[]): RenderedChapter {
  const tokens = md.parse(markdown, {});
  const headings = assignHeadingIds(tokens);
  const sources = new Set<string>();
  for (const t of tokens) {
    if (t.type === "fence") {
      const line = (t.map?.[0] ?? 0) + 1;
      if (/^(include|run|figure)\b/.test(t.info.trim())) throw new ChapterError(`${file} line ${line}: \`${t.info.trim()}\` works only in a chapter's README`);
      renderedFences.set(t, renderCode(t.content, t.info.trim().split(/\s+/)[0] ?? ""));
    }
    if (t.type === "inline") rewriteLinks(t.children ?? [], file, chapters, sources);
  }
  const html = md.renderer.render(tokens, md.options, {});
  const h1 = headings.find((h) => h.level === 1);
  const title = h1?.text ?? file;
  return { html, title: h1?.text ?? null, headings, sections: sectionsOf(tokens, title), sources: [...sources] };
}

/**
 * Link the first bold or italic use of each glossary term on a page to its entry: the place a chapter
 * coins a term is where it sets it in bold, so that is where a reader wants the definition at hand.
 */
function linkGlossaryTerms(tokens: Token[], glossary: Glossary): void {
  const done = new Set<string>();
  for (const t of tokens) {
    if (t.type !== "inline" || !t.children) continue;
    const c = t.children;
    for (let i = 0; i + 2 < c.length; i++) {
      const open = c[i]!;
      if ((open.type !== "strong_open" && open.type !== "em_open") || c[i + 1]!.type !== "text" || c[i + 2]!.type !== open.type.replace("_open", "_close")) continue;
      if (insideLink(c, i)) continue;
      const term = glossaryTerm(c[i + 1]!.content, glossary);
      const href = term === null ? undefined : glossary.get(term);
      if (href === undefined || done.has(href)) continue;
      done.add(href);
      const linkOpen = new TokenClass("link_open", "a", 1);
      linkOpen.attrSet("href", href);
      linkOpen.attrSet("class", "glossary-term");
      linkOpen.attrSet("title", "In the glossary");
      const linkClose = new TokenClass("link_close", "a", -1);
      c.splice(i + 3, 0, linkClose);
      c.splice(i, 0, linkOpen);
      i += 4;
    }
  }
}

const TokenClass = new md.core.State("", md, {}).Token;

/** Whether children[i] sits between a link_open and its link_close: a link inside a link is not HTML. */
function insideLink(children: readonly Token[], i: number): boolean {
  let depth = 0;
  for (let j = 0; j < i; j++) depth += children[j]!.type === "link_open" ? 1 : children[j]!.type === "link_close" ? -1 : 0;
  return depth > 0;
}

/** The glossary term a bold or italic phrase names (a plural is the same term), or null. */
export function glossaryTerm(text: string, glossary: Glossary): string | null {
  const t = text.trim().toLowerCase();
  for (const candidate of [t, t.replace(/s$/, ""), t.replace(/es$/, "")]) if (glossary.has(candidate)) return candidate;
  return null;
}

// Fences are rendered before markdown-it renders the page, so an error can name the README line;
// the fence rule then only looks the HTML up.
const renderedFences = new WeakMap<Token, string>();
md.renderer.rules.fence = (tokens, idx) => {
  const html = renderedFences.get(tokens[idx]!);
  if (html === undefined) throw new ChapterError("a fence was not rendered before the page (a bug in site/markdown.ts)");
  return html;
};

function renderFence(t: Token, ctx: RenderContext, readme: string, sources: Set<string>, ids: ReadonlySet<string>, lessons: readonly Lesson[]): string {
  const line = (t.map?.[0] ?? 0) + 1;
  try {
    if (t.info.trim() === "workbook") return renderYourTurn(t, ctx.chapter, readme, ids);
    const d = directiveOf(t.info, t.content, line);
    if (d?.kind === "include") {
      sources.add(d.path);
      return foldSolutions(renderInclude(d), lessonsIn(d, ctx.chapter, lessons));
    }
    if (d?.kind === "run") return d.figures === null ? renderRun(d, ctx.live(line)) : renderFigures(d, ctx.live(line));
    const f = figureOf(t.info, t.content, line);
    if (f) return renderFigure(f, ctx.artifacts);
    return renderCode(t.content, t.info.trim().split(/\s+/)[0] ?? "");
  } catch (e) {
    const message = (e as Error).message.replace(/^line \d+: /, "");
    throw new ChapterError(`${readme} line ${line}: ${message}`);
  }
}

// #region figures
interface FigureSet {
  readonly values: Readonly<Record<string, string>>;
  readonly command: string;
  readonly provenance: string;
}

/** The figures each `run figures=NAME` block printed, by NAME. */
function figureSets(tokens: readonly Token[], ctx: RenderContext, readme: string): Map<string, FigureSet> {
  const sets = new Map<string, FigureSet>();
  for (const t of tokens) {
    if (t.type !== "fence") continue;
    const line = (t.map?.[0] ?? 0) + 1;
    const d = directiveOf(t.info, t.content, line);
    if (d?.kind !== "run" || d.figures === null) continue;
    const r = ctx.live(line);
    if (!r) throw new ChapterError(`${readme} line ${line}: run \`${d.command}\` has no result (it was not run)`);
    if (sets.has(d.figures)) throw new ChapterError(`${readme} line ${line}: a second set of figures named ${d.figures}`);
    sets.set(d.figures, { values: parseFigures(r.stdout, d.command), command: d.command, provenance: provenanceLine(r.provenance) });
  }
  return sets;
}

/** The inline's text with each {{name.key}} replaced by the figure, marked as produced by the code. */
function quoteFigures(inline: Token, sets: ReadonlyMap<string, FigureSet>, readme: string): Token[] {
  const out: Token[] = [];
  for (const child of inline.children ?? []) {
    if (child.type !== "text" || !child.content.includes("{{")) {
      out.push(child);
      continue;
    }
    let last = 0;
    for (const m of child.content.matchAll(FIGURE_REF)) {
      const set = sets.get(m[1]!);
      const value = set?.values[m[2]!];
      if (set === undefined || value === undefined) {
        const known = set ? Object.keys(set.values).join(", ") : [...sets.keys()].join(", ") || "none on this page";
        throw new ChapterError(`${readme} line ${(inline.map?.[0] ?? 0) + 1}: no figure ${m[0]} (${set ? `${m[1]} has ${known}` : `figure sets: ${known}`})`);
      }
      out.push(textToken(child, child.content.slice(last, m.index)));
      const html = new (child.constructor as new (type: string, tag: string, nesting: -1 | 0 | 1) => Token)("html_inline", "", 0);
      html.content = `<span class="figure-value" title="${escapeHtml(`${set.command} · ${set.provenance}`)}">${escapeHtml(value)}</span>`;
      out.push(html);
      last = m.index + m[0].length;
    }
    out.push(textToken(child, child.content.slice(last)));
  }
  return out;
}

function textToken(like: Token, content: string): Token {
  const t = new (like.constructor as new (type: string, tag: string, nesting: -1 | 0 | 1) => Token)("text", "", 0);
  t.content = content;
  return t;
}

/** A figures run is not shown as output: a note says where the page's figures come from. */
function renderFigures(d: RunDirective, r: LiveResult | undefined): string {
  if (!r) throw new ChapterError(`run \`${d.command}\` has no result (it was not run)`);
  const rows = Object.entries(parseFigures(r.stdout, d.command)).map(([k, v]) => `<tr><td><code>${escapeHtml(d.figures!)}.${escapeHtml(k)}</code></td><td>${escapeHtml(v)}</td></tr>`);
  return (
    `<details class="figures"><summary>The figures in this section come from <code>${escapeHtml(d.command)}</code>, run when the site was built</summary>` +
    `<table>${rows.join("")}</table><p class="provenance">${escapeHtml(provenanceLine(r.provenance))}</p></details>\n`
  );
}
// #endregion

// #region solutions
/** The lessons a listing writes out: the reader's to write, so the page can fold them away. */
export function lessonsIn(d: IncludeDirective, chapter: ChapterInfo, lessons: readonly Lesson[]): Lesson[] {
  const mine = lessons.filter((l) => d.path === `chapters/${chapter.slug}/${l.file}`);
  if (mine.length === 0) return [];
  const text = resolveInclude(d.path, d.region).text;
  return mine.filter((l) => declares(text, l.label));
}

/** Does `source` declare the function NotImplemented calls `label` ("checkSize", "Asm.add", "new LibcError")? */
export function declares(source: string, label: string): boolean {
  const ctor = /^new (\w+)$/.exec(label);
  const name = ctor ? ctor[1]! : label.replace(/^(get|set) /, "").split(".").pop()!.replace(/^#/, "\\#");
  const decl = ctor
    ? `^\\s*(export\\s+)?(abstract\\s+)?class\\s+${name}\\b`
    : `^\\s*(export\\s+)?(async\\s+)?(function\\*?\\s+|const\\s+|(static\\s+)?(get\\s+|set\\s+)?)${name}\\s*[(<=:]`;
  return new RegExp(decl, "m").test(source);
}

/** A listing that holds lessons, in a <details> the reader can close (site.ts remembers the choice). */
function foldSolutions(html: string, lessons: readonly Lesson[]): string {
  if (lessons.length === 0) return html;
  const names = lessons.map((l) => `<code>${escapeHtml(l.label)}</code>`).join(", ");
  return `<details class="solution" open><summary>The book's solution: ${names}</summary>\n${html}</details>\n`;
}
// #endregion

// #region your-turn
/** The chapter's lessons as a "Your turn" box: what to write, in order, where the prose explains each. */
function renderYourTurn(t: Token, chapter: ChapterInfo, readme: string, ids: ReadonlySet<string>): string {
  const fence = "```workbook\n" + t.content + "```";
  const lessons = parseLessons(fence, readme) ?? [];
  const items = lessons.map((l) => {
    if (!ids.has(l.anchor)) throw new ChapterError(`workbook line for ${l.label}: there is no heading #${l.anchor} in this chapter`);
    return `<li><code>${escapeHtml(l.label)}</code> in <code>${escapeHtml(l.file)}</code> <a href="#${l.anchor}">(where the chapter explains it)</a></li>`;
  });
  return (
    `<aside class="your-turn" aria-label="Your turn"><p class="your-turn-title">Your turn</p>` +
    `<ol>${items.join("")}</ol>` +
    `<p>Start with <code>npm run workbook -- start</code>, write these in <code>my-jit/${escapeHtml(chapter.slug)}/</code>, ` +
    `and check them with <code>npm run verify -- ${chapter.n}</code>.</p>` +
    `<label class="hide-solutions"><input type="checkbox" class="hide-solutions-toggle"> Hide the book's solutions on every page (remembered)</label></aside>\n`
  );
}
// #endregion

function renderCode(code: string, language: string): string {
  const label = language ? `<span class="code-lang">${escapeHtml(language)}</span>` : "";
  return `<div class="code-block">${label}<pre class="code"><code>${highlight(code.replace(/\n$/, ""), language)}</code></pre></div>\n`;
}

function renderInclude(d: IncludeDirective): string {
  const src = resolveInclude(d.path, d.region);
  const numbers = lineNumbers(src.path, src.startLine, src.text);
  const lines = highlight(src.text, src.language).split("\n");
  const body = lines.map((l, i) => `<span class="line" data-n="${numbers[i]}">${l || " "}</span>`).join("\n");
  const range = src.startLine === src.endLine ? `line ${src.startLine}` : `lines ${src.startLine}–${src.endLine}`;
  const href = `${sourceHref(src.path)}#L${src.startLine}`;
  const region = src.region ? ` <span class="region">#${escapeHtml(src.region)}</span>` : "";
  return (
    `<figure class="listing"><figcaption><a class="listing-path" href="${href}">${escapeHtml(src.path)}</a>${region}` +
    `<span class="listing-lines">${range}</span></figcaption>` +
    `<pre class="code numbered"><code>${body}</code></pre></figure>\n`
  );
}

/**
 * The file's line number for each line of an included region. Nested region markers are dropped
 * from the text, so the numbers can skip; each text line is found in order in the file.
 */
export function lineNumbers(path: string, startLine: number, text: string): number[] {
  const file = readFileSync(resolve(ROOT, path), "utf8").split("\n");
  const out: number[] = [];
  let at = startLine - 1;
  for (const l of text.split("\n")) {
    let j = at;
    while (j < file.length && file[j]!.trim() !== l.trim()) j++;
    if (j === file.length) j = at; // cannot happen for text from resolveInclude; keep counting
    out.push(j + 1);
    at = j + 1;
  }
  return out;
}

/**
 * A `run beside` block and the run block just before it become one pair of columns: the same
 * program's listings on two machines, or before and after a pass, read across instead of down.
 */
function pairBesideRuns(tokens: readonly Token[], readme: string): void {
  tokens.forEach((t, i) => {
    if (t.type !== "fence") return;
    const line = (t.map?.[0] ?? 0) + 1;
    const d = directiveOf(t.info, t.content, line);
    if (d?.kind !== "run" || !d.beside) return;
    const before = tokens[i - 1];
    const left = before?.type === "fence" ? directiveOf(before.info, before.content, (before.map?.[0] ?? 0) + 1) : null;
    if (before === undefined || left?.kind !== "run" || left.beside || left.figures !== null || d.figures !== null) {
      throw new ChapterError(`${readme} line ${line}: a \`run beside\` block goes right after another run block (not a figures run, not a pair), with only a blank line between`);
    }
    renderedFences.set(before, `<div class="beside-pair">${renderedFences.get(before)?.trimEnd()}${renderedFences.get(t)?.trimEnd()}</div>\n`);
    renderedFences.set(t, "");
  });
}

function renderRun(d: RunDirective, r: LiveResult | undefined): string {
  if (!r) throw new ChapterError(`run \`${d.command}\` has no result (it was not run)`);
  const stdout = normalizeOutput(stripAnsi(r.stdout));
  const stderr = normalizeOutput(stripAnsi(r.stderr)).trim();
  const exit = r.exitCode === 0 ? "" : ` · exit ${r.exitCode}`;
  const out = stdout.trim() ? `<pre class="live-out">${renderOutput(stdout)}</pre>` : "";
  const err = stderr ? `<pre class="live-err">${renderOutput(stderr)}</pre>` : "";
  const empty = !out && !err ? `<pre class="live-out live-empty">(no output)</pre>` : "";
  return (
    `<figure class="live"><div class="live-cmd"><span class="live-badge">live</span><code><span class="tok-prompt">$</span> ${escapeHtml(d.command)}</code></div>` +
    `${out}${err}${empty}<figcaption class="provenance">Produced by running the command when the site was built: ` +
    `${escapeHtml(provenanceLine(r.provenance))} · ${escapeHtml(formatDuration(r.durationMs))}${exit}</figcaption></figure>\n`
  );
}

const formatDuration = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/** Give every heading an id from its text (deduplicated) and return the headings in order. */
function assignHeadingIds(tokens: Token[]): Heading[] {
  const used = new Map<string, number>();
  const out: Heading[] = [];
  tokens.forEach((t, i) => {
    if (t.type !== "heading_open") return;
    const text = plainText(tokens[i + 1]!);
    const base = slugify(text);
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    const id = n === 0 ? base : `${base}-${n}`;
    t.attrSet("id", id);
    out.push({ level: Number(t.tag.slice(1)), id, text });
  });
  return out;
}

function plainText(inline: Token): string {
  return (inline.children ?? []).map((c: Token) => (c.type === "text" || c.type === "code_inline" ? c.content : c.type === "softbreak" ? " " : "")).join("");
}

/** The prose under each heading, for search. Code listings are left out: they would drown the words. */
function sectionsOf(tokens: Token[], title: string): Section[] {
  const sections: { id: string; heading: string; text: string[] }[] = [{ id: "", heading: title, text: [] }];
  tokens.forEach((t, i) => {
    if (t.type === "heading_open" && t.tag !== "h1") sections.push({ id: String(t.attrGet("id") ?? ""), heading: plainText(tokens[i + 1]!), text: [] });
    else if (t.type === "inline" && tokens[i - 1]?.type !== "heading_open") sections[sections.length - 1]!.text.push(plainText(t));
  });
  return sections.map((s) => ({ id: s.id, heading: s.heading, text: s.text.join(" ").replace(/\s+/g, " ").trim() })).filter((s) => s.text || s.id);
}

/** Where a repository file's source page is, relative to the site root. */
export function sourceHref(path: string): string {
  return `source/${path}.html`;
}

/** Rewrite relative links: to a chapter -> its page; to a repository file -> its source page. */
function rewriteLinks(children: Token[], readme: string, chapters: readonly ChapterInfo[], sources: Set<string>): void {
  for (const t of children) {
    if (t.type !== "link_open" && t.type !== "image") continue;
    const attr = t.type === "image" ? "src" : "href";
    const href = t.attrGet(attr);
    if (typeof href !== "string" || !href) continue;
    const rewritten = resolveLink(href, readme, chapters, sources);
    if (rewritten !== null) t.attrSet(attr, rewritten);
  }
}

/** The site href for a link found in `fromFile`, or null to leave it alone (external, anchors). */
export function resolveLink(href: string, fromFile: string, chapters: readonly ChapterInfo[], sources?: Set<string>): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith("#") || href.startsWith("//")) return null;
  const [pathPart, hash = ""] = href.split("#", 2) as [string, string?];
  const anchor = hash ? `#${hash}` : "";
  const target = relative(ROOT, resolve(ROOT, dirname(fromFile), decodeURI(pathPart)));
  if (target === "README.md" || target === "") return `index.html${anchor}`;
  const m = /^chapters\/([^/]+)(?:\/(?:README\.md)?)?$/.exec(target);
  if (m && chapters.some((c) => c.slug === m[1])) return `${m[1]}.html${anchor}`;
  // A book page (site/book/NAME.md, linked so that the link also works on GitHub) is the page NAME.html.
  const book = /^site\/book\/([a-z0-9-]+)\.md$/.exec(target);
  if (book && existsSync(resolve(ROOT, target))) return `${book[1]}.html${anchor}`;
  if (target.startsWith("..") || !existsSync(resolve(ROOT, target)) || !statSync(resolve(ROOT, target)).isFile()) return null;
  sources?.add(target);
  return `${sourceHref(target)}${anchor}`;
}
