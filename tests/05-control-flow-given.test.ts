// Chapter 5, what the workbook gives the reader rather than asks of them: the ABI's register sets,
// the harness's canaries and record layout, the programs' table and data, and the demo's script. A chapter's *-given tests pass
// against its stubs by design; `npm run workbook -- contract` checks that they do, and that all its
// other tests fail against them.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { runBun } from "../shared/child.ts";
import type { Gpr } from "../chapters/04-encoder/registers.ts";
import { ARGUMENT_REGISTERS, CALLEE_SAVED, CALLER_SAVED } from "../chapters/05-control-flow/frame.ts";
import { UnknownProgramError, programNamed } from "../chapters/05-control-flow/broken-programs.ts";
import { RECORD, RECORD_SIZE, canary } from "../chapters/05-control-flow/harness-code.ts";
import { dataFor } from "../chapters/05-control-flow/run-in-child.ts";
import { runTsx } from "./fixtures/01-tsx.ts";

const SLOW = { timeoutMs: 60_000 };
setDefaultTimeout(60_000);

describe("the ABI's registers", () => {
  test("the register sets partition the sixteen registers, less rsp", () => {
    const names = (rs: readonly Gpr<64>[]) => rs.map((r) => r.name);
    expect(new Set([...names(CALLER_SAVED), ...names(CALLEE_SAVED), "rsp"]).size).toBe(16);
    expect(names(ARGUMENT_REGISTERS)).toEqual(["rdi", "rsi", "rdx", "rcx", "r8", "r9"]);
    expect(ARGUMENT_REGISTERS.every((r) => CALLER_SAVED.includes(r))).toBe(true);
  });
});

describe("the harness's machine code", () => {
  test("one canary per callee-saved register, all different, none zero in its upper half", () => {
    const values = CALLEE_SAVED.map(canary);
    expect(new Set(values).size).toBe(6);
    expect(values.every((v) => v >> 32n !== 0n)).toBe(true);
  });

  test("the record: 8-byte slots, one per fact, six for the registers", () => {
    const offsets = Object.values(RECORD);
    expect(new Set(offsets).size).toBe(offsets.length);
    expect(offsets.every((o) => o % 8 === 0 && o < RECORD_SIZE)).toBe(true);
    expect(RECORD_SIZE).toBe(RECORD.registers + 48);
  });
});

describe("the programs", () => {
  test("an unknown program name lists the known ones", () => {
    expect(() => programNamed("nope")).toThrow(UnknownProgramError);
    expect(() => programNamed("nope")).toThrow(/choose one of sum, count, sum-in-r12, /);
  });

  test("dataFor builds what each program reads", () => {
    expect(dataFor(programNamed("sum"), [1, -2])).toEqual(Int32Array.of(1, -2));
    expect(dataFor(programNamed("sum"), "AB")).toEqual(Int32Array.of(65, 66));
    expect(dataFor(programNamed("count"), "a\n")).toEqual(Uint8Array.of(97, 10));
    expect(dataFor(programNamed("count"), [0, 255])).toEqual(Uint8Array.of(0, 255));
  });
});

describe("the demo", () => {
  test("an unknown section is a usage error", async () => {
    const r = await runBun("chapters/05-control-flow/main.ts", ["nope"], SLOW);
    expect([r.exitCode, r.stderr.trim()]).toEqual([2, "UsageError: there is no section 'nope': run with one of labels, calls, harness, speed, or none for all"]);
  });

  test("under Node: one line saying it needs Bun", async () => {
    const r = await runTsx("chapters/05-control-flow/main.ts");
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toStartWith("Chapter 5 (control flow and calls) runs native code through bun:ffi, so it needs Bun");
  });
});
