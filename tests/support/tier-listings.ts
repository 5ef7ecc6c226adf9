// The machine code every LIR-based tier generates for a few book programs: tests/golden/tiers/TIER.txt
// holds what it was when the file was written, and tests/golden-listings.test.ts compares. A change
// to a lowering that should not change the code (a refactoring) shows up there, byte by byte. Small
// programs are kept as GNU as listings (the bytes of each instruction ride along); chapter 6's book
// programs, whose listings run to megabytes, as the size and SHA-256 of their bytes and listing.
// Regenerate (after a change that is meant to change the code): bun tests/support/tier-listings.ts
// Every listing in full, to compare by hand: bun tests/support/tier-listings.ts --full DIR
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parse } from "../../chapters/06-interpreter/parser.ts";
import { gnuListing } from "../../chapters/07-template-jit/listing.ts";
import { X86Lowering, type X86Code } from "../../chapters/08-lir/codegen-x86.ts";
import type { Lir } from "../../chapters/08-lir/lir.ts";
import { lower } from "../../chapters/08-lir/lower.ts";
import { parseLir } from "../../chapters/08-lir/parse-lir.ts";
import { optToX86, type ScanImports } from "../../chapters/09-optimizer/codegen-opt.ts";
import { optimize } from "../../chapters/09-optimizer/optimize.ts";
import { fastToX86, type Simd } from "../../chapters/10-faster-code/fast-lowering.ts";
import { fastOptimize } from "../../chapters/10-faster-code/jit.ts";
import { loopToX86 } from "../../chapters/11-tiering/loop-codegen.ts";
import { loopUnit, optimizeLoop, provedAtLoopHeads } from "../../chapters/11-tiering/loop-entry.ts";

export const GOLDEN_TIERS_DIR = resolve(import.meta.dir, "../golden/tiers");
const ROOT = resolve(import.meta.dir, "../..");

/** Fixed addresses, so that the bytes of a call do not depend on where libc is. */
const IMPORTS: ScanImports = { write: 0x7f00_0000_1000, read: 0x7f00_0000_2000, memchr: 0x7f00_0000_3000, memrchr: 0x7f00_0000_4000 };

/** Small programs for what the book programs may not have: scans of each stride, guards, input. */
const SNIPPETS: Record<string, string> = {
  "scans": "+>+>+>>+<<<<[>]+[<]>>>>[>>]+<<[<<]++[>>>]<<<[<<<]",
  "multiply": "++++[->++>---<<]>[->+<]>>+[-<+>>+<]<[->>>+<<<]",
  "copy-loop": "+++[>+++[>++<-]<-]>>.",
  "echo": ",[.,]",
  "left-walk": ">>>+[<+<-]<<[-]",
};

interface Source {
  readonly name: string;
  readonly lir: Lir;
  /** Brainfuck (its lowering can be optimized), not hand-written LIR. */
  readonly bf: boolean;
  /** Too big to keep in full: kept as hashes. */
  readonly big: boolean;
}

function sources(): Source[] {
  const out: Source[] = [];
  const progs = resolve(ROOT, "chapters/06-interpreter/programs");
  for (const f of readdirSync(progs).filter((f) => f.endsWith(".b")).sort()) {
    out.push({ name: f, lir: lower(parse(readFileSync(resolve(progs, f), "utf8"))), bf: true, big: true });
  }
  const examples = resolve(ROOT, "chapters/08-lir/examples");
  for (const f of readdirSync(examples).sort()) {
    const text = readFileSync(resolve(examples, f), "utf8");
    if (f.endsWith(".b")) out.push({ name: f, lir: lower(parse(text)), bf: true, big: false });
    else if (f === "walk.lir") out.push({ name: f, lir: parseLir(text), bf: false, big: false }); // unchecked.lir does not verify
  }
  for (const [name, text] of Object.entries(SNIPPETS)) out.push({ name, lir: lower(parse(text)), bf: true, big: false });
  return out;
}

/** Each tier: the code it makes of one source (null: the tier does not take that source). */
const TIERS: Record<string, (s: Source) => X86Code | X86Code[] | null> = {
  "lir": (s) => new X86Lowering(IMPORTS).generate(s.lir),
  "lir-of-optimized": (s) => (s.bf ? new X86Lowering(IMPORTS).generate(optimize(s.lir).lir) : null),
  "opt": (s) => (s.bf ? optToX86(optimize(s.lir).lir, IMPORTS) : null),
  ...Object.fromEntries(
    (["sse2", "avx2", "libc"] as const satisfies readonly Simd[]).map((simd) => [`fast-${simd}`, (s: Source) => (s.bf ? fastToX86(fastOptimize(s.lir), IMPORTS, { simd }) : null)]),
  ),
  "fast-unaligned-noregs": (s) => (s.bf ? fastToX86(fastOptimize(s.lir), IMPORTS, { simd: "sse2", registers: false, loopAlign: 1, blockChecks: false }) : null),
  "fast-unchecked": (s) => (s.bf ? fastToX86(fastOptimize(s.lir), IMPORTS, { simd: "avx2", unchecked: true }) : null),
  "loop-units": (s) => {
    if (!s.bf) return null;
    const proved = provedAtLoopHeads(s.lir);
    return [...proved].slice(0, 6).map(([loop, range]) => loopToX86(optimizeLoop(loopUnit(loop, range, s.lir.lines)), IMPORTS));
  },
};

export const GOLDEN_TIER_NAMES: readonly string[] = Object.keys(TIERS);

const sha256 = (data: string | Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** The listing file of one tier: every source, one after another (`full`: big ones too, in full). */
export function tierListings(tier: string, full = false): string {
  const make = TIERS[tier];
  if (!make) throw new Error(`no tier '${tier}': the tiers are ${GOLDEN_TIER_NAMES.join(", ")}`);
  const parts: string[] = [];
  for (const s of sources()) {
    const code = make(s);
    if (code === null) continue;
    const codes = Array.isArray(code) ? code : [code];
    codes.forEach((c, i) => {
      const title = `## ${s.name}${codes.length > 1 ? ` #${i + 1}` : ""}`;
      const listing = gnuListing(c.asm);
      if (!s.big || full) return parts.push(`${title}\n${listing}\n`);
      const bytes = Uint8Array.from(c.asm.listing.flatMap((e) => [...e.bytes]));
      parts.push(`${title}: ${bytes.length} bytes, sha256 ${sha256(bytes)}; listing sha256 ${sha256(listing)}\n`);
    });
  }
  return parts.join("\n");
}

export const goldenFile = (tier: string): string => resolve(GOLDEN_TIERS_DIR, `${tier}.txt`);

if (import.meta.main) {
  const at = process.argv.indexOf("--full");
  const dir = at < 0 ? null : process.argv[at + 1];
  if (dir === undefined) throw new Error("--full needs a directory to write the listings to");
  if (dir !== null) mkdirSync(dir, { recursive: true });
  for (const tier of GOLDEN_TIER_NAMES) {
    const text = tierListings(tier, dir !== null);
    const file = dir === null ? goldenFile(tier) : resolve(dir, `${tier}.txt`);
    writeFileSync(file, text);
    console.log(`${basename(file)}: ${text.split("\n").length} lines`);
  }
}
