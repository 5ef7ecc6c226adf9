// Chapter 2, what the workbook gives the reader rather than asks of them: NativeFunction's types, and
// the demo's script, which stops under Node before any of the chapter's code runs. A chapter's
// *-given tests pass against its stubs by design; `npm run workbook -- contract` checks that they
// do, and that all its other tests fail against them.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import type { NativeFunction } from "../chapters/02-first-bytes/native-function.ts";
import { runTsx } from "./fixtures/01-tsx.ts";

setDefaultTimeout(60_000);

describe("types", () => {
  test("signatures type the function (checked by tsc: a wrong type here fails `npm run typecheck`)", () => {
    type Is<T, U> = [T] extends [U] ? ([U] extends [T] ? true : false) : false;
    const i32: Is<NativeFunction<{ args: ["i32", "i32"]; returns: "i32" }>, (a: number, b: number) => number> = true;
    const i64: Is<ReturnType<NativeFunction<{ args: []; returns: "i64" }>>, bigint> = true;
    // A "ptr" argument takes an address as a plain number, the way this book keeps them.
    const ptr: [number] extends Parameters<NativeFunction<{ args: ["ptr"]; returns: "void" }>> ? true : false = true;
    expect([i32, i64, ptr]).toEqual([true, true, true]);
  });
});

describe("the demo", () => {
  test("under Node it prints one line naming Bun and exits 1", async () => {
    const r = await runTsx("chapters/02-first-bytes/main.ts");
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("Chapter 2 (first bytes) runs native code through bun:ffi, so it needs Bun");
    expect(r.stderr).toContain("run it with `npx bun chapters/02-first-bytes/main.ts`");
  });
});
