// Chapter 1: pages, the functions of its "Your turn" box. Pure logic (argument checks, /proc/self/maps
// parsing) runs here; so do mmap/mprotect/munmap, which execute no generated code. Anything that could
// crash runs in a child. What the workbook gives is tested in 01-pages-given.test.ts.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readFileSync } from "node:fs";
import { runBun, runNative } from "../shared/child.ts";
import { ArgumentError, MAX_USER_ADDRESS, checkAlignment, checkSize } from "../chapters/01-pages/checks.ts";
import { LibcError, libc } from "../chapters/01-pages/libc.ts";
import { MapsFormatError, type MapEntry, findMapping, parseMaps, parseMapsLine, readMaps } from "../chapters/01-pages/maps.ts";
import {
  PROT,
  allocAligned,
  bytesAt,
  freeAligned,
  hex,
  isAligned,
  mapPages,
  pageSize,
  protect,
  unmapPages,
} from "../chapters/01-pages/pages.ts";
import { runTsx } from "./fixtures/01-tsx.ts";
import { exitOf } from "./support/exit.ts";

// Under `npm run coverage` every child loads instrumented sources (about 1 s each): give demos room.
// tests/setup.ts sets the same default, but Bun 1.4.5 applies it to the first test file of a run only.
const SLOW = { timeoutMs: 60_000 };
setDefaultTimeout(60_000);

const perms = (address: number) => findMapping(address)?.perms ?? "unmapped";

describe("argument checks (before any libc call)", () => {
  test.each([
    [0, "at least 1 byte"],
    [-4096, "at least 1 byte"],
    [1.5, "whole number of bytes, got 1.5"],
    [NaN, "finite number of bytes, got NaN"],
    [Infinity, "finite number of bytes, got Infinity"],
    [2 ** 47 + 4096, "more than the 128 TiB"],
    [2 ** 60, "(1 EiB) is more than the 128 TiB"],
    ["4096" as unknown as number, 'got the string "4096"'],
    [undefined as unknown as number, "got undefined (a undefined)"],
  ])("checkSize(%p) is refused: %s", (size, message) => {
    expect(() => checkSize(size)).toThrow(ArgumentError);
    expect(() => checkSize(size)).toThrow(message);
  });

  test.each([1, 4096, 12345, MAX_USER_ADDRESS])("checkSize(%p) is accepted", (size) => {
    expect(checkSize(size)).toBe(size);
  });

  test("the message names the argument", () => {
    expect(() => checkSize(0, "code size")).toThrow("code size must be at least 1 byte");
  });

  test.each([
    [8, true],
    [16, true],
    [4096, true],
    [2 ** 30, true],
    [4, false], // below sizeof(void*)
    [24, false], // not a power of two
    [2 ** 31, false],
    [0, false],
  ])("checkAlignment(%p) accepted: %p", (alignment, ok) => {
    if (ok) expect(checkAlignment(alignment)).toBe(alignment);
    else expect(() => checkAlignment(alignment)).toThrow(ArgumentError);
  });

  test.each([
    ["mapPages(0)", () => mapPages(0, PROT.READ)],
    ["mapPages(-1)", () => mapPages(-1, PROT.READ)],
    ["mapPages(2^50)", () => mapPages(2 ** 50, PROT.READ)],
    ["mapPages with PROT 8", () => mapPages(4096, 8)],
    ["protect(size 0)", () => protect(0x10000, 0, PROT.READ)],
    ["protect(address -4096)", () => protect(-4096, 4096, PROT.READ)],
    ["allocAligned(alignment 3)", () => allocAligned(4096, 3)],
    ["allocAligned(size NaN)", () => allocAligned(NaN, 4096)],
    ["bytesAt(size 0)", () => bytesAt(0x10000, 0)],
  ])("%s throws ArgumentError", (_name, call) => {
    expect(call).toThrow(ArgumentError);
  });

  test("under Node, bad sizes are still ArgumentErrors: no libc call was attempted", async () => {
    const r = await runTsx("tests/fixtures/01-under-node.ts");
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    expect(JSON.parse(r.stdout)).toEqual({
      runtime: "node",
      mapZero: "ArgumentError",
      mapBadProt: "ArgumentError",
      pageSize: "NeedsBunError", // the first call that really needs libc
      maps: "ok", // /proc/self/maps is plain file reading
    });
  });
});

describe("/proc/self/maps", () => {
  test.each([
    [
      "7f1084be2000-7f10c4be2000 rwxp 00000000 00:00 0 ",
      { start: 0x7f1084be2000, end: 0x7f10c4be2000, perms: "rwxp", offset: 0, path: "" },
    ],
    [
      "55d0c6c2d000-55d0c6c31000 r--p 00001000 08:01 1234567                    /usr/bin/bun",
      { start: 0x55d0c6c2d000, end: 0x55d0c6c31000, perms: "r--p", offset: 0x1000, path: "/usr/bin/bun" },
    ],
    [
      "7ffd1a2b3000-7ffd1a2d4000 rw-p 00000000 00:00 0                          [stack]",
      { start: 0x7ffd1a2b3000, end: 0x7ffd1a2d4000, perms: "rw-p", offset: 0, path: "[stack]" },
    ],
    [
      "7f0000000000-7f0000001000 rw-s 00000000 00:01 42 /memfd:jit code (deleted)",
      { start: 0x7f0000000000, end: 0x7f0000001000, perms: "rw-s", offset: 0, path: "/memfd:jit code (deleted)" },
    ],
    [
      // Above 2^53, but exact: page-aligned values are representable as doubles up to 2^64.
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]",
      { start: 0xffffffffff600000, end: 0xffffffffff601000, perms: "--xp", offset: 0, path: "[vsyscall]" },
    ],
  ])("parseMapsLine(%p)", (line, expected) => {
    expect(parseMapsLine(line)).toEqual(expected);
  });

  test("[vsyscall]'s start survives the trip through a double", () => {
    const { start } = parseMapsLine("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0 [vsyscall]");
    expect(BigInt(start)).toBe(0xffffffffff600000n);
  });

  test.each(["", "hello", "7f00-7f01 rwzp 0 00:00 0", "7f00 7f01 rw-p 0 00:00 0"])(
    "parseMapsLine(%p) is a MapsFormatError",
    (line) => {
      expect(() => parseMapsLine(line)).toThrow(MapsFormatError);
    },
  );

  // The sample as text and as entries: the tests of findMapping and friends do not depend on parseMaps.
  const sampleText = [
    "1000-3000 r-xp 00000000 00:00 0 /bin/a",
    "3000-4000 rwxp 00000000 00:00 0 ",
    "5000-6000 rw-p 00000000 00:00 0 [heap]",
    "",
  ].join("\n");
  const sample: MapEntry[] = [
    { start: 0x1000, end: 0x3000, perms: "r-xp", offset: 0, path: "/bin/a" },
    { start: 0x3000, end: 0x4000, perms: "rwxp", offset: 0, path: "" },
    { start: 0x5000, end: 0x6000, perms: "rw-p", offset: 0, path: "[heap]" },
  ];

  test("parseMaps reads every line of the sample, and skips the blank one", () => {
    expect(parseMaps(sampleText)).toEqual(sample);
  });

  test.each([
    [0x0fff, null],
    [0x1000, "/bin/a"],
    [0x2fff, "/bin/a"],
    [0x3000, ""],
    [0x4000, null], // end is exclusive
    [0x5800, "[heap]"],
  ])("findMapping(%p) in a sample", (address, path) => {
    expect(findMapping(address, sample)?.path ?? null).toBe(path);
  });

  test("this process's own maps parse, and include its stack", () => {
    const text = readFileSync("/proc/self/maps", "utf8");
    expect(parseMaps(text).length).toBe(text.trim().split("\n").length);
    expect(readMaps().some((m) => m.path === "[stack]")).toBe(true);
  });
});

describe("pages (mmap, mprotect, munmap in this process: no code runs)", () => {
  test("the page size is sysconf's, a power of two", () => {
    const page = pageSize();
    expect(page).toBe(Number(libc().sysconf(30)));
    expect(page & (page - 1)).toBe(0);
    expect(page).toBeGreaterThanOrEqual(4096);
  });

  test.each([
    [1, 1],
    [4096, 1],
    [4097, 2],
    [3 * 4096, 3],
  ])("mapPages(%p bytes) maps %p whole page(s), page-aligned", (size, pages) => {
    const page = pageSize();
    const m = mapPages(size, PROT.READ | PROT.WRITE);
    try {
      expect(m.size).toBe(pages * page);
      expect(isAligned(m.address, page)).toBe(true);
    } finally {
      unmapPages(m);
    }
  });

  test("a mapping's protection as /proc/self/maps reports it, through its whole life", () => {
    const m = mapPages(2 * pageSize(), PROT.READ | PROT.WRITE);
    const seen = [perms(m.address)];
    bytesAt(m.address, m.size).set([1, 2, 3]);
    expect([...bytesAt(m.address, 3)]).toEqual([1, 2, 3]);
    protect(m.address, m.size, PROT.READ);
    seen.push(perms(m.address));
    protect(m.address, m.size, PROT.READ | PROT.EXEC);
    seen.push(perms(m.address + m.size - 1));
    protect(m.address, m.size, PROT.NONE);
    seen.push(perms(m.address));
    unmapPages(m);
    seen.push(perms(m.address));
    expect(seen).toEqual(["rw-p", "r--p", "r-xp", "---p", "unmapped"]);
  });

  test("mprotect on part of a mapping splits it", () => {
    const page = pageSize();
    const m = mapPages(3 * page, PROT.READ | PROT.WRITE);
    protect(m.address + page, page, PROT.READ);
    expect([perms(m.address), perms(m.address + page), perms(m.address + 2 * page)]).toEqual(["rw-p", "r--p", "rw-p"]);
    unmapPages(m);
  });

  test("mprotect on pages that were unmapped: LibcError ENOMEM with a hint", () => {
    const m = mapPages(4096, PROT.READ | PROT.WRITE);
    unmapPages(m);
    const e = catchError(() => protect(m.address, m.size, PROT.READ));
    expect(e).toBeInstanceOf(LibcError);
    expect((e as LibcError).code).toBe("ENOMEM");
    expect((e as LibcError).errno).toBe(12);
    expect(e.message).toStartWith(`mprotect(${hex(m.address)}, 4096, r--) failed with ENOMEM (Cannot allocate memory)`);
    expect(e.message).toContain("unmapped already");
  });

  test("mprotect on an address that is not page-aligned: LibcError EINVAL", () => {
    const m = mapPages(8192, PROT.READ | PROT.WRITE);
    try {
      const e = catchError(() => protect(m.address + 1, 4096, PROT.READ));
      expect(e).toBeInstanceOf(LibcError);
      expect((e as LibcError).code).toBe("EINVAL");
      expect(e.message).toContain("not page-aligned");
    } finally {
      unmapPages(m);
    }
  });

  const overcommitAlways = readFileSync("/proc/sys/vm/overcommit_memory", "utf8").trim() === "1";
  test.skipIf(overcommitAlways)("a mapping the kernel refuses: LibcError ENOMEM, not an address", () => {
    const e = catchError(() => mapPages(2 ** 45, PROT.READ | PROT.WRITE)); // 32 TiB: more than RAM + swap
    expect(e).toBeInstanceOf(LibcError);
    expect((e as LibcError).call).toBe("mmap");
    expect((e as LibcError).code).toBe("ENOMEM");
    expect(e.message).toContain("ask for less");
  });

  test("posix_memalign: an aligned block inside the heap", () => {
    for (const alignment of [16, 4096, 65536]) {
      const block = allocAligned(100, alignment);
      expect(isAligned(block.address, alignment)).toBe(true);
      expect(block).toMatchObject({ size: 100, alignment });
      expect(findMapping(block.address)).not.toBeNull();
      freeAligned(block);
    }
  });

  test("posix_memalign failure comes back as a return value: LibcError ENOMEM", () => {
    const e = catchError(() => allocAligned(2 ** 46, 4096));
    expect(e).toBeInstanceOf(LibcError);
    expect((e as LibcError).call).toBe("posix_memalign");
    expect((e as LibcError).code).toBe("ENOMEM");
  });
});

describe("in a child process", () => {
  test("every mapping change leaves a trace event the harness can replay", async () => {
    const r = await runNative<number>("tests/fixtures/01-pages-child.ts", "mapProtectUnmap");
    expect(r.ok).toBe(true);
    const addr = r.value!;
    expect(r.trace).toEqual([
      { ev: "map", addr, size: 4096, prot: "rw-", how: "anonymous" },
      { ev: "protect", addr, size: 4096, prot: "r-x" },
      { ev: "unmap", addr, size: 4096 },
    ]);
  });

  test("freeAligned makes an RX block writable again before free() writes into it", async () => {
    const r = await runNative<string>("tests/fixtures/01-pages-child.ts", "freeAfterProtectingRX");
    expect(r.diagnosis).toBeNull();
    expect(r.value).toBe("freed");
  });
});

describe("the demo", () => {
  test("bun chapters/01-pages/main.ts shows each step and the typed errors", async () => {
    const r = await runBun("chapters/01-pages/main.ts", [], SLOW);
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    for (const expected of [
      "page size: sysconf(_SC_PAGESIZE) = 4096 bytes",
      "aligned to 4096: yes",
      "r--p (anonymous)   <- exactly our pages",
      "r-xp (anonymous)   <- exactly our pages",
      "/proc/self/maps: (no mapping)",
      'LibcError { call: "mprotect", errno: 12, code: "ENOMEM" }',
      "ArgumentError: size must be at least 1 byte, got 0",
    ]) {
      expect(r.stdout).toContain(expected);
    }
  });

});

function catchError(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    if (e instanceof Error) return e;
    throw e;
  }
  throw new Error("expected the call to throw, and it returned");
}
