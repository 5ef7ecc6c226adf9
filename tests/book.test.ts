// The book as a whole: every directive in every chapter's README resolves, and every chapter that
// exists has the anatomy BOOK.md promises.
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CHAPTERS } from "../shared/chapters.ts";
import { ROOT } from "../shared/child.ts";
import { FIGURE_REF, parseDirectives, parseFigures, resolveInclude, runDirective, runFailure, type RunDirective } from "../shared/directives.ts";

const count = (text: string, needle: string) => text.split(needle).length - 1;
const written = CHAPTERS.filter((c) => existsSync(resolve(ROOT, "chapters", c.slug, "README.md")));

for (const c of written) {
  describe(`chapter ${c.n} (${c.slug})`, () => {
    const readme = readFileSync(resolve(ROOT, "chapters", c.slug, "README.md"), "utf8");
    const directives = parseDirectives(readme);

    test("has a main.ts, a test file, and ends with challenges", () => {
      expect(existsSync(resolve(ROOT, "chapters", c.slug, "main.ts"))).toBe(true);
      expect(readme).toMatch(/^## Challenges/m);
    });

    test("closes with a summary and further reading before its challenges, and an answer to each challenge", () => {
      const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(headings.slice(-3)).toEqual(["Summary", "Further reading", "Challenges"]);
      const challenges = readme.slice(readme.indexOf("\n## Challenges\n"));
      const asked = [...challenges.matchAll(/^(\d+)\. \*\*/gm)].map((m) => Number(m[1]));
      const answered = [...challenges.matchAll(/^<summary>Answer (\d+): /gm)].map((m) => Number(m[1]));
      expect(answered).toEqual(asked);
      expect(count(challenges, '<details class="answer">')).toBe(answered.length);
      expect(count(challenges, "<details")).toBe(count(challenges, "</details>"));
    });

    test("includes real source and shows live results", () => {
      expect(directives.some((d) => d.kind === "include")).toBe(true);
      expect(directives.some((d) => d.kind === "run")).toBe(true);
    });

    for (const d of directives.filter((d) => d.kind === "include")) {
      test(`include ${d.path}${d.region ? "#" + d.region : ""} (README line ${d.line}) resolves`, () => {
        expect(resolveInclude(d.path, d.region).text.length).toBeGreaterThan(0);
      });
    }

    const figures = new Map<string, Record<string, string>>();
    for (const d of directives.filter((d): d is RunDirective => d.kind === "run")) {
      test(`run \`${d.command}\` (README line ${d.line}) exits ${d.expectExit}`, async () => {
        const r = await runDirective(d);
        expect(runFailure(d, r)).toBeNull();
        if (d.figures !== null) figures.set(d.figures, parseFigures(r.stdout, d.command));
      }, d.timeoutMs + 5_000);
    }

    test("every figure the prose quotes ({{name.key}}) is one a figures run prints", () => {
      const quoted = [...readme.matchAll(FIGURE_REF)].map((m) => m[0]);
      const missing = quoted.filter((q) => {
        const [name, key] = q.slice(2, -2).split(".") as [string, string];
        return figures.get(name)?.[key] === undefined;
      });
      expect(missing).toEqual([]);
    });
  });
}

test("the book has its table of contents", () => {
  expect(CHAPTERS.map((c) => c.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
});
