// The two directives a chapter's README.md may contain, shared by the site builder and the tests.
//
//   ```include                      a named region of a real source file (or the whole file)
//   chapters/01-pages/libc.ts#errno
//   ```
//
//   ```run exit=1 timeout=60000     a live result: the command runs at build time, from the repo root
//   bun chapters/01-pages/main.ts
//   ```
//
//   ```run beside                   a live result shown in a column beside the run block just before it
//   bun chapters/15-second-backend/main.ts -e "+." --emit=asm
//   ```
//
//   ```run figures=interp           figures for the prose: the command prints one JSON object, and the
//   bun chapters/06-interpreter/figures.ts      prose quotes its values as {{interp.mandelbrot}}
//   ```
//
// Regions are marked in sources with `// #region name` and `// #endregion` (editors fold them too).
import MarkdownIt from "markdown-it";
import { existsSync, readFileSync } from "node:fs";
import { extname, resolve } from "node:path";
import { ROOT, runChild, runChildSync, type ChildResult } from "./child.ts";

export class DirectiveError extends Error {
  override name = "DirectiveError";
}

export interface IncludeDirective {
  readonly kind: "include";
  /** Line of the fence in the README (1-based). */
  readonly line: number;
  readonly path: string;
  readonly region: string | null;
}

export interface RunDirective {
  readonly kind: "run";
  readonly line: number;
  readonly command: string;
  readonly expectExit: number;
  readonly timeoutMs: number;
  /** For a run that prints figures (a JSON object) for the prose to quote: their name, else null. */
  readonly figures: string | null;
  /** Whether the site shows it beside the run block just before it (two listings compared), not below. */
  readonly beside: boolean;
}

export type Directive = IncludeDirective | RunDirective;

const md = new MarkdownIt();

/** Every directive in a markdown document, in order. */
export function parseDirectives(markdown: string): Directive[] {
  const out: Directive[] = [];
  for (const token of md.parse(markdown, {})) {
    if (token.type !== "fence") continue;
    const d = directiveOf(token.info, token.content, (token.map?.[0] ?? 0) + 1);
    if (d) out.push(d);
  }
  return out;
}

/** The directive a fence stands for, or null for an ordinary code block. */
export function directiveOf(info: string, content: string, line: number): Directive | null {
  const [name, ...options] = info.trim().split(/\s+/);
  const body = content.trim();
  if (name === "include") {
    const [path, region = null] = body.split("#");
    if (!path) throw new DirectiveError(`line ${line}: an include block needs a path, e.g. chapters/01-pages/libc.ts#errno`);
    return { kind: "include", line, path, region };
  }
  if (name === "run") {
    if (!body || body.includes("\n")) throw new DirectiveError(`line ${line}: a run block holds exactly one command line`);
    const opts = parseOptions(options, line);
    return { kind: "run", line, command: body, expectExit: opts.exit ?? 0, timeoutMs: opts.timeout ?? 60_000, figures: opts.figures ?? null, beside: opts.beside ?? false };
  }
  return null;
}

function parseOptions(options: string[], line: number): { exit?: number; timeout?: number; figures?: string; beside?: boolean } {
  const out: { exit?: number; timeout?: number; figures?: string; beside?: boolean } = {};
  for (const o of options) {
    if (o === "beside") {
      out.beside = true;
      continue;
    }
    const m = /^(exit|timeout)=(\d+)$/.exec(o);
    const f = /^figures=([a-z][a-z0-9-]*)$/.exec(o);
    if (m) out[m[1] as "exit" | "timeout"] = Number(m[2]);
    else if (f) out.figures = f[1]!;
    else throw new DirectiveError(`line ${line}: unknown run option '${o}' (known: exit=N, timeout=MS, figures=NAME, beside)`);
  }
  return out;
}

// #region figures
/** A figure the prose quotes: `{{name.key}}`. */
export const FIGURE_REF = /\{\{([a-z][a-z0-9-]*)\.([A-Za-z0-9_-]+)\}\}/g;

/** The figures a `figures=` run printed: one JSON object of strings and numbers. */
export function parseFigures(stdout: string, command: string): Record<string, string> {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch (e) {
    throw new DirectiveError(`run \`${command}\` should print one JSON object of figures: ${(e as Error).message}`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new DirectiveError(`run \`${command}\` printed JSON that is not an object of figures`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== "string" && typeof v !== "number") throw new DirectiveError(`run \`${command}\`: figure ${k} is ${JSON.stringify(v)}, not a string or a number`);
    out[k] = String(v);
  }
  return out;
}
// #endregion

export interface IncludedSource {
  readonly path: string;
  readonly region: string | null;
  readonly text: string;
  /** First and last line of the region in the file (1-based, inclusive). */
  readonly startLine: number;
  readonly endLine: number;
  readonly language: string;
}

const REGION = /^\s*\/\/\s*#region\s+(\S+)\s*$/;
const END_REGION = /^\s*\/\/\s*#endregion\b/;

/** The text of an include directive: the region's lines, markers removed, common indent stripped. */
export function resolveInclude(path: string, region: string | null): IncludedSource {
  const file = resolve(ROOT, path);
  if (!existsSync(file)) throw new DirectiveError(`include: ${path} does not exist`);
  const lines = readFileSync(file, "utf8").replace(/\n$/, "").split("\n");
  let start = 0;
  let end = lines.length;
  if (region !== null) {
    start = lines.findIndex((l) => REGION.exec(l)?.[1] === region);
    if (start < 0) throw new DirectiveError(`include: ${path} has no region '${region}' (mark it with // #region ${region})`);
    let depth = 0;
    end = -1;
    for (let i = start; i < lines.length; i++) {
      if (REGION.test(lines[i]!)) depth++;
      else if (END_REGION.test(lines[i]!) && --depth === 0) {
        end = i;
        break;
      }
    }
    if (end < 0) throw new DirectiveError(`include: region '${region}' in ${path} has no // #endregion`);
    start += 1;
  }
  const body = lines.slice(start, end).filter((l) => !REGION.test(l) && !END_REGION.test(l));
  if (body.every((l) => l.trim() === "")) throw new DirectiveError(`include: ${path}#${region} is empty`);
  const indent = Math.min(...body.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return {
    path,
    region,
    text: body.map((l) => l.slice(indent)).join("\n"),
    startLine: start + 1,
    endLine: end,
    language: LANGUAGES[extname(path)] ?? "text",
  };
}

const LANGUAGES: Record<string, string> = { ".ts": "typescript", ".js": "javascript", ".b": "brainfuck", ".s": "asm", ".c": "c", ".json": "json", ".lir": "lir" };

/** The argv a run directive's command line stands for. */
export function commandArgv(command: string): string[] {
  const words = [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
  if (words[0] === "bun") return [process.execPath, ...words.slice(1)];
  if (words[0] === "npx" && words[1] === "tsx") return [resolve(ROOT, "node_modules/.bin/tsx"), ...words.slice(2)];
  if (words[0] === "npx" && words[1] === "bun") return [process.execPath, ...words.slice(2)];
  return words;
}

// Live results are for reading: no breadcrumbs, no colour, and no coverage instrumentation (which
// would slow every command of the book several times over when a test builds the site).
const RUN_ENV = { JIT_TRACE: "0", NO_COLOR: "1", NYC_BUN: "0" };

export function runDirective(d: RunDirective, env: Readonly<Record<string, string>> = {}): Promise<ChildResult> {
  return runChild(commandArgv(d.command), { timeoutMs: d.timeoutMs, env: { ...RUN_ENV, ...env } });
}

export function runDirectiveSync(d: RunDirective): ChildResult {
  return runChildSync(commandArgv(d.command), { timeoutMs: d.timeoutMs, env: RUN_ENV });
}

/** Why a run directive's result is not what the chapter promises, or null when it is. */
export function runFailure(d: RunDirective, r: ChildResult): string | null {
  if (r.exitCode === d.expectExit) return null;
  const how = r.signal ? `was killed by ${r.signal}${r.diagnosis ? ` (${r.diagnosis})` : ""}` : `exited with ${r.exitCode}`;
  return `run: \`${d.command}\` ${how}, expected exit ${d.expectExit}\n${r.stderr.trim()}`;
}
