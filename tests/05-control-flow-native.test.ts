// Chapter 5, the parts that execute generated code, each in a child process (runNative): the
// programs against JavaScript, the ABI harness against correct and broken functions, the crash a
// misaligned stack causes in libc, and the demo.
import { beforeAll, describe, expect, test } from "bun:test";
import { runBun, runNative, type NativeResult } from "../shared/child.ts";
import { CALLEE_SAVED } from "../chapters/05-control-flow/frame.ts";
import { canary } from "../chapters/05-control-flow/harness-code.ts";
import { Asm } from "../chapters/05-control-flow/labels.ts";
import { programNamed } from "../chapters/05-control-flow/broken-programs.ts";
import type { AbiReport } from "../chapters/05-control-flow/abi-harness.ts";
import type { ProgramRun } from "../chapters/05-control-flow/run-in-child.ts";
import { exitOf } from "./support/exit.ts";

// Under `npm run coverage` every child loads instrumented sources (about 1 s each): give them room.
const SLOW = { timeoutMs: 60_000 };
const CHILD = "chapters/05-control-flow/run-in-child.ts";

/** A reproducible spread of int32s and of text, big enough to loop for a while. */
const ints = Array.from({ length: 1000 }, (_, i) => ((i * 2654435761) % 4294967296) - 2147483648);
const text = Array.from({ length: 5000 }, (_, i) => (i % 37 === 0 ? "\n" : String.fromCharCode(97 + (i % 26)))).join("");

const jsSum = (xs: readonly number[]) => BigInt(xs.reduce((s, x) => s + x, 0));
const jsCount = (s: string, byte: number) => BigInt([...new TextEncoder().encode(s)].filter((b) => b === byte).length);

/** Run `runs` in one child and fail with the child's own words if it did not return. */
async function inChild<T>(exportName: string, args: readonly unknown[]): Promise<T> {
  const r: NativeResult<T> = await runNative<T>(CHILD, exportName, args, SLOW);
  if (!r.ok) throw new Error(`the child failed: ${r.error?.message ?? r.diagnosis ?? r.stderr}`);
  return r.value!;
}

// #region program-cases
const SUMS: [string, number[]][] = [
  ["nothing", []],
  ["one", [42]],
  ["negatives, sign-extended", [-1, -2, -3]],
  ["two int32 maxima: the sum needs 64 bits", [2147483647, 2147483647]],
  ["two int32 minima", [-2147483648, -2147483648]],
  ["1,000 spread over the whole int32 range", ints],
];

const COUNTS: [string, string | number[], number][] = [
  ["empty", "", 10],
  ["two newlines", "a\nb\n", 10],
  ["none", "no newline here", 10],
  ["only newlines", "\n\n\n", 10],
  ["zero bytes", [0, 1, 0, 0, 2], 0],
  ["byte 255", [255, 1, 255], 255],
  ["5,000 bytes of text", text, 10],
];
// #endregion program-cases

describe("the programs, compiled and run in a child", () => {
  let results: bigint[] = [];
  beforeAll(async () => {
    const runs: ProgramRun[] = [
      ...SUMS.map(([, input]) => ({ name: "sum", input })),
      ...COUNTS.map(([, input, arg]) => ({ name: "count", input, arg })),
    ];
    results = await inChild<bigint[]>("runPrograms", [runs]);
  });

  test.each(SUMS.map(([what, input], i) => [what, input, i] as const))("sum of %s", (_what, input, i) => {
    expect(results[i]).toBe(jsSum(input));
  });

  test.each(COUNTS.map(([what, input, arg], i) => [what, input, arg, i] as const))("count in %s", (_what, input, arg, i) => {
    const expected = typeof input === "string" ? jsCount(input, arg) : BigInt(input.filter((b) => b === arg).length);
    expect(results[SUMS.length + i]).toBe(expected);
  });
});

// #region harness-cases
// [program, input, clobbered registers, misaligned calls of all libc calls, rsp moved by]
const HARNESS: [string, string | number[], string[], string, number][] = [
  ["sum", [1, 2, 3], [], "0 of 0", 0],
  ["count", "a\nb\nc", [], "0 of 3", 0],
  ["clobber-caller-saved", "", [], "0 of 0", 0],
  ["sum-in-r12", [1, 2, 3], ["r12"], "0 of 0", 0],
  ["count-unpadded", "a\nb\nc", [], "3 of 3", 0],
  ["count-pops-swapped", "a\nb\nc", ["rbx", "r12", "r13", "r14"], "0 of 3", 0],
  ["ret-8", "", [], "0 of 0", 8],
  ...CALLEE_SAVED.map((r): [string, string, string[], string, number] => [`clobber-${r.name}`, "", [r.name], "0 of 0", 0]),
];
// #endregion harness-cases

describe("the ABI harness, in a child", () => {
  let reports: AbiReport<bigint>[] = [];
  beforeAll(async () => {
    reports = await inChild<AbiReport<bigint>[]>("checkPrograms", [HARNESS.map(([name, input]) => ({ name, input, arg: 10 }))]);
  });

  test.each(HARNESS.map((h, i) => [...h, i] as const))("%s: clobbers %p, misaligned %s calls, moves rsp by %p", (_name, _input, clobbered, calls, delta, i) => {
    const r = reports[i]!;
    expect(r.clobbered.map((c) => c.register)).toEqual(clobbered);
    expect(`${r.misalignedCalls} of ${r.libcCalls}`).toBe(calls);
    expect(r.stackDelta).toBe(delta);
    expect(r.violations.length).toBe(clobbered.length + (r.misalignedCalls > 0 ? 1 : 0) + (delta !== 0 ? 1 : 0));
  });

  test("the broken functions still return the right answer: only the harness notices", () => {
    const value = (name: string) => reports[HARNESS.findIndex((h) => h[0] === name)]!.value;
    expect([value("sum-in-r12"), value("count-unpadded"), value("count-pops-swapped")]).toEqual([6n, 2n, 2n]);
  });

  test("a clobbered register: what it should have held, what it held, and what to do", () => {
    const r = reports[HARNESS.findIndex((h) => h[0] === "clobber-rbx")]!;
    expect(r.clobbered).toEqual([{ register: "rbx", canary: canary(CALLEE_SAVED[0]!), found: 0x1234n }]);
    expect(r.violations[0]).toBe(
      "rbx was clobbered: the function must save and restore it (push it in the prologue, pop it in the epilogue). " +
        "It returned holding 0x1234 instead of 0xca11ab1e00000003.",
    );
  });

  test("registers popped in the wrong order hold each other's canaries, and the message says so", () => {
    const r = reports[HARNESS.findIndex((h) => h[0] === "count-pops-swapped")]!;
    expect(r.clobbered.map((c) => [c.register, c.found])).toEqual(
      ["rbx", "r12", "r13", "r14"].map((name, i, all) => [name, canary(CALLEE_SAVED.find((reg) => reg.name === all[3 - i])!)]),
    );
    expect(r.violations[0]).toEndWith("r14's canary: pop the registers in the reverse order of the pushes.");
  });

  test("a misaligned call is located: the callee, and the offset just after the call in the function", () => {
    const r = reports[HARNESS.findIndex((h) => h[0] === "count-unpadded")]!;
    const a = new Asm();
    programNamed("count-unpadded").emit(a, () => 0x7f00_0000_0000); // the same code, to find its call
    const call = a.listing.find((l) => l.text === "call rax")!;
    expect(r.firstMisaligned).toEqual({ callee: "memchr", returnOffset: call.offset + call.bytes.length, rspMod16: 8 });
    expect(r.violations[0]).toStartWith("3 of 3 calls into libc had a misaligned stack; the first, to memchr");
  });

  test("a moved stack pointer", () => {
    expect(reports[HARNESS.findIndex((h) => h[0] === "ret-8")]!.violations).toEqual([
      "rsp was 8 bytes higher after the function returned: in System V the caller owns its stack, " +
        "so return with a plain ret and leave rsp as the call found it.",
    ]);
  });
});

describe("checkAbi", () => {
  test("returns the value of a function that keeps the rules", async () => {
    expect(await inChild<bigint>("runChecked", [{ name: "count", input: text, arg: 10 }])).toBe(jsCount(text, 10));
  });

  test("throws an AbiViolationError naming the register", async () => {
    const r = await runNative(CHILD, "runChecked", [{ name: "sum-in-r12", input: [1] }], SLOW);
    expect(r.error?.name).toBe("AbiViolationError");
    expect(r.error?.message).toStartWith("sum-in-r12 broke the System V calling convention:\n  - r12 was clobbered: the function must save and restore it");
  });
});

describe("why 16 bytes: snprintf with a double", () => {
  const PRINTF = "chapters/05-control-flow/printf-alignment.ts";

  test("with rsp aligned at the call, it formats", async () => {
    const r = await runNative<string>(PRINTF, "formatWithSnprintf", [Math.PI, "%.5f", true], SLOW);
    expect(r.value).toBe("3.14159");
  });

  test("with rsp 8 bytes off, libc's movaps faults and the child dies", async () => {
    const r = await runNative<string>(PRINTF, "formatWithSnprintf", [Math.PI, "%.5f", false], SLOW);
    expect([r.ok, r.signal]).toEqual([false, "SIGSEGV"]);
  });
});

describe("the demo", () => {
  test("runs every section and exits 0", async () => {
    const r = await runBun("chapters/05-control-flow/main.ts", [], { timeoutMs: 120_000 });
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    for (const line of [
      "== labels ==",
      "== calls ==",
      "MiB apart",
      "0016  75 f1        jne loop",
      "LabelError: label 'top' is already bound",
      "sum: returned 10; 0 libc calls; no rule broken",
      "  - r12 was clobbered",
      "generated, memchr",
      'snprintf("%.5f", pi) with the padding "3.14159"',
      "without it       the child died of SIGSEGV",
    ]) {
      expect(r.stdout).toContain(line);
    }
    expect(r.stdout).toMatch(/^  \+[0-9a-f]{2}  movaps \[rsp\+0x[0-9a-f]+\], xmm0$/m); // snprintf, disassembled
  });
});
