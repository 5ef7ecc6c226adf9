// Chapter 2: first bytes. The hand-written encodings are checked against GNU as here; the code
// itself only ever runs in a child process (runNative), never in the test runner.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { runBun, runNative } from "../shared/child.ts";
import { assemble } from "../chapters/02-first-bytes/gnu-as.ts";
import { nativeFunction } from "../chapters/02-first-bytes/native-function.ts";
import { ADD, ADD_FOUR, PROGRAMS, RETURN_42, bytesOf, hexBytes, returnConstant, type Program } from "../chapters/02-first-bytes/programs.ts";
import { withRwxPage } from "../chapters/02-first-bytes/rwx-page.ts";
import { ArgumentError } from "../chapters/01-pages/checks.ts";
import { findMapping } from "../chapters/01-pages/maps.ts";
import { exitOf } from "./support/exit.ts";

// Under `npm run coverage` every child loads instrumented sources (about 1 s each): give demos room.
// tests/setup.ts sets the same default, but Bun 1.4.5 applies it to the first test file of a run only.
const SLOW = { timeoutMs: 60_000 };
setDefaultTimeout(60_000);

const CALLS = "chapters/02-first-bytes/calls.ts";
// Whether to compare with GNU as is the tests' decision, so they ask the system, not the chapter.
const GNU_AS = ["as", "objdump"].every((tool) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0);
if (!GNU_AS) console.warn("GNU as/objdump not found: the encoding checks are skipped (apt-get install binutils)");

describe("hand-written bytes", () => {
  test.each([
    [RETURN_42, "b8 2a 00 00 00 c3"],
    [ADD_FOUR, "48 89 f8 48 83 c0 04 c3"],
    [ADD, "48 89 f8 48 01 f0 c3"],
  ])("%#: the bytes of the program", (program, bytes) => {
    expect(hexBytes(bytesOf(program))).toBe(bytes);
  });

  test.each([
    [42, "b8 2a 00 00 00 c3"],
    [0x12345678, "b8 78 56 34 12 c3"], // little-endian: the low byte first
    [-1, "b8 ff ff ff ff c3"],
  ])("returnConstant(%p) is mov eax, imm32; ret: %s", (n, bytes) => {
    expect(hexBytes(bytesOf(returnConstant(n)))).toBe(bytes);
    expect(returnConstant(n).code.map((i) => i.asm)).toEqual([`mov eax, ${n}`, "ret"]);
  });

  test("returnConstant(42) is RETURN_42", () => {
    expect(returnConstant(42).code).toEqual(RETURN_42.code);
  });

  test("every program ends with ret, and so do its bytes", () => {
    for (const p of PROGRAMS) {
      expect(p.code.at(-1)).toEqual({ asm: "ret", bytes: [0xc3] });
      expect(bytesOf(p).at(-1)).toBe(0xc3);
    }
  });

  // Programs, not their bytes, make the table: building it must not run the chapter's code. The
  // hand-written constants are checked in 02-first-bytes-given; these are what returnConstant builds.
  const programs: [string, () => Program][] = [
    ["returnConstant(0x12345678)", () => returnConstant(0x12345678)],
    ["returnConstant(-1)", () => returnConstant(-1)],
  ];
  test.skipIf(!GNU_AS).each(programs)("%s: GNU as encodes each instruction as the program's bytes", (_name, program) => {
    for (const { asm, bytes } of program().code) {
      const [assembled] = assemble([asm]);
      expect(`${asm}: ${hexBytes(assembled!.bytes)}`).toBe(`${asm}: ${hexBytes(bytes)}`);
      expect(assembled!.disassembly).toHaveLength(1); // one line, one instruction
    }
  });
});

describe("calling the bytes (in a child process)", () => {
  test.each([
    ["return42", [], 42],
    ["addFour", [38], 42],
    ["addFour", [-4], 0],
    ["add", [2, 40], 42], // rdi = 2, rsi = 40
    ["add", [-7, 3], -4],
    ["add", [0x7fffffff, 1], -2147483648], // declared i32: only eax comes back, and it wrapped
  ] as const)("%s(%p) = %p", async (name, args, expected) => {
    const r = await runNative<number>(CALLS, name, args);
    expect(r.diagnosis).toBeNull();
    expect(r.value).toBe(expected);
  });

  test.each([
    [[0x7fffffff, 1], 2147483648n], // declared i64: all of rax, as a BigInt
    [[2n ** 62n, 2n ** 62n], -(2n ** 63n)], // rax wraps at 64 bits
    [[2n ** 53n, 1], 2n ** 53n + 1n], // beyond what a double holds exactly
  ] as const)("add64(%p) = %p, a BigInt", async (args, expected) => {
    const r = await runNative<bigint>(CALLS, "add64", args);
    expect(r.diagnosis).toBeNull();
    expect(r.value).toBe(expected);
  });

  test("chapter 1's W^X check sees it: the RWX page is the one W+X mapping it adds", async () => {
    const r = await runNative<string[]>("tests/fixtures/02-child.ts", "wxAroundRwxPage");
    expect(r.value).toHaveLength(1);
    expect(r.value![0]).toEndWith(" rwxp");
  });

  test("the page is rwx while the code runs, and gone afterwards", async () => {
    const r = await runNative(CALLS, "rwxPermissions");
    expect(r.value).toEqual({ during: "rwxp", after: "unmapped" });
    const [map, call, unmap] = r.trace;
    expect(map).toMatchObject({ ev: "map", size: 4096, prot: "rwx" });
    expect(call).toEqual({ ev: "call", addr: map!.addr });
    expect(unmap).toEqual({ ev: "unmap", addr: map!.addr, size: 4096 });
  });
});

describe("no code runs in this process for these", () => {
  test("withRwxPage refuses empty code before mapping anything", () => {
    expect(() => withRwxPage([], { args: [], returns: "void" }, () => 0)).toThrow(ArgumentError);
  });

  test("withRwxPage unmaps the page even when `use` throws", () => {
    let address = 0;
    const boom = () =>
      withRwxPage([0xc3], { args: [], returns: "void" }, (_f, page) => {
        address = page.address;
        throw new Error("boom");
      });
    expect(boom).toThrow("boom");
    expect(address).toBeGreaterThan(0);
    expect(findMapping(address)?.perms.slice(0, 3) === "rwx").toBe(false);
  });

  test("nativeFunction refuses an address that is not one", () => {
    expect(() => nativeFunction(-1, { args: [], returns: "void" })).toThrow(ArgumentError);
    expect(() => nativeFunction(1.5, { args: [], returns: "void" })).toThrow(ArgumentError);
  });
});

describe("the demo", () => {
  test("bun chapters/02-first-bytes/main.ts lists, checks and calls the programs", async () => {
    const r = await runBun("chapters/02-first-bytes/main.ts", [], SLOW);
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    for (const expected of [
      "  b8 2a 00 00 00   mov eax, 42",
      "return42()      = 42",
      "addFour(38)     = 42",
      "add(2, 40)      = 42",
      "rwxp (anonymous)",
      'returns "i32" = -2147483648',
      'returns "i64" = 2147483648n',
    ]) {
      expect(r.stdout).toContain(expected);
    }
    if (GNU_AS) expect(r.stdout.match(/\(same bytes\)/g)).toHaveLength(3);
    expect(r.stdout).toMatch(/returning i32 costs \d+\.\d ns; returning i64 \(a BigInt\) \d+\.\d ns/);
  });
});
