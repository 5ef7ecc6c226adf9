// Chapter 3, what the workbook gives the reader rather than asks of them: the demo's script, which
// stops under Node before any of the chapter's code runs. A chapter's *-given tests pass against
// its stubs by design; `npm run workbook -- contract` checks that they do, and that all its other
// tests fail against them.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { runTsx } from "./fixtures/01-tsx.ts";

setDefaultTimeout(60_000);

describe("the demo", () => {
  test("under Node it prints one line naming Bun and exits 1", async () => {
    const r = await runTsx("chapters/03-w-xor-x/main.ts");
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("Chapter 3 (W^X) runs native code through bun:ffi, so it needs Bun");
  });
});
