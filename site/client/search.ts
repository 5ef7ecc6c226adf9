// Search over the book, in the browser. The builder writes one entry per section of every chapter;
// a query matches the sections that contain every word of it, best first: words in a heading count
// most, then whole-word matches in the prose, then how often the words occur.
import { escapeHtml } from "../html.ts";

export interface SearchEntry {
  /** Relative to the site root: "04-encoder.html#the-rex-prefix". */
  readonly href: string;
  /** The page: "4. An x86-64 encoder". */
  readonly page: string;
  readonly heading: string;
  readonly text: string;
}

export interface SearchHit {
  readonly entry: SearchEntry;
  readonly score: number;
  /** HTML: a window of the text around the first match, matches in <mark>. */
  readonly snippet: string;
}

export function queryTerms(query: string): string[] {
  return [...new Set(query.toLowerCase().split(/[^\p{L}\p{N}_^$@#.+-]+/u).map((t) => t.replace(/^[.+-]+|[.+-]+$/g, "")).filter((t) => t.length > 0))];
}

export function search(index: readonly SearchEntry[], query: string, limit = 8): SearchHit[] {
  const terms = queryTerms(query);
  if (terms.length === 0) return [];
  const hits: SearchHit[] = [];
  for (const entry of index) {
    const heading = entry.heading.toLowerCase();
    const page = entry.page.toLowerCase();
    const text = entry.text.toLowerCase();
    let score = 0;
    let all = true;
    for (const t of terms) {
      const inHeading = heading.includes(t);
      const inPage = page.includes(t);
      const count = occurrences(text, t);
      if (!inHeading && !inPage && count === 0) {
        all = false;
        break;
      }
      score += (inHeading ? 10 : 0) + (inPage ? 4 : 0) + Math.min(count, 5) + (wholeWord(text, t) ? 3 : 0);
    }
    if (all) hits.push({ entry, score, snippet: snippet(entry.text, terms) });
  }
  return hits.sort((a, b) => b.score - a.score).slice(0, limit);
}

function occurrences(text: string, term: string): number {
  let n = 0;
  for (let i = text.indexOf(term); i >= 0; i = text.indexOf(term, i + term.length)) n++;
  return n;
}

function wholeWord(text: string, term: string): boolean {
  return new RegExp(`(?:^|[^\\p{L}\\p{N}_])${escapeRegExp(term)}(?:$|[^\\p{L}\\p{N}_])`, "u").test(text);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** About 160 characters of `text` around the first term found, with every term marked. */
export function snippet(text: string, terms: readonly string[], width = 160): string {
  const lower = text.toLowerCase();
  const first = Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0), text.length);
  const start = first === text.length ? 0 : Math.max(0, first - Math.floor(width / 3));
  const end = Math.min(text.length, start + width);
  const window = (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  const pattern = new RegExp(`(${terms.map(escapeRegExp).join("|")})`, "gi");
  return window
    .split(pattern)
    .map((part, i) => (i % 2 === 1 ? `<mark>${escapeHtml(part)}</mark>` : escapeHtml(part)))
    .join("");
}
