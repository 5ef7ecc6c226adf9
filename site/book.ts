// The book's pages that are not chapters: the preface, the three parts' introductions, the glossary
// and the index, written in markdown under site/book/ and rendered like a chapter (site/markdown.ts),
// each to a page at the site's top level. The glossary's entries are also what chapter pages link a
// term's first bold use to.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ChapterInfo } from "../shared/chapters.ts";
import { ROOT } from "../shared/child.ts";
import { escapeHtml, slugify } from "./html.ts";
import { page } from "./layout.ts";
import { ChapterError, renderBookPage, type Glossary, type RenderedChapter } from "./markdown.ts";
import type { BookInfo } from "./pages.ts";

export interface BookPageInfo {
  /** The markdown file's name in site/book/, without .md; the page is `${slug}.html`. */
  readonly slug: string;
  /** The link text on the index page and in the previous/next links. */
  readonly title: string;
}

/** In reading order: the preface first, each part's introduction, then the back matter. */
export const BOOK_PAGES: readonly BookPageInfo[] = [
  { slug: "preface", title: "Preface" },
  { slug: "part-i", title: "Part I: Machine code at run time" },
  { slug: "part-ii", title: "Part II: A Brainfuck JIT" },
  { slug: "part-iii", title: "Part III: A JIT for real" },
  { slug: "measuring", title: "Appendix: Measuring" },
  { slug: "glossary", title: "Glossary" },
  { slug: "book-index", title: "Index" },
];

export const BOOK_DIR = "site/book";

export const bookPageFile = (p: BookPageInfo) => `${BOOK_DIR}/${p.slug}.md`;

/** The pages whose markdown exists, rendered. Throws ChapterError naming the file and line. */
export function renderBookPages(chapters: readonly ChapterInfo[]): Map<BookPageInfo, RenderedChapter> {
  const out = new Map<BookPageInfo, RenderedChapter>();
  for (const p of BOOK_PAGES) {
    const file = bookPageFile(p);
    if (!existsSync(resolve(ROOT, file))) continue;
    out.set(p, renderBookPage(readFileSync(resolve(ROOT, file), "utf8"), file, chapters));
  }
  return out;
}

/**
 * The glossary's terms: each `### term` heading of glossary.md, lower case, to its entry's href. A
 * heading may name several spellings, "OSR entry / on-stack replacement": each links to the entry.
 */
export function readGlossary(markdown: string | null = loadGlossary()): Glossary {
  const terms = new Map<string, string>();
  if (markdown === null) return terms;
  for (const m of markdown.matchAll(/^### (.+)$/gm)) {
    const heading = m[1]!.trim();
    const href = `glossary.html#${slugify(heading.replace(/`/g, ""))}`;
    for (const term of heading.split(" / ")) {
      const t = term.replace(/`/g, "").trim().toLowerCase();
      if (terms.has(t)) throw new ChapterError(`${BOOK_DIR}/glossary.md: the term "${t}" has two entries`);
      terms.set(t, href);
    }
  }
  return terms;
}

function loadGlossary(): string | null {
  const file = resolve(ROOT, BOOK_DIR, "glossary.md");
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

/** A book page in the site's shell, with the chapter list beside it and its neighbours below. */
export function bookPage(p: BookPageInfo, rendered: RenderedChapter, book: BookInfo, pages: readonly BookPageInfo[]): string {
  const i = pages.indexOf(p);
  const link = (x: BookPageInfo | undefined, rel: "prev" | "next") =>
    x ? `<a class="${rel}" rel="${rel}" href="${x.slug}.html"><span>${rel === "prev" ? "← Previous" : "Next →"}</span>${escapeHtml(x.title)}</a>` : `<span></span>`;
  const nav = `<nav class="prev-next" aria-label="Pages">${link(pages[i - 1], "prev")}${link(pages[i + 1], "next")}</nav>`;
  const heading = rendered.title === null ? `<h1>${escapeHtml(p.title)}</h1>` : "";
  return page({
    title: rendered.title ?? p.title,
    root: "",
    main: `<article class="chapter book-page">${heading}${rendered.html}</article>${nav}`,
    sidebar: { chapters: book.chapters, written: book.written, current: null },
    description: p.title,
  });
}
