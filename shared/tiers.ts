// Every tier of the book so far, in its order, for the bench, the fuzzer and the test harness. From
// chapter 9 on it is chapter 9's tier registry, with each chapter's tiers.ts loaded through the table
// of contents (shared/chapters.ts), so that a copy of the book cut after chapter N has chapters 1..N's
// tiers and needs no later file. Before chapter 9 there is no registry: the tiers are chapters 7 and
// 8's NativeTiers, as chapter 9 registers them.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { CHAPTERS } from "./chapters.ts";

/** One tier, as chapter 9's registry describes it (its TierEntry). */
export interface TierEntry {
  readonly name: string;
  readonly label: string;
  readonly title: string;
  /** The main.ts (from the repository root) that runs it, and its --tier there (null: the main's own); null: no command runs it alone. */
  readonly command: { readonly main: string; readonly tier: string | null } | null;
  /** Its NativeTier: the module (from the repository root) and the export; null when it is not one. */
  readonly native: { readonly module: string; readonly export: string } | null;
}

/** What the shared tools call of chapter 9's tiers.ts. */
interface Registry {
  registeredTiers(): readonly TierEntry[];
  commandTiers(): readonly TierEntry[];
}

const ROOT = resolve(import.meta.dir, "..");
const REGISTRY_CHAPTER = 9;

/** Chapters 7 and 8's tiers, for a copy of the book that ends before the registry. */
const BEFORE_REGISTRY: readonly (TierEntry & { readonly chapter: number })[] = [
  { chapter: 7, name: "template", label: "template JIT", title: "template JIT (chapter 7)", command: { main: "chapters/07-template-jit/main.ts", tier: null }, native: { module: "chapters/07-template-jit/template-jit.ts", export: "templateJit" } },
  { chapter: 8, name: "lir", label: "LIR JIT", title: "LIR JIT, no passes (chapter 8)", command: { main: "chapters/08-lir/main.ts", tier: null }, native: { module: "chapters/08-lir/lir-jit.ts", export: "lirJit" } },
];

async function load(): Promise<Registry | null> {
  let registry: Registry | null = null;
  for (const c of CHAPTERS) {
    if (c.n < REGISTRY_CHAPTER) continue;
    const path = join(ROOT, "chapters", c.slug, "tiers.ts");
    // A computed path: the copy's type-check and its plan see no import of a chapter it leaves out.
    if (existsSync(path)) {
      const m = (await import(path)) as Registry;
      if (c.n === REGISTRY_CHAPTER) registry = m;
    }
  }
  return registry;
}

const registry = await load();
const early = (): TierEntry[] => BEFORE_REGISTRY.filter((t) => CHAPTERS.some((c) => c.n === t.chapter)).map(({ chapter: _, ...t }) => t);

/** Every tier, in the book's order. */
export function registeredTiers(): readonly TierEntry[] {
  return registry === null ? early() : registry.registeredTiers();
}

/** The tiers a command line can name: those a main.ts runs. */
export function commandTiers(): readonly TierEntry[] {
  return registry === null ? early() : registry.commandTiers();
}
