// The memory benchmark runs end to end on a tiny program and prints its table; no time or memory is
// asserted (those are for reading), only the table's shape. And every main that runs the passes
// installs Bun's collector.
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CHAPTERS } from "../shared/chapters.ts";
import { ROOT, runBun } from "../shared/child.ts";
import { importsOf } from "../shared/truncate.ts";
import { loopsProgram, oneLoopProgram, straightProgram } from "../shared/memory-bench.ts";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";

test("the generated programs have the size asked for and parse", () => {
  const s = straightProgram(5000);
  expect(s.length).toBe(5000);
  expect(parse(s).length).toBe(5000);
  const l = loopsProgram(5000);
  expect(l.length).toBeGreaterThanOrEqual(5000);
  expect(parse(l).commands).toContain("[");
  const one = parse(oneLoopProgram(5000));
  expect(one.source.length).toBeGreaterThanOrEqual(5000);
  expect([one.commands.slice(0, 2), one.match[1], interpret(one).error]).toEqual(["+[", one.length - 1, null]); // one loop, run once, to the end
});

test("npm run bench -- memory prints one row per tier and program, with the base first", async () => {
  const r = await runBun("shared/bench.ts", ["memory", "--sizes", "0.01", "--tiers", "interp,opt", "--kinds", "straight,loops,one-loop"], { timeoutMs: 60_000 });
  expect(r.exitCode).toBe(0);
  const lines = r.stdout.split("\n").filter((l) => /^(interp|opt)\s/.test(l));
  expect(lines.map((l) => l.split(/\s+/).slice(0, 2).join(" "))).toEqual(["interp base", "interp straight", "interp loops", "interp one-loop", "opt base", "opt straight", "opt loops", "opt one-loop"]);
  for (const l of lines) expect(l).toMatch(/\bok$/);
  expect(r.stdout).toContain("B/src B");
  expect(r.stdout).toContain("sys s");
}, 60_000);

test("a tier no main runs is refused with the list of tiers", async () => {
  const r = await runBun("shared/bench.ts", ["memory", "--tiers", "nope"]);
  expect(r.exitCode).toBe(2);
  expect(r.stderr).toContain("there is no tier 'nope'");
});

// The passes run in Bun and in the browser, so the pass manager collects with whatever collector its
// host installed (collect.ts); a main that runs them without installing Bun's would hold several dead
// LIRs at its peak, which no other test would notice.
test("every chapter's main that runs chapter 9's passes installs Bun's collector", () => {
  const reached = (entry: string): Set<string> => {
    const seen = new Set<string>();
    for (const todo = [entry]; todo.length > 0; ) {
      const file = todo.pop()!;
      if (seen.has(file) || !existsSync(resolve(ROOT, file))) continue;
      seen.add(file);
      todo.push(...importsOf(file, readFileSync(resolve(ROOT, file), "utf8")));
    }
    return seen;
  };
  const mains = CHAPTERS.map((c) => `chapters/${c.slug}/main.ts`).filter((m) => existsSync(resolve(ROOT, m)));
  const running = mains.filter((m) => reached(m).has("chapters/09-optimizer/optimize.ts"));
  expect(running.length).toBeGreaterThan(0);
  expect(running.filter((m) => !reached(m).has("chapters/09-optimizer/collect-bun.ts"))).toEqual([]);
});
