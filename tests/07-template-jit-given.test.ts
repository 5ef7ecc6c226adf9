// Chapter 7, what the workbook gives the reader: the context block's layout (a table the generated
// code and the host must agree on), the listings, memory files, and the command line's own checks.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { runBun } from "../shared/child.ts";
import { CONTEXT_SIZE, CTX, STATUS } from "../chapters/07-template-jit/context.ts";
import { fstatSync } from "node:fs";
import { release } from "node:os";
import { closeMemoryFile, memoryFileBytes, memoryFileWith } from "../chapters/07-template-jit/memory-file.ts";
import { hexDump } from "../chapters/07-template-jit/listing.ts";
import { parseArgs, UsageError } from "../chapters/07-template-jit/cli.ts";
import { UnsupportedOptionError } from "../chapters/07-template-jit/errors.ts";

setDefaultTimeout(60_000);

const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
const bytes = (s: string) => new TextEncoder().encode(s);
const main = (args: string[], stdin?: string) => runBun("chapters/07-template-jit/main.ts", args, stdin === undefined ? {} : { stdin });
const P = "tests/programs";

describe("the context block", () => {
  test("the context block's layout: 8-byte fields, in order, and the statuses", () => {
    const offsets: number[] = Object.values(CTX);
    expect(offsets).toEqual(offsets.map((_, i) => 8 * i));
    expect(CONTEXT_SIZE).toBe(8 * offsets.length);
    expect(STATUS).toEqual({ OK: 0, OFF_TAPE: 1, WRITE_FAILED: 2, READ_FAILED: 3 });
  });
});

describe("listings", () => {
  test("hexDump shows 16 bytes a line with the offset", () => {
    expect(hexDump(Uint8Array.from({ length: 18 }, (_, i) => i))).toBe(
      "0000  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n0010  10 11",
    );
  });
});

describe("memory files (no code runs here)", () => {
  test("a memory file gives back its bytes, and is not executable as a program where the kernel says so", () => {
    const fd = memoryFileWith("input", bytes("abc"));
    try {
      expect(hex(memoryFileBytes(fd))).toBe("61 62 63");
      const [major = 0, minor = 0] = release().split(".").map(Number);
      const sealable = major > 6 || (major === 6 && minor >= 3); // MFD_NOEXEC_SEAL exists since 6.3
      expect(fstatSync(fd).mode & 0o111).toBe(sealable ? 0 : 0o111);
    } finally {
      closeMemoryFile(fd);
    }
  });
});

describe("parseArgs", () => {
  test("chapter 6's options, and --emit, --compare, --input", () => {
    expect(parseArgs(["a.b", "--tape=16", "--eof", "max", "--emit=asm", "--input", "x.in"])).toMatchObject({
      file: "a.b",
      tapeSize: 16,
      eof: "max",
      emit: "asm",
      compare: false,
      input: "x.in",
    });
    expect(parseArgs(["--compare", "a.b"])).toMatchObject({ file: "a.b", compare: true, emit: null, input: null });
  });

  test.each([
    [["a.b", "--emit=elf"], "--emit must be asm or hex, not 'elf'"],
    [["a.b", "--emit"], "--emit needs a value"],
    [["a.b", "--emit=hex", "--compare"], "--emit prints the code and runs nothing: it cannot be combined with --compare"],
    [["a.b", "--frobnicate"], "unknown option --frobnicate"],
    [["a.b", "b.b"], "one program at a time: got a.b and b.b"],
  ])("%j: %s", (argv, problem) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(`${problem}\nusage: bun chapters/07-template-jit/main.ts prog.b`);
  });
});

describe("main.ts", () => {
  test("a syntax error is reported before anything runs", async () => {
    const r = await main([`${P}/unmatched-close.b`]);
    expect([r.stdout, r.exitCode]).toEqual(["", 1]);
    expect(r.stderr).toContain(`${P}/unmatched-close.b:4:1: error: unmatched ']'`);
  });
  test("--max-steps is refused, not ignored", async () => {
    const r = await main([`${P}/infinite.b`, "--max-steps", "100"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("UnsupportedOptionError: maxSteps (100) is not supported by the native tiers: their code counts no steps");
  });
  test("flags are checked before the program is read, parsed or compiled", async () => {
    // unmatched-close.b does not parse: a refusal of a flag shows that nothing got that far.
    expect(() => parseArgs(["a.b", "--max-steps", "100"])).toThrow(UnsupportedOptionError);
    const steps = await main([`${P}/unmatched-close.b`, "--max-steps", "100"]);
    expect([steps.exitCode, steps.stderr]).toEqual([1, expect.stringMatching(/^UnsupportedOptionError: maxSteps \(100\)/)]);
    const compare = await main([`${P}/infinite.b`, "--compare", "--max-steps", "100"]); // was ignored: ran forever
    expect([compare.exitCode, compare.stderr]).toEqual([1, expect.stringMatching(/^UnsupportedOptionError: /)]);
    const input = await main([`${P}/unmatched-close.b`, "--input", "no-such.in"]);
    expect([input.exitCode, input.stderr]).toEqual([2, expect.stringMatching(/^UsageError: cannot read no-such\.in/)]);
  });
  test("a usage error names the problem and shows the usage", async () => {
    const r = await main(["missing.b"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("UsageError: cannot read missing.b");
    expect(r.stderr).toContain("usage: bun chapters/07-template-jit/main.ts");
  });
});

describe("bench.ts", () => {
  test("names the programs it knows when given one it does not", async () => {
    const r = await runBun("chapters/07-template-jit/bench.ts", ["hello", "nosuch"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("UnknownProgramError: there is no program 'nosuch': choose from hello, numbers, alphabet, cat");
  });
});
