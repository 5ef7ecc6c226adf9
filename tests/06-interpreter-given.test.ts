// Chapter 6, what the workbook gives the reader: the test helpers every later tier is tested with
// (tests/support/bf-*.ts). They are not chapter code, so they pass against the chapter's stubs.
import { describe, expect, test } from "bun:test";
import { benchPrograms } from "./support/bf-programs.ts";
import { randomCase, Rng } from "./support/bf-random.ts";

describe("the conformance set", () => {
  test("without the conformance set, benchPrograms says why, and where it looked", () => {
    const missing = benchPrograms("/nonexistent/shared/bf");
    expect(missing.programs).toEqual([]);
    expect(missing.skipReason).toEndWith(
      "nonexistent/shared/bf/bench not found: the conformance set is provided beside the checkout in the book's repository; skipping",
    );
  });
});

describe("random programs", () => {
  test("the generator is deterministic: a seed always gives the same program", () => {
    expect(randomCase(42)).toEqual(randomCase(42));
    expect(randomCase(42).source).not.toBe(randomCase(43).source);
    const rng = new Rng(7);
    const draws = Array.from({ length: 1000 }, () => rng.int(1, 6));
    expect(new Set(draws)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });
});
