// The site build: every written chapter's README rendered with its live results, a page for each
// chapter still to come, the source files the chapters show, the search index, the playground, and
// the assets, written to dist/site/. Live commands run first (cached, two at a time); a command that
// fails, or a directive that does not resolve, fails the build with the chapter and README line.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, extname, join, resolve } from "node:path";
import { CHAPTERS, type ChapterInfo } from "../shared/chapters.ts";
import { ROOT } from "../shared/child.ts";
import { parseDirectives, type RunDirective } from "../shared/directives.ts";
import type { SearchEntry } from "./client/search.ts";
import { InputHasher } from "./inputs.ts";
import { BOOK_PAGES, bookPage, readGlossary, renderBookPages } from "./book.ts";
import { bundle } from "./bundles.ts";
import { checkLinks, type LinkProblem } from "./links.ts";
import type { ArtifactLookup } from "./figures.ts";
import { liveKey, runLive, type LiveJob, type LiveOutcome } from "./live.ts";
import { ChapterError, renderChapter, type RenderedChapter } from "./markdown.ts";
import { chapterPage, comingPage, indexPage, notFoundPage, playgroundPage, sourcePage, type BookInfo } from "./pages.ts";
import { STAGES } from "./playground/pipeline.ts";
import { currentProvenance } from "./provenance.ts";

export class SiteBuildError extends Error {
  override name = "SiteBuildError";
}

export interface BuildOptions {
  /** Where the site is written (default dist/site). It is emptied first. */
  readonly outDir?: string;
  /** Where live results are cached (default .cache/site). */
  readonly cacheDir?: string;
  /** Run every live command again, ignoring the cache. */
  readonly fresh?: boolean;
  /** Live commands in flight at once (default 2: one per core). */
  readonly concurrency?: number;
  readonly chapters?: readonly ChapterInfo[];
  readonly log?: (line: string) => void;
}

export interface BuildReport {
  readonly outDir: string;
  /** Every file written, relative to outDir. */
  readonly files: readonly string[];
  readonly chapters: readonly string[];
  readonly runs: { readonly total: number; readonly hits: number; readonly misses: number };
  readonly links: readonly LinkProblem[];
  readonly ms: number;
}

export const DEFAULT_OUT = resolve(ROOT, "dist/site");
export const DEFAULT_CACHE = resolve(ROOT, ".cache/site");

export async function buildSite(opts: BuildOptions = {}): Promise<BuildReport> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const outDir = opts.outDir ?? DEFAULT_OUT;
  const chapters = opts.chapters ?? CHAPTERS;
  const readmeOf = (c: ChapterInfo) => resolve(ROOT, "chapters", c.slug, "README.md");
  const written = chapters.filter((c) => existsSync(readmeOf(c)));
  const book: BookInfo = { chapters, written: new Set(written.map((c) => c.slug)) };
  const markdown = new Map(written.map((c) => [c.slug, readFileSync(readmeOf(c), "utf8")]));

  // 1. Live results, for every run directive of every chapter.
  const jobs: LiveJob[] = [];
  const errors: string[] = [];
  for (const c of written) {
    try {
      for (const d of parseDirectives(markdown.get(c.slug)!)) if (d.kind === "run") jobs.push({ chapter: c, directive: d as RunDirective });
    } catch (e) {
      errors.push(`chapters/${c.slug}/README.md ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new SiteBuildError(errors.join("\n\n"));
  log(`live results: ${jobs.length} commands in ${written.length} chapters`);
  const live = await runLive(jobs, {
    cacheDir: opts.cacheDir ?? DEFAULT_CACHE,
    hasher: new InputHasher(),
    chapters,
    provenance: currentProvenance(),
    concurrency: opts.concurrency,
    fresh: opts.fresh,
    onRun: (job, r, cached) => {
      if (!cached) log(`  ran  chapter ${job.chapter.n}, line ${job.directive.line}: ${job.directive.command}  (${r.durationMs} ms)`);
    },
  });
  if (live.failures.length) throw new SiteBuildError(`${live.failures.length} live command(s) failed:\n\n${live.failures.join("\n\n")}`);

  // 2. Pages.
  const files = new Map<string, string>();
  const rendered = new Map<string, RenderedChapter>();
  let glossary: ReturnType<typeof readGlossary> = new Map();
  let bookPages: ReturnType<typeof renderBookPages> = new Map();
  try {
    glossary = readGlossary();
    bookPages = renderBookPages(chapters);
  } catch (e) {
    if (!(e instanceof ChapterError)) throw e;
    errors.push(e.message);
  }
  for (const c of written) {
    try {
      const r = renderChapter(markdown.get(c.slug)!, { chapter: c, chapters, live: (line) => live.results.get(liveKey(c, line)), artifacts: chapterArtifacts(c, jobs, live.results), glossary });
      rendered.set(c.slug, r);
      files.set(`${c.slug}.html`, chapterPage(c, r, book));
    } catch (e) {
      if (!(e instanceof ChapterError)) throw e;
      errors.push(e.message);
    }
  }
  if (errors.length) throw new SiteBuildError(errors.join("\n\n"));
  for (const c of chapters) if (!book.written.has(c.slug)) files.set(`${c.slug}.html`, comingPage(c, book));
  const pages = BOOK_PAGES.filter((p) => bookPages.has(p));
  for (const [p, r] of bookPages) files.set(`${p.slug}.html`, bookPage(p, r, book, pages));
  files.set("index.html", indexPage(book, pages));
  files.set("404.html", notFoundPage());
  for (const path of sourceFiles(written, [...rendered.values(), ...bookPages.values()])) {
    const owner = written.find((c) => path.startsWith(`chapters/${c.slug}/`)) ?? null;
    files.set(`source/${path}.html`, sourcePage(path, readFileSync(resolve(ROOT, path), "utf8"), languageOf(path), owner));
  }

  // 3. Scripts: the site's, the search index, the playground (which must stay pure TypeScript).
  files.set("playground.html", playgroundPage(STAGES));
  files.set("assets/search-index.js", `window.__SEARCH_INDEX__ = ${JSON.stringify(searchIndex(written, rendered, bookPages))};\n`);
  const [siteJs, workerJs] = await Promise.all([bundle("site/client/site.ts"), bundle("site/playground/worker.ts")]);
  files.set("assets/site.js", siteJs);
  files.set("assets/playground.js", await bundle("site/playground/main.ts", { __PLAYGROUND_WORKER__: JSON.stringify(workerJs) }));
  files.set("assets/style.css", readFileSync(resolve(ROOT, "site/assets/style.css"), "utf8"));
  files.set("assets/icon.svg", readFileSync(resolve(ROOT, "site/assets/icon.svg"), "utf8"));

  rmSync(outDir, { recursive: true, force: true });
  for (const [name, content] of files) {
    const file = join(outDir, name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  const links = checkLinks(outDir);
  for (const p of links) log(`  broken link in ${p.page}: ${p.link} (${p.problem})`);
  return {
    outDir,
    files: [...files.keys()].sort(),
    chapters: written.map((c) => c.slug),
    runs: { total: jobs.length, hits: live.hits, misses: live.misses },
    links,
    ms: performance.now() - started,
  };
}

/** The files the chapter's live commands left for its figures; a later command's copy wins. */
function chapterArtifacts(c: ChapterInfo, jobs: readonly LiveJob[], results: LiveOutcome["results"]): ArtifactLookup {
  const found = new Map<string, string>();
  for (const j of jobs) {
    if (j.chapter !== c) continue;
    for (const [path, text] of Object.entries(results.get(liveKey(c, j.directive.line))?.artifacts ?? {})) found.set(path, text);
  }
  return (path) => found.get(path) ?? null;
}

/** Every file a chapter includes or links to, plus every module of the written chapters. */
function sourceFiles(written: readonly ChapterInfo[], rendered: readonly RenderedChapter[]): string[] {
  const out = new Set<string>();
  for (const r of rendered) for (const s of r.sources) out.add(s);
  for (const c of written) {
    for (const f of new Bun.Glob("*.ts").scanSync(resolve(ROOT, "chapters", c.slug))) out.add(`chapters/${c.slug}/${f}`);
  }
  return [...out].filter((p) => existsSync(resolve(ROOT, p))).sort();
}

const LANGUAGE_BY_EXTENSION: Record<string, string> = { ".ts": "typescript", ".js": "javascript", ".b": "brainfuck", ".s": "asm", ".c": "c", ".json": "json", ".lir": "lir", ".sh": "sh" };
const languageOf = (path: string) => LANGUAGE_BY_EXTENSION[extname(path)] ?? "text";

function searchIndex(written: readonly ChapterInfo[], rendered: ReadonlyMap<string, RenderedChapter>, bookPages: ReturnType<typeof renderBookPages>): SearchEntry[] {
  const entries: SearchEntry[] = [];
  for (const c of written) {
    const r = rendered.get(c.slug)!;
    const pageTitle = `${c.n}. ${r.title ?? c.title}`;
    for (const s of r.sections) entries.push({ href: `${c.slug}.html${s.id ? `#${s.id}` : ""}`, page: pageTitle, heading: s.heading, text: s.text });
  }
  for (const [p, r] of bookPages) {
    for (const s of r.sections) entries.push({ href: `${p.slug}.html${s.id ? `#${s.id}` : ""}`, page: p.title, heading: s.heading, text: s.text });
  }
  entries.push({
    href: "playground.html",
    page: "Playground",
    heading: "Playground",
    text: "Type a Brainfuck program and see its parse errors, LIR, optimized LIR, x86-64 machine code and output, live in the browser.",
  });
  return entries;
}
