// The whole site, built as `npm run site` builds it on a reader's fresh clone (no classic programs:
// their folder is an empty one here): every chapter has its page, every directive became HTML, no
// link is broken, nothing is loaded from another host, and a second build with nothing changed takes
// every live result from the cache.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CHAPTERS } from "../shared/chapters.ts";
import { ROOT } from "../shared/child.ts";
import { emptyClassicDir } from "../shared/programs.ts";
import { withClassicDir } from "./support/bf-programs.ts";
import { parseDirectives, type RunDirective } from "../shared/directives.ts";
import { buildSite, type BuildReport } from "../site/builder.ts";
import { siteFiles } from "../site/links.ts";
import { BOOK_PAGES } from "../site/book.ts";

const outDir = mkdtempSync(join(tmpdir(), "jit-site-build-"));
const written = CHAPTERS.filter((c) => existsSync(resolve(ROOT, "chapters", c.slug, "README.md")));

/** How many numbered challenges a chapter's README lists, between "## Challenges" and its answers. */
function challengesOf(readme: string): number {
  const section = readme.split("\n## Challenges\n")[1]?.split("\n### Answers")[0] ?? "";
  return section.split("\n").filter((line) => /^\d+\. \*\*/.test(line)).length;
}
let first: BuildReport;
let second: BuildReport;

beforeAll(async () => {
  await withClassicDir(emptyClassicDir(), async () => {
    first = await buildSite({ outDir });
    second = await buildSite({ outDir });
  });
}, 400_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const html = (file: string) => readFileSync(join(outDir, file), "utf8");
const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("the built site", () => {
  test("has the index, the playground, and a page for every chapter (written or coming)", () => {
    for (const f of ["index.html", "playground.html", "404.html", "assets/style.css", "assets/site.js", "assets/playground.js", "assets/search-index.js"]) {
      expect(existsSync(join(outDir, f))).toBe(true);
    }
    for (const c of CHAPTERS) expect(existsSync(join(outDir, `${c.slug}.html`))).toBe(true);
    expect(second.chapters).toEqual(written.map((c) => c.slug));
  });

  test("the index lists every chapter, linking the written ones and marking the rest as coming", () => {
    const index = html("index.html");
    for (const c of written) expect(index).toContain(`href="${c.slug}.html"`);
    expect(count(index, `<span class="tag">coming</span>`)).toBe(CHAPTERS.length - written.length);
  });

  for (const c of written) {
    test(`chapter ${c.n}: every directive was resolved into HTML`, () => {
      const page = html(`${c.slug}.html`);
      const directives = parseDirectives(readFileSync(resolve(ROOT, "chapters", c.slug, "README.md"), "utf8"));
      expect(count(page, `<figure class="listing">`)).toBe(directives.filter((d) => d.kind === "include").length);
      const runs = directives.filter((d): d is RunDirective => d.kind === "run");
      expect(count(page, `<figure class="live">`)).toBe(runs.filter((d) => d.figures === null).length);
      expect(count(page, `class="provenance">Produced by running the command`)).toBe(runs.filter((d) => d.figures === null).length);
      expect(count(page, `<details class="figures">`)).toBe(runs.filter((d) => d.figures !== null).length);
      expect(page).not.toMatch(/```|language-(include|run|figure)/);
      expect(page).toContain('class="prev-next"');
    });
  }

  test("no internal link is broken and nothing is loaded from another host", () => {
    expect(second.links.map((p) => `${p.page}: ${p.link} (${p.problem})`)).toEqual([]);
    for (const f of siteFiles(outDir).filter((f) => f.endsWith(".html") || f.endsWith(".css"))) {
      const remote = [...html(f).matchAll(/\b(?:src|srcset)\s*=\s*"(?:https?:)?\/\/[^"]*"|<link\b[^>]*href="(?:https?:)?\/\/|url\(\s*['"]?(?:https?:)?\/\//g)].map((m) => m[0]);
      expect({ file: f, remote }).toEqual({ file: f, remote: [] });
    }
  });

  test("has the book's own pages, linked from the index, and every link on them resolves", () => {
    const index = html("index.html");
    for (const p of BOOK_PAGES) {
      expect(existsSync(join(outDir, `${p.slug}.html`))).toBe(true);
      expect(index).toContain(`href="${p.slug}.html"`);
      expect(second.links.filter((l) => l.page === `${p.slug}.html`)).toEqual([]);
    }
    // The glossary and the index send a reader into the chapters: each of their links lands on a section.
    const toChapters = (page: string) => [...html(page).matchAll(/href="(\d\d-[^"#]+\.html)#([^"]+)"/g)].map((m) => [m[1]!, m[2]!] as const);
    const links = [...toChapters("glossary.html"), ...toChapters("book-index.html")];
    expect(links.length).toBeGreaterThan(100);
    for (const [file, id] of links) expect({ file, id, found: html(file).includes(` id="${id}"`) }).toEqual({ file, id, found: true });
  });

  test("a chapter links its terms' first uses to the glossary, and folds its answers away", () => {
    for (const c of written) {
      const page = html(`${c.slug}.html`);
      expect({ chapter: c.n, glossary: page.includes('class="glossary-term"') || c.n === 4 }).toEqual({ chapter: c.n, glossary: true });
      // Every challenge has its answer, folded away: as many as the README's numbered challenges (five or more).
      const challenges = challengesOf(readFileSync(resolve(ROOT, "chapters", c.slug, "README.md"), "utf8"));
      expect(challenges).toBeGreaterThanOrEqual(5);
      expect({ chapter: c.n, answers: count(page, '<details class="answer">') }).toEqual({ chapter: c.n, answers: challenges });
    }
    expect(html("07-template-jit.html")).toContain('<a href="glossary.html#site" class="glossary-term"');
  });

  test("the search index covers every written chapter", () => {
    const index = html("assets/search-index.js");
    for (const c of written) expect(index).toContain(`"href":"${c.slug}.html`);
  });

  test("a second build with nothing changed takes every live result from the cache, quickly", () => {
    expect(first.runs.total).toBe(second.runs.total);
    expect(second.runs).toEqual({ total: second.runs.total, hits: second.runs.total, misses: 0 });
    expect(second.ms).toBeLessThan(5000);
  });
});
