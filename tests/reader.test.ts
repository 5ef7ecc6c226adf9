// The reader's case: a fresh clone with nothing beside it, so no classic programs. CI has them (it
// installs them from the copy beside its checkout), which would hide a first command that only works
// with them; so here the classic folder is an empty one, and every command must still work, run on
// the book's own programs, and say once how to get the others. (The site's build test builds the
// site the same way: tests/site-build.test.ts.)
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseBench } from "../site/bench-chart.ts";
import { runBun } from "../shared/child.ts";
import { CLASSIC_ENV, CLASSIC_NOTE, emptyClassicDir, findPrograms } from "../shared/programs.ts";
import { withClassicDir } from "./support/bf-programs.ts";

const scratch = mkdtempSync(join(tmpdir(), "jit-reader-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const env = { [CLASSIC_ENV]: emptyClassicDir() };

describe("a reader without the classic programs", () => {
  test("npm run bench -- --quick runs the book's own programs, says once how to get the others, and writes the chart's JSON", async () => {
    const out = join(scratch, "bf.json");
    const r = await runBun("shared/bench.ts", ["--quick", "--out", out], { env, timeoutMs: 280_000 });
    expect([r.exitCode, r.stderr.includes("failed")]).toEqual([0, false]);
    expect(r.stdout.split(CLASSIC_NOTE).length - 1).toBe(1);
    const file = parseBench(JSON.parse(readFileSync(out, "utf8")));
    const book = withClassicDir(env[CLASSIC_ENV], () => findPrograms(undefined, (p) => p.bench).programs.map((p) => p.name));
    expect(book.length).toBeGreaterThanOrEqual(3);
    expect(file.programs).toEqual(book);
    expect(file.results.length).toBeGreaterThan(0);
  }, 300_000);
});
