// What each chapter introduces, so that a test can hold "a chapter only adds": no earlier chapter's
// code (comments included) or prose names what a later chapter brings.
//
// The manifest is a table here rather than a fence in each README: the rule compares chapters with
// one another, so the whole order reads best in one place; a README fence would also show on the
// site as a code block. Exported identifiers are not listed: exportedNames collects them from the
// chapters' .ts files, and the first chapter that exports a name introduces it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export interface Introduces {
  /** LIR op kinds, matched as string literals ("muladd"). */
  readonly ops?: readonly string[];
  /** Status names, exact (OUT_OF_FUEL). */
  readonly statuses?: readonly string[];
  /** Identifiers the chapter owns though an earlier chapter exports them today, exact. */
  readonly identifiers?: readonly string[];
  /** Concept words, case-insensitive, whole words; a trailing * also matches longer words (hoist*). */
  readonly concepts?: readonly string[];
}

// #region manifest
// Concept words name what a chapter teaches, not every word it uses: libc's memchr is chapter 5's to
// call, the encoder (chapter 4) encodes cpuid and SSE2 for whoever needs them, and a child process's
// timeout is the harness's (shared/child.ts); chapter 12's time limit is its TIMEOUT status.
export const INTRODUCES: Readonly<Record<number, Introduces>> = {
  3: { concepts: ["W^X", "dual mapping", "memfd"] },
  4: { concepts: ["ModRM", "REX", "VEX"] },
  5: { concepts: ["fixup*", "ABI harness"] },
  6: { concepts: ["interpreter"] },
  7: { concepts: ["template JIT", "context block", "guard page*", "status table"] },
  8: { concepts: ["LIR", "lowering"] },
  9: {
    ops: ["muladd", "scan", "guard"],
    identifiers: ["MulAddOp", "ScanOp", "GuardOp"],
    concepts: ["muladd*", "optimizer", "pass manager", "offset folding", "multiply loop*", "clear loop*", "hoist*"],
  },
  10: { identifiers: ["startCommand"], concepts: ["register loop*", "cells in registers", "cells into registers", "linear loop*", "scalar evolution", "perf map", "bundle*"] },
  11: { concepts: ["OSR", "on-stack replacement", "loop entry", "tier-up", "tier up", "tiering", "tiered", "hot loop*", "back edge*", "Futamura"] },
  12: {
    statuses: ["OUT_OF_FUEL", "TIMEOUT"],
    concepts: ["fuel*", "deadline*", "watchdog*", "time limit*", "wall-clock limit*", "hostile", "nesting limit"],
  },
  13: { concepts: ["wasm", "WebAssembly", "LEB128", "wabt"] },
  14: { concepts: ["bitmask immediate*", "logical immediate*"] },
  15: { concepts: ["rule table*", "far branch*"] },
};
// #endregion manifest

export interface Name {
  /** The chapter that introduces it. */
  readonly chapter: number;
  readonly name: string;
  readonly kind: "op" | "status" | "identifier" | "export" | "concept";
  /** Matches the name where it occurs in a file. */
  readonly pattern: RegExp;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
// A word boundary that also holds next to ^ or - (W^X, tier-up): a name's ends are not letters,
// digits or _ on the outside.
const bounded = (body: string, prefix: boolean) => `(?<![\\w])${body}${prefix ? "" : "(?![\\w])"}`;

function conceptPattern(word: string): RegExp {
  const prefix = word.endsWith("*");
  const body = escape(prefix ? word.slice(0, -1) : word).replace(/\\?[ -]/g, (s) => (s.trim() === "" ? "[\\s-]+" : s));
  return new RegExp(bounded(body, prefix), "i");
}

/** The chapter folders under `root`/chapters, by number. */
export function chapterFolders(root: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const e of readdirSync(join(root, "chapters"), { withFileTypes: true })) {
    const m = /^(\d\d)-/.exec(e.name);
    if (e.isDirectory() && m) out.set(Number(m[1]), join(root, "chapters", e.name));
  }
  return out;
}

/** Every .ts file under `dir`, sub-folders included. */
export function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...tsFiles(p));
    else if (e.name.endsWith(".ts")) out.push(p);
  }
  return out.sort();
}

/** The names a module exports by declaration or by an export list (re-exports under a new name included). */
export function exportedNames(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(/^export\s+(?:declare\s+)?(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|var|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm)) {
    names.add(m[1]!);
  }
  for (const m of source.matchAll(/^export\s+(?:type\s+)?\{([^}]*)\}/gm)) {
    for (const part of m[1]!.split(",")) {
      const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/).pop()!.trim();
      if (/^[A-Za-z_$][\w$]*$/.test(name)) names.add(name);
    }
  }
  return [...names];
}

/**
 * A name made of parts (compileMs, GuardOp, OUT_OF_FUEL): one a chapter coins. A plain word (name,
 * written, Machine) is English first, and a later chapter exporting it does not make it theirs.
 */
export function isCompound(id: string): boolean {
  return /[a-z0-9][A-Z]/.test(id) || /[A-Za-z0-9]_[A-Za-z0-9]/.test(id);
}

/** Every name the chapters under `root` introduce: the manifest's, and each exported identifier at the first chapter that exports it. */
export function introducedNames(root: string, manifest: Readonly<Record<number, Introduces>> = INTRODUCES): Name[] {
  const names: Name[] = [];
  const owned = new Set<string>();
  for (const [n, intro] of Object.entries(manifest)) {
    const chapter = Number(n);
    for (const op of intro.ops ?? []) names.push({ chapter, name: op, kind: "op", pattern: new RegExp(`["'\`]${escape(op)}["'\`]`) });
    for (const s of intro.statuses ?? []) names.push({ chapter, name: s, kind: "status", pattern: new RegExp(bounded(escape(s), false)) });
    for (const id of intro.identifiers ?? []) {
      owned.add(id);
      names.push({ chapter, name: id, kind: "identifier", pattern: new RegExp(bounded(escape(id), false)) });
    }
    for (const c of intro.concepts ?? []) names.push({ chapter, name: c, kind: "concept", pattern: conceptPattern(c) });
  }
  const seen = new Set<string>(owned);
  for (const [chapter, dir] of [...chapterFolders(root)].sort((a, b) => a[0] - b[0])) {
    for (const file of tsFiles(dir)) {
      for (const id of exportedNames(readFileSync(file, "utf8"))) {
        if (seen.has(id)) continue;
        seen.add(id);
        if (!isCompound(id)) continue;
        names.push({ chapter, name: id, kind: "export", pattern: new RegExp(bounded(escape(id), false)) });
      }
    }
  }
  return names;
}

/** Whether `source` declares `name` (a binding, a type, a field): then the name is the code's own. */
export function declares(source: string, name: string): boolean {
  const id = escape(name);
  return new RegExp(`\\b(?:const|let|var|function|class|interface|type|enum|readonly)\\s+${id}\\b|^\\s*${id}\\??\\s*:`, "m").test(source);
}

export interface Violation {
  /** The earlier chapter's file, relative to the root. */
  readonly file: string;
  readonly name: string;
  readonly chapter: number;
  readonly kind: Name["kind"];
  /** 1-based line of the first occurrence. */
  readonly line: number;
}

/** Each (file, name) where a chapter's code names what a later chapter introduces. */
export function violations(root: string, names: readonly Name[] = introducedNames(root)): Violation[] {
  const out: Violation[] = [];
  // The code of this chapter and the earlier ones: a name declared there (a field, a binding) is theirs.
  let sofar = "";
  for (const [chapter, dir] of [...chapterFolders(root)].sort((a, b) => a[0] - b[0])) {
    const later = names.filter((n) => n.chapter > chapter);
    const files = tsFiles(dir);
    sofar += files.map((f) => readFileSync(f, "utf8")).join("\n");
    const own = new Set(later.filter((n) => n.kind === "export" && declares(sofar, n.name)).map((n) => n.name));
    // The prose too: a chapter's README is the chapter as much as its code is.
    const readme = join(dir, "README.md");
    for (const file of existsSync(readme) ? [...files, readme] : files) {
      const source = readFileSync(file, "utf8");
      const lines = source.split("\n");
      for (const n of later) {
        if (n.kind === "export" && own.has(n.name)) continue;
        const i = lines.findIndex((l) => n.pattern.test(l));
        if (i >= 0) out.push({ file: relative(root, file), name: n.name, chapter: n.chapter, kind: n.kind, line: i + 1 });
      }
    }
  }
  return out;
}
