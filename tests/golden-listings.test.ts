// Every LIR-based tier's machine code for a few book programs, against the listings in
// tests/golden/tiers/ (regenerate: bun tests/support/tier-listings.ts).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { GOLDEN_TIER_NAMES, goldenFile, tierListings } from "./support/tier-listings.ts";

describe("the code of every tier is what the golden listings say", () => {
  for (const tier of GOLDEN_TIER_NAMES) {
    test(tier, () => {
      expect(tierListings(tier)).toBe(readFileSync(goldenFile(tier), "utf8"));
    }, 120_000); // compiles every program of the book, several times over
  }
});
