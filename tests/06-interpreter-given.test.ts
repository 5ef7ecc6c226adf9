// Chapter 6, what the workbook gives the reader: comparing results (without errors), the command
// line's argument parsing and usage errors, and the test helpers every later tier is tested with (tests/support/bf-*.ts). They pass
// against the chapter's stubs.
import { describe, expect, test } from "bun:test";
import { runBun } from "../shared/child.ts";
import { parseArgs, UsageError } from "../chapters/06-interpreter/cli.ts";
import { describeDifference, sameResult, showBytes, type RunResult } from "../chapters/06-interpreter/semantics.ts";
import { CLASSIC_NOTE } from "../shared/programs.ts";
import { benchPrograms, withClassicDir } from "./support/bf-programs.ts";
import { randomCase, Rng } from "./support/bf-random.ts";

describe("the classic programs", () => {
  test("without the classic programs, benchPrograms says why, where it looked, and how to get them", () => {
    const missing = withClassicDir("/nonexistent/classic", benchPrograms);
    expect(missing.programs).toEqual([]);
    expect(missing.skipReason).toBe(`${CLASSIC_NOTE} (looked in /nonexistent/classic); skipping`);
    expect(missing.skipReason).toContain("npm run programs -- fetch");
  });
});

describe("random programs", () => {
  test("the generator is deterministic: a seed always gives the same program", () => {
    expect(randomCase(42)).toEqual(randomCase(42));
    expect(randomCase(42).source).not.toBe(randomCase(43).source);
    const rng = new Rng(7);
    const draws = Array.from({ length: 1000 }, () => rng.int(1, 6));
    expect(new Set(draws)).toEqual(new Set([1, 2, 3, 4, 5, 6]));
  });
});

describe("comparing results", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  const base = (): RunResult => ({ output: bytes("Hi\n"), tape: Uint8Array.of(1, 2, 3), pointer: 1, error: null });

  test("identical runs are the same", () => {
    expect(describeDifference(base(), base())).toBeNull();
    expect(sameResult(base(), base())).toBe(true);
  });

  test.each([
    [{ output: bytes("Ho\n") }, 'output differs from byte 1: expected "i\\n", got "o\\n" (lengths 3 and 3)'],
    [{ output: bytes("Hi") }, 'output differs from byte 2: expected "\\n", got (end) (lengths 3 and 2)'],
    [{ pointer: 2 }, "pointer: expected cell 1, got cell 2"],
    [{ tape: Uint8Array.of(1, 2, 4) }, "tape differs at cell 2: expected 3, got 4"],
    [{ tape: Uint8Array.of(1, 2) }, "tape size: expected 3 cells, got 2"],
  ] as const)("a difference is described: %o", (change, description) => {
    const other = { ...base(), ...change };
    expect(describeDifference(base(), other)).toStartWith(description);
    expect(sameResult(base(), other)).toBe(false);
  });

  test.each([
    [bytes("Hi\n\t\"\\"), 0, '"Hi\\n\\t\\"\\\\"'],
    [Uint8Array.of(0, 255, 127), 0, '"\\x00\\xff\\x7f"'],
    [bytes("abcdefghijklmnopqrstuvwxyz"), 20, '"uvwxyz"'],
    [bytes("abcdefghijklmnopqrstuvwxyz"), 0, '"abcdefghijklmnop"...'],
    [bytes("ab"), 2, "(end)"],
  ])("showBytes(%j, %d) is %s", (b, from, expected) => {
    expect(showBytes(b, from)).toBe(expected);
  });
});

describe("the command line", () => {
  test.each([
    [["p.b"], { file: "p.b", tapeSize: undefined, eof: "unchanged", maxSteps: undefined, stats: false }],
    [[], { file: null }],
    [["--tape", "65536", "p.b"], { file: "p.b", tapeSize: 65536 }],
    [["p.b", "--tape=8", "--eof=max", "--max-steps", "0", "--stats"], { tapeSize: 8, eof: "max", maxSteps: 0, stats: true }],
  ])("%j", (argv, expected) => {
    expect(parseArgs(argv)).toMatchObject(expected);
  });

  test.each([
    [["a.b", "b.b"], "one program at a time: got a.b and b.b"],
    [["p.b", "--tape"], "--tape needs a value"],
    [["--tape", "0"], "--tape must be a whole number from 1 to 1073741824, not '0'"],
    [["--max-steps", "-1"], "--max-steps must be a whole number from 0 to"],
    [["--eof", "newline"], "--eof must be unchanged, zero or max, not 'newline'"],
    [["--frobnicate"], "unknown option --frobnicate"],
  ])("%j is refused", (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe("main.ts", () => {
  const main = "chapters/06-interpreter/main.ts";

  test("bad arguments and unreadable files are usage errors", async () => {
    const [flag, missing] = await Promise.all([runBun(main, ["--frobnicate"]), runBun(main, ["no/such/file.b"])]);
    expect(flag.stderr).toStartWith("UsageError: unknown option --frobnicate\nusage: bun chapters/06-interpreter/main.ts prog.b");
    expect(flag.exitCode).toBe(2);
    expect(missing.stderr).toStartWith("UsageError: cannot read no/such/file.b: ");
    expect(missing.exitCode).toBe(2);
  });
});
