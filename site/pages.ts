// The site's pages, as HTML strings: the index, a chapter, a chapter still being written, a source
// file, and the playground's shell (site/playground/ fills it in, in the browser).
import type { ChapterInfo } from "../shared/chapters.ts";
import { highlight } from "./highlight.ts";
import { escapeHtml } from "./html.ts";
import { BOOK_SUBTITLE, BOOK_TITLE, page, PART_TITLES } from "./layout.ts";
import type { RenderedChapter } from "./markdown.ts";

export interface BookInfo {
  readonly chapters: readonly ChapterInfo[];
  /** Slugs of the chapters whose README.md exists. */
  readonly written: ReadonlySet<string>;
}

export function indexPage(book: BookInfo, bookPages: readonly { readonly slug: string; readonly title: string }[] = []): string {
  const parts = (["I", "II", "III"] as const).map((part) => {
    const items = book.chapters
      .filter((c) => c.part === part)
      .map((c) => {
        const title = escapeHtml(c.title);
        return book.written.has(c.slug)
          ? `<li><a href="${c.slug}.html"><span class="num">${c.n}</span><span class="t">${title}</span></a></li>`
          : `<li class="coming"><span class="num">${c.n}</span><span class="t">${title}</span><span class="tag">coming</span></li>`;
      })
      .join("\n");
    return `<section class="part-block"><h3>Part ${part} <span>${escapeHtml(PART_TITLES[part])}</span></h3><ol class="toc">${items}</ol></section>`;
  });
  const first = book.chapters.find((c) => book.written.has(c.slug));
  const start = first ? `<a class="button" href="${first.slug}.html">Start reading: chapter ${first.n}, ${escapeHtml(first.title)}</a>` : "";
  const main = `
<section class="hero">
  <h1>${BOOK_TITLE}</h1>
  <p class="subtitle">${BOOK_SUBTITLE}</p>
  <p class="lede">You start with an empty page of memory and end with a Brainfuck JIT that compiles while
  the program runs. On the way you ask libc for pages through <code>bun:ffi</code>, write machine code by hand,
  learn why no page should be writable and executable at once, build an x86-64 encoder checked against GNU
  <code>as</code>, then an interpreter, a template JIT, an IR with optimization passes, tiering, defenses
  against hostile programs, and a second backend for WebAssembly.</p>
  <p class="actions">${start}<a class="button secondary" href="playground.html">Open the playground</a></p>
</section>
<section class="ways">
  <h2 id="three-ways">Three ways to use this book</h2>
  <div class="cards">
    <div class="card"><h3>Read</h3><p>The chapters, on this site. Every listing is included from the real,
    tested sources, and every result was produced by running that code when the site was built.</p></div>
    <div class="card"><h3>Run</h3><p>Each chapter is a program that does real work and prints it:</p>
    <pre class="code"><code>${highlight("npx bun chapters/01-pages/main.ts", "sh")}</code></pre></div>
    <div class="card"><h3>Verify</h3><p>Write the chapters yourself: <code>start</code> gives you each
    chapter's modules with every body a stub to fill in, and the chapter's tests judge your code, with a
    progress bar, the first failure in full and a hint. The book's code is the solution.</p>
    <pre class="code"><code>${highlight("npm run workbook -- start\nnpm run verify -- 1", "sh")}</code></pre></div>
  </div>
</section>
<section class="contents">
  <h2 id="contents">Contents</h2>
  ${progress(book)}
  ${parts.join("\n")}
  ${bookPages.length ? `<p class="book-pages">${bookPages.map((p) => `<a href="${p.slug}.html">${escapeHtml(p.title)}</a>`).join(" · ")}</p>` : ""}
</section>`;
  return page({ title: BOOK_TITLE, root: "", main, bodyClass: "home" });
}

/** How many chapters are written, while some are not; once all are, nothing to say. */
function progress(book: BookInfo): string {
  const waiting = book.chapters.filter((c) => !book.written.has(c.slug)).length;
  return waiting === 0 ? "" : `<p class="muted">${book.chapters.length - waiting} of ${book.chapters.length} chapters written; the others are on their way.</p>`;
}

export function chapterPage(c: ChapterInfo, rendered: RenderedChapter, book: BookInfo): string {
  const eyebrow = `<p class="eyebrow">Chapter ${c.n} · Part ${c.part}: ${escapeHtml(PART_TITLES[c.part])}</p>`;
  const heading = rendered.title === null ? `<h1>${escapeHtml(c.title)}</h1>` : "";
  const main = `<article class="chapter">${eyebrow}${heading}${rendered.html}</article>${prevNext(c, book)}`;
  return page({
    title: `${c.n}. ${rendered.title ?? c.title}`,
    root: "",
    main,
    sidebar: { chapters: book.chapters, written: book.written, current: c.slug },
    description: `Chapter ${c.n} of ${BOOK_TITLE}: ${c.title}`,
  });
}

export function comingPage(c: ChapterInfo, book: BookInfo): string {
  const main = `<article class="chapter"><p class="eyebrow">Chapter ${c.n} · Part ${c.part}</p><h1>${escapeHtml(c.title)}</h1>
<p class="coming-note">This chapter is being written. Its page appears here as soon as
<code>chapters/${c.slug}/README.md</code> exists.</p></article>${prevNext(c, book)}`;
  return page({ title: `${c.n}. ${c.title}`, root: "", main, sidebar: { chapters: book.chapters, written: book.written, current: c.slug } });
}

function prevNext(c: ChapterInfo, book: BookInfo): string {
  const prev = book.chapters.find((x) => x.n === c.n - 1);
  const next = book.chapters.find((x) => x.n === c.n + 1);
  const link = (x: ChapterInfo | undefined, rel: "prev" | "next") =>
    x
      ? `<a class="${rel}" rel="${rel}" href="${x.slug}.html"><span>${rel === "prev" ? "← Previous" : "Next →"}</span>${x.n}. ${escapeHtml(x.title)}${book.written.has(x.slug) ? "" : " <em>(coming)</em>"}</a>`
      : `<span></span>`;
  return `<nav class="prev-next" aria-label="Chapters">${link(prev, "prev")}${link(next, "next")}</nav>`;
}

/** A repository file with line numbers (each line is an anchor: #L12), linked from listings. */
export function sourcePage(path: string, text: string, language: string, chapter: ChapterInfo | null): string {
  const depth = path.split("/").length; // source/<path>.html: one level for source/, then the path's folders
  const root = "../".repeat(depth);
  const lines = highlight(text.replace(/\n$/, ""), language).split("\n");
  const body = lines.map((l, i) => `<span class="line" id="L${i + 1}" data-n="${i + 1}">${l || " "}</span>`).join("\n");
  const back = chapter ? `<p class="eyebrow"><a href="${root}${chapter.slug}.html">Chapter ${chapter.n}: ${escapeHtml(chapter.title)}</a></p>` : "";
  const main = `<article class="source">${back}<h1 class="source-path">${escapeHtml(path)}</h1>
<pre class="code numbered"><code>${body}</code></pre></article>`;
  return page({ title: path, root, main });
}

export function notFoundPage(): string {
  return page({ title: "Not found", root: "", main: `<article><h1>Not found</h1><p>There is no such page. <a href="index.html">Back to the contents.</a></p></article>` });
}

export function playgroundPage(stages: readonly { readonly name: string; readonly ready: boolean; readonly note: string }[]): string {
  const status = stages
    .map((s) => `<li class="${s.ready ? "ready" : "missing"}"><strong>${escapeHtml(s.name)}</strong> ${escapeHtml(s.note)}</li>`)
    .join("");
  const main = `<article class="playground">
<h1>Playground</h1>
<p class="lede">Type a Brainfuck program. As you type, the book's own compiler stages run in your browser —
the same TypeScript modules the chapters build, bundled for the page — in a worker with a step limit, so a
program that never stops cannot freeze the page.</p>
<div class="pg-grid">
  <section class="pg-editor">
    <div class="pg-toolbar">
      <label>Example <select id="pg-example"></select></label>
      <label>Step limit <input id="pg-steps" type="number" min="1000" step="1000" value="10000000"></label>
      <label>At end of input <select id="pg-eof"><option value="unchanged">leave the cell</option><option value="zero">store 0</option><option value="max">store 255</option></select></label>
    </div>
    <textarea id="pg-source" spellcheck="false" autocapitalize="off" autocomplete="off" aria-label="Brainfuck program"></textarea>
    <label class="pg-input-label">Input (what <code>,</code> reads) <input id="pg-input" type="text" spellcheck="false"></label>
    <p id="pg-status" class="pg-status" role="status" aria-live="polite">Loading…</p>
  </section>
  <section class="pg-panels">
    <div class="pg-panel"><h2>Output</h2><pre id="pg-output" class="live-out"></pre></div>
    <div class="pg-panel"><h2>LIR</h2><pre id="pg-lir" class="code"></pre></div>
    <div class="pg-panel"><h2>Optimized LIR</h2><div id="pg-passes" class="pg-passes"></div><pre id="pg-opt" class="code"></pre></div>
    <div class="pg-panel"><h2>x86-64, from the optimized LIR</h2><pre id="pg-x86" class="code"></pre></div>
  </section>
</div>
<details class="pg-stages"><summary>What runs here</summary><ul>${status}</ul></details>
</article>`;
  return page({ title: "Playground", root: "", main, scripts: ["assets/playground.js"], bodyClass: "wide" });
}
