// A built site is checked like a reader would use it, offline: every relative link and asset must
// point at a file the build wrote (and at an id on that page, for a #fragment), and nothing may be
// loaded from another host.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

export interface LinkProblem {
  readonly page: string;
  readonly link: string;
  readonly problem: string;
}

const TAG = /<([a-zA-Z][\w-]*)(\s[^>]*)?>/g;
const ATTR = /\s(href|src|srcset|action|poster|data)\s*=\s*"([^"]*)"/g;
const CSS_URL = /url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]/g;
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:)?\/\//i;

/** Every page and stylesheet under `dir`, relative to it. */
export function siteFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const e of readdirSync(join(dir, d), { withFileTypes: true })) {
      const p = d ? `${d}/${e.name}` : e.name;
      if (e.isDirectory()) visit(p);
      else out.push(p);
    }
  };
  visit("");
  return out.sort();
}

/** The ids a page defines, for checking #fragments. */
function idsOf(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!));
}

/** Broken internal links and remote loads in the site built in `dir`. */
export function checkLinks(dir: string): LinkProblem[] {
  const problems: LinkProblem[] = [];
  const ids = new Map<string, Set<string>>();
  const idsFor = (file: string) => {
    let s = ids.get(file);
    if (!s) ids.set(file, (s = idsOf(readFileSync(join(dir, file), "utf8"))));
    return s;
  };
  for (const page of siteFiles(dir)) {
    const isHtml = page.endsWith(".html");
    if (!isHtml && !page.endsWith(".css")) continue;
    const text = readFileSync(join(dir, page), "utf8");
    const refs: { tag: string; url: string }[] = [];
    if (isHtml) {
      // Only markup: the text of inline scripts is not links.
      const markup = text.replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, (s) => s.slice(0, s.indexOf(">") + 1));
      for (const tag of markup.matchAll(TAG)) for (const m of (tag[2] ?? "").matchAll(ATTR)) refs.push({ tag: tag[1]!.toLowerCase(), url: m[2]! });
    }
    for (const m of text.matchAll(CSS_URL)) refs.push({ tag: "css", url: (m[1] ?? m[2])! });
    for (const { tag, url } of refs) {
      const p = checkOne(dir, page, tag, url.replace(/&amp;/g, "&"), idsFor);
      if (p) problems.push({ page, link: url, problem: p });
    }
  }
  return problems;
}

function checkOne(dir: string, page: string, tag: string, url: string, idsFor: (file: string) => Set<string>): string | null {
  if (REMOTE.test(url)) {
    // A plain link to another site is fine (following it is the reader's choice); loading from one is not.
    return tag === "a" ? null : "loads a resource from another host: the site must work offline";
  }
  if (/^(?:mailto|data|javascript|blob):/i.test(url) || url === "") return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) return `unexpected URL scheme`;
  if (url.startsWith("/")) return "an absolute path: it breaks when the site is opened from disk; use a relative link";
  const [pathPart, fragment] = url.split("#", 2) as [string, string | undefined];
  const target = pathPart === "" ? page : relative(dir, resolve(dir, dirname(page), decodeURIComponent(pathPart.split("?")[0]!)));
  if (target.startsWith("..")) return "points outside the site";
  if (!existsSync(join(dir, target))) return `no such file in the site (${target})`;
  if (fragment && target.endsWith(".html") && !idsFor(target).has(decodeURIComponent(fragment))) return `${target} has no id "${fragment}"`;
  return null;
}
