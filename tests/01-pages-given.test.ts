// Chapter 1, what the workbook gives the reader: the helpers around the chapter's lessons (the checks
// of protections and addresses, the number formatting, the door to bun:ffi, errno's names and the
// LibcError message, the tables of /proc/self/maps) and the demo's behaviour under Node. They are not
// the reader's to write (the chapter's "Your turn" box lists what is), so they pass against the stubs.
import { describe, expect, test } from "bun:test";
import { ArgumentError, checkAddress, checkProt, formatBytes, roundUp } from "../chapters/01-pages/checks.ts";
import { NeedsBunError, UnsupportedHostError, bunFFI } from "../chapters/01-pages/ffi.ts";
import { ERRNO_NAMES, LibcError, errnoName, libc, strerror } from "../chapters/01-pages/libc.ts";
import { formatMapEntry, writableExecutable, type MapEntry } from "../chapters/01-pages/maps.ts";
import { MAP_FAILED, PROT } from "../chapters/01-pages/pages.ts";
import { runTsx } from "./fixtures/01-tsx.ts";

describe("argument checks", () => {
  test.each([
    [0, true],
    [PROT.READ | PROT.WRITE | PROT.EXEC, true],
    [8, false],
    [-1, false],
    [1.5, false],
  ])("checkProt(%p) accepted: %p", (prot, ok) => {
    if (ok) expect(checkProt(prot)).toBe(prot);
    else expect(() => checkProt(prot)).toThrow(ArgumentError);
  });

  test.each([
    [0, true],
    [0x7f00_0000_0000, true],
    [-1, false],
    [0.5, false],
    [2 ** 53, false],
  ])("checkAddress(%p) accepted: %p", (address, ok) => {
    if (ok) expect(checkAddress(address)).toBe(address);
    else expect(() => checkAddress(address)).toThrow(ArgumentError);
  });

  test.each([
    [1, 4096, 4096],
    [4096, 4096, 4096],
    [4097, 4096, 8192],
    [100, 16384, 16384],
  ])("roundUp(%p, %p) = %p", (n, unit, expected) => {
    expect(roundUp(n, unit)).toBe(expected);
  });

  test.each([
    [100, "100 bytes"],
    [4096, "4 KiB"],
    [1536, "1.5 KiB"],
    [2 ** 47, "128 TiB"],
    [2 ** 60, "1 EiB"],
  ])("formatBytes(%p) = %p", (n, expected) => {
    expect(formatBytes(n)).toBe(expected);
  });
});

describe("ffi.ts: the one door to bun:ffi", () => {
  test("bunFFI gives bun:ffi under Bun on Linux x86-64", () => {
    expect(typeof bunFFI("test").dlopen).toBe("function");
  });

  test("NeedsBunError says how to run the script with Bun", () => {
    const e = new NeedsBunError("Chapter 9");
    expect(e.name).toBe("NeedsBunError");
    expect(e.message).toStartWith("Chapter 9 runs native code through bun:ffi, so it needs Bun: run it with `npx bun ");
  });

  test("UnsupportedHostError names the host and the chapters that run anywhere", () => {
    const e = new UnsupportedHostError("Chapter 9");
    expect(e.name).toBe("UnsupportedHostError");
    expect(e.message).toContain(`but this is ${process.platform}/${process.arch}`);
  });
});

describe("errno, named and explained", () => {
  test.each([
    [12, "ENOMEM"],
    [22, "EINVAL"],
    [13, "EACCES"],
    [9, "EBADF"],
    [9999, "errno 9999"],
  ])("errnoName(%p) = %p", (code, name) => {
    expect(errnoName(code)).toBe(name);
  });

  test("errnoName gives every number of the table its own name", () => {
    const names = Object.keys(ERRNO_NAMES).map((code) => errnoName(Number(code)));
    expect(new Set(names).size).toBe(names.length);
  });

  test("strerror gives libc's sentence", () => {
    expect(strerror(22)).toBe("Invalid argument");
    expect(strerror(12)).toBe("Cannot allocate memory");
  });

  test("a LibcError names the call, the symbolic errno, strerror's text and a hint", () => {
    const e = new LibcError("mprotect", 12, "0x1000, 4096, r--");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("LibcError");
    expect({ call: e.call, errno: e.errno, code: e.code }).toEqual({ call: "mprotect", errno: 12, code: "ENOMEM" });
    expect(e.message).toBe(
      "mprotect(0x1000, 4096, r--) failed with ENOMEM (Cannot allocate memory): " +
        "part of the range is not mapped: was it unmapped already (use after free), or is the address wrong?",
    );
  });

  test("without a hint for the pair, the message stops after strerror", () => {
    expect(new LibcError("close", 5).message).toBe("close() failed with EIO (Input/output error)");
  });
});

describe("/proc/self/maps", () => {
  const sample: MapEntry[] = [
    { start: 0x1000, end: 0x3000, perms: "r-xp", offset: 0, path: "/bin/a" },
    { start: 0x3000, end: 0x4000, perms: "rwxp", offset: 0, path: "" },
    { start: 0x5000, end: 0x6000, perms: "rw-p", offset: 0, path: "[heap]" },
  ];

  test("writableExecutable keeps only mappings with both w and x", () => {
    expect(writableExecutable(sample).map((m) => m.start)).toEqual([0x3000]);
  });

  test("formatMapEntry prints the range, perms and path", () => {
    expect(sample.map(formatMapEntry)).toEqual(["1000-3000 r-xp /bin/a", "3000-4000 rwxp (anonymous)", "5000-6000 rw-p [heap]"]);
  });
});

describe("pages", () => {
  test("MAP_FAILED is a BigInt, 2^64 - 1, never -1", () => {
    expect(MAP_FAILED).toBe(2n ** 64n - 1n);
    expect(libc().mmap(null, 0, PROT.READ, 0x22, -1, 0)).toBe(MAP_FAILED); // length 0: EINVAL
  });
});

describe("the demo", () => {
  test("under Node it prints one line naming Bun and exits 1", async () => {
    const r = await runTsx("chapters/01-pages/main.ts");
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("Chapter 1 (pages) runs native code through bun:ffi, so it needs Bun");
    expect(r.stderr).toContain("run it with `npx bun chapters/01-pages/main.ts`");
  });
});
