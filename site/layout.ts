// The shell every page shares: head, header with search and the theme toggle, and the chapter list.
// Pages are static files that also work opened from disk, so every URL is relative (`root` is the
// way back to the site's top folder) and every asset is local.
import type { ChapterInfo } from "../shared/chapters.ts";
import { escapeHtml } from "./html.ts";

export const BOOK_TITLE = "Just in Time";
export const BOOK_SUBTITLE = "Build a JIT compiler in TypeScript, on Bun";

export const PART_TITLES: Record<ChapterInfo["part"], string> = {
  I: "Machine code at run time",
  II: "A Brainfuck JIT",
  III: "A JIT for real",
};

export interface PageOptions {
  /** The document title (the book's title is appended). */
  readonly title: string;
  /** Relative path from this page to the site root: "" or "../../". */
  readonly root: string;
  readonly main: string;
  readonly description?: string;
  /** Chapter list in a sidebar, with this chapter's slug marked current. */
  readonly sidebar?: { readonly chapters: readonly ChapterInfo[]; readonly written: ReadonlySet<string>; readonly current: string | null };
  /** Extra scripts (relative to the root), loaded after the site's own. */
  readonly scripts?: readonly string[];
  readonly bodyClass?: string;
}

// Runs before the first paint, so a reader who chose dark mode never sees a white flash.
const THEME_BOOT = `try{var t=localStorage.getItem("jit-theme");if(t==="dark"||t==="light")document.documentElement.dataset.theme=t}catch(e){}`;

export function page(o: PageOptions): string {
  const r = o.root;
  const title = o.title === BOOK_TITLE ? BOOK_TITLE : `${o.title} · ${BOOK_TITLE}`;
  const scripts = [`assets/search-index.js`, `assets/site.js`, ...(o.scripts ?? [])].map((s) => `<script src="${r}${s}" defer></script>`).join("\n");
  const sidebar = o.sidebar ? chapterNav(o.sidebar.chapters, o.sidebar.written, o.sidebar.current, r) : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<meta name="description" content="${escapeHtml(o.description ?? BOOK_SUBTITLE)}">
<meta name="color-scheme" content="light dark">
<script>${THEME_BOOT}</script>
<link rel="stylesheet" href="${r}assets/style.css">
<link rel="icon" href="${r}assets/icon.svg" type="image/svg+xml">
${scripts}
</head>
<body class="${o.bodyClass ?? ""}${o.sidebar ? " with-sidebar" : ""}" data-root="${r}">
<a class="skip" href="#content">Skip to the text</a>
<header class="topbar">
  <a class="brand" href="${r}index.html"><span class="brand-mark" aria-hidden="true">⟩⟩</span> ${BOOK_TITLE}</a>
  <nav class="topnav" aria-label="Site">
    <a href="${r}index.html#contents">Contents</a>
    <a href="${r}playground.html">Playground</a>
  </nav>
  <div class="search" role="search">
    <input id="search" type="search" placeholder="Search the book  /" aria-label="Search the book" autocomplete="off" spellcheck="false">
    <ol id="search-results" class="search-results" hidden></ol>
  </div>
  <button id="theme-toggle" class="theme-toggle" type="button" aria-label="Switch between dark and light mode" title="Dark or light mode">
    <span class="icon-moon" aria-hidden="true">☾</span><span class="icon-sun" aria-hidden="true">☀</span>
  </button>
</header>
<div class="layout">
${sidebar}
<main id="content" class="content">
${o.main}
</main>
</div>
<footer class="footer">
  <p>${BOOK_TITLE} — every listing is included from the tested sources; every result on these pages was produced by running them when the site was built.</p>
</footer>
</body>
</html>
`;
}

function chapterNav(chapters: readonly ChapterInfo[], written: ReadonlySet<string>, current: string | null, r: string): string {
  const parts = (["I", "II", "III"] as const).map((part) => {
    const items = chapters
      .filter((c) => c.part === part)
      .map((c) => {
        const cur = c.slug === current ? ` aria-current="page"` : "";
        const cls = written.has(c.slug) ? "" : ` class="coming"`;
        return `<li${cls}><a href="${r}${c.slug}.html"${cur}><span class="num">${c.n}</span> ${escapeHtml(c.title)}</a></li>`;
      })
      .join("");
    return `<p class="part">Part ${part} · ${escapeHtml(PART_TITLES[part])}</p><ol>${items}</ol>`;
  });
  return `<nav class="sidebar" aria-label="Chapters">${parts.join("")}<p class="part"><a href="${r}playground.html">Playground</a></p></nav>`;
}
