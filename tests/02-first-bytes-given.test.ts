// Chapter 2, what the workbook gives the reader rather than asks of them: NativeFunction's types, the
// hand-written programs checked against GNU as, gnu-as.ts itself, and the demo's script, which stops under Node before any of the chapter's code runs. A chapter's
// *-given tests pass against its stubs by design; `npm run workbook -- contract` checks that they
// do, and that all its other tests fail against them.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { GnuAsError, assemble, hasGnuAs, parseObjdump } from "../chapters/02-first-bytes/gnu-as.ts";
import type { NativeFunction } from "../chapters/02-first-bytes/native-function.ts";
import { PROGRAMS, hexBytes } from "../chapters/02-first-bytes/programs.ts";
import { runTsx } from "./fixtures/01-tsx.ts";

setDefaultTimeout(60_000);

// Whether to compare with GNU as is the tests' decision, so they ask the system, not the chapter.
const GNU_AS = ["as", "objdump"].every((tool) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0);

describe("the hand-written programs", () => {
  test.skipIf(!GNU_AS).each(PROGRAMS.map((p) => [p.name, p] as const))("%s: GNU as encodes each instruction as the program's bytes", (_name, program) => {
    for (const { asm, bytes } of program.code) {
      const [assembled] = assemble([asm]);
      expect(`${asm}: ${hexBytes(assembled!.bytes)}`).toBe(`${asm}: ${hexBytes(bytes)}`);
      expect(assembled!.disassembly).toHaveLength(1); // one line, one instruction
    }
  });
});

describe("gnu-as.ts", () => {
  test("hasGnuAs says whether binutils is installed", () => {
    expect(hasGnuAs()).toBe(GNU_AS);
  });

  test.skipIf(!GNU_AS)("assembles line by line, with objdump's reading of each line", () => {
    expect(assemble(["mov eax, 42", "nop", "ret"])).toEqual([
      { source: "mov eax, 42", bytes: [0xb8, 0x2a, 0, 0, 0], disassembly: ["mov eax,0x2a"] },
      { source: "nop", bytes: [0x90], disassembly: ["nop"] },
      { source: "ret", bytes: [0xc3], disassembly: ["ret"] },
    ]);
  });

  test.skipIf(!GNU_AS)("a line GNU as rejects is a GnuAsError quoting as", () => {
    expect(() => assemble(["mov eax, rbx"])).toThrow(GnuAsError);
    expect(() => assemble(["frobnicate rax"])).toThrow("no such instruction");
  });

  test("parseObjdump splits the dump at the L<i> labels, even across wrapped lines", () => {
    const dump = [
      "t.o:     file format elf64-x86-64",
      "",
      "0000000000000000 <L0>:",
      "   0:\tb8 2a 00 00 00       \tmov    eax,0x2a",
      "",
      "0000000000000005 <L1>:",
      "   5:\t48 b8 88 77 66 55 44 \tmovabs rax,0x1122334455667788",
      "   c:\t33 22 11 ",
    ].join("\n");
    expect(parseObjdump(dump, ["mov eax, 42", "movabs rax, 0x1122334455667788"])).toEqual([
      { source: "mov eax, 42", bytes: [0xb8, 0x2a, 0, 0, 0], disassembly: ["mov eax,0x2a"] },
      {
        source: "movabs rax, 0x1122334455667788",
        bytes: [0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11],
        disassembly: ["movabs rax,0x1122334455667788"],
      },
    ]);
  });
});

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
