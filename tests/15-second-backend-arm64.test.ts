// Chapter 15's code run on AArch64: npm's arm64 Bun under qemu-user on x86-64 (directly on arm64), in
// ONE child that compiles and runs every case, since Bun alone takes most of a second to start under
// emulation. The project's programs, the book's and the classic ones byte for byte, random programs
// against chapter 6's interpreter (output, error and its line:col, tape, final pointer), I/O that
// fails, the EOF modes. Skips with a message where qemu or the arm64 Bun is absent.
import { beforeAll, describe, expect, test } from "bun:test";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference, type RunResult } from "../chapters/06-interpreter/semantics.ts";
import { a64Missing, runA64Batch } from "./support/a64-native.ts";
import type { NativeCase, NativeOutcome } from "./support/bf-native.ts";
import { benchPrograms, bookPrograms, checkCase, compiledPrograms, type BfCase } from "./support/bf-programs.ts";
import { randomCases } from "./support/bf-random.ts";
import { eofCases } from "./support/native-suites.ts";

if (a64Missing !== null) console.warn(`skipping chapter 15's runs on AArch64: ${a64Missing}`);

/** Classic programs whose run alone takes many seconds under emulation: the x86-64 tiers' suites run them. */
const SLOW_UNDER_QEMU = new Set(["mandelbrot", "factor", "dbfi", "awib"]);
const RANDOM = 300;

/** Named by where they come from: the tests' `counter` is not the classic one. */
const programs: BfCase[] = [
  ...compiledPrograms().filter((p) => p.options.maxSteps === undefined), // the code counts no steps
  ...bookPrograms().map((p) => ({ ...p, name: `book ${p.name}` })),
  ...benchPrograms().programs.filter((p) => !SLOW_UNDER_QEMU.has(p.name)).map((p) => ({ ...p, name: `classic ${p.name}` })),
];
const random: NativeCase[] = randomCases(RANDOM, 150_001).map((c) => ({ name: `seed ${c.seed}`, source: c.source, options: c.options }));
const HELLO = "++++++++[>++++++++<-]>+.+.+.";
const special: NativeCase[] = [
  ...eofCases(",.,."),
  { name: "one-byte buffer", source: HELLO, bufferSize: 1 },
  // No file is open as descriptor 999 in the child: write and read fail with EBADF.
  { name: "write fails", source: HELLO, outputFd: 999 },
  { name: "read fails", source: ",.", inputFd: 999 },
  { name: "nested 5,000 deep", source: `+${"[".repeat(5000)}-${"]".repeat(5000)}.` },
];
const cases: NativeCase[] = [...programs.map((p) => ({ name: p.name, source: p.source, options: p.options })), ...special, ...random];

const differs = (c: NativeCase, o: NativeOutcome): string | null =>
  o.thrown ? `${o.thrown.name}: ${o.thrown.message}` : describeDifference(interpret(parse(c.source), c.options), o.result as RunResult);

describe.skipIf(a64Missing !== null)("chapter 15's code, run on AArch64", () => {
  let outcomes = new Map<string, NativeOutcome>();
  beforeAll(async () => {
    const { outcomes: all, ms } = await runA64Batch(cases, "chapter 15 on AArch64", 150_000);
    outcomes = new Map(all.map((o) => [o.name, o]));
    console.log(`chapter 15: ${cases.length} cases in one arm64 child, ${(ms / 1000).toFixed(1)} s of wall time (under emulation: not a measure of the code)`);
  }, 160_000);

  test.each(programs.map((p) => [p.name, p] as const))("%s: its output and error, and the interpreter's whole result", (name, p) => {
    const o = outcomes.get(name)!;
    expect(o.thrown).toBeNull();
    expect(checkCase(p, o.result!)).toBeNull();
    if (p.interpreterSeconds < 1) expect(differs(cases.find((c) => c.name === name)!, o)).toBeNull();
  });

  test(`${RANDOM} random programs: the interpreter's exact result`, () => {
    const failures = random.flatMap((c) => {
      const why = differs(c, outcomes.get(c.name)!);
      return why === null ? [] : [`${c.name}: ${why}\n${c.source}`];
    });
    expect(failures).toEqual([]);
    // They end every way a program can: off either end of the tape, and at their end.
    const ends = new Set(random.map((c) => outcomes.get(c.name)!.result!.error?.message.match(/off the (left|right) end/)?.[1] ?? "end"));
    expect([...ends].sort()).toEqual(["end", "left", "right"]);
  });

  test("the EOF modes, a buffer of one byte, and loops nested 5,000 deep", () => {
    for (const c of special.filter((c) => c.outputFd === undefined && c.inputFd === undefined)) expect(differs(c, outcomes.get(c.name)!)).toBeNull();
    expect(outcomes.get("one-byte buffer")!.writes).toBe(3);
  });

  test("a write that fails: chapter 7's NativeIOError, with errno", () => {
    expect(outcomes.get("write fails")!.thrown).toEqual({ name: "NativeIOError", message: "writing the output to file descriptor 999 failed: EBADF (Bad file descriptor)" });
  });

  test("a read that fails: the same", () => {
    expect(outcomes.get("read fails")!.thrown).toEqual({ name: "NativeIOError", message: "reading the input from file descriptor 999 failed: EBADF (Bad file descriptor)" });
  });
});
