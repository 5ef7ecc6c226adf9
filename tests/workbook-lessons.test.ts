// Every chapter asks the reader for its core: a workbook fence in its README, a handful of functions
// in the order the prose builds them; the rest of the chapter is given. (That each entry names a real
// function is generate.ts's check, and a real heading the site's.)
import { expect, test } from "bun:test";
import { CHAPTERS } from "../shared/chapters.ts";
import { lessonsOf } from "../shared/workbook/lessons.ts";
import { ROOT } from "../shared/workbook/layout.ts";

test.each(CHAPTERS.map((c) => [c.n, c.slug] as const))("chapter %i lists its lessons, at most 17 of them", (n, slug) => {
  const lessons = lessonsOf(ROOT, slug);
  expect(lessons).not.toBeNull();
  expect(lessons!.length).toBeGreaterThanOrEqual(n === 1 ? 1 : 8);
  expect(lessons!.length).toBeLessThanOrEqual(n === 1 ? 12 : 17);
  // No function asked for twice.
  expect(new Set(lessons!.map((l) => `${l.file} ${l.label}`)).size).toBe(lessons!.length);
});
