// Chapter 6, what the workbook gives the reader: the test helpers every later tier is tested with
// (tests/support/bf-*.ts). They are not chapter code, so they pass against the chapter's stubs.
import { describe, expect, test } from "bun:test";
import { CLASSIC_NOTE } from "../shared/programs.ts";
import { benchPrograms, withClassicDir } from "./support/bf-programs.ts";
import { randomCase, Rng } from "./support/bf-random.ts";

describe("the classic programs", () => {
  test("without the classic programs, benchPrograms says why, where it looked, and how to get them", () => {
    const missing = withClassicDir("/nonexistent/classic", benchPrograms);
    expect(missing.programs).toEqual([]);
    expect(missing.skipReason).toBe(`${CLASSIC_NOTE} (looked in /nonexistent/classic); skipping`);
    expect(missing.skipReason).toContain("npm run programs -- fetch");
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
