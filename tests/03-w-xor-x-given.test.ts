// Chapter 3, what the workbook gives the reader rather than asks of them: memfd_create's retry policy
// and flag names, the fault table and the faults that need no CodeBuffer, and the demo's script, which
// stops under Node before any of the chapter's code runs. A chapter's *-given tests pass against
// its stubs by design; `npm run workbook -- contract` checks that they do, and that all its other
// tests fail against them.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { runBun } from "../shared/child.ts";
import { MFD, memfdFlagNames, memfdRetryFlags } from "../chapters/03-w-xor-x/dual-mapping.ts";
import { FAULTS, UnknownFaultError, fault } from "../chapters/03-w-xor-x/faults.ts";
import { runTsx } from "./fixtures/01-tsx.ts";

setDefaultTimeout(60_000);

const FAULT_CHILD = "chapters/03-w-xor-x/fault-child.ts";

describe("the memfd's flags", () => {
  const SEALED = MFD.CLOEXEC | MFD.NOEXEC_SEAL;

  test("EINVAL for MFD_NOEXEC_SEAL (a kernel before 6.3): retry without it", () => {
    expect(memfdRetryFlags(SEALED, "EINVAL")).toBe(MFD.CLOEXEC);
  });

  test.each([
    ["EINVAL without MFD_NOEXEC_SEAL (a name too long)", MFD.CLOEXEC, "EINVAL"],
    ["EACCES (a security policy)", SEALED, "EACCES"],
    ["EMFILE (too many descriptors)", SEALED, "EMFILE"],
  ])("%s: no retry, the error is the answer", (_name, flags, code) => {
    expect(memfdRetryFlags(flags, code)).toBeNull();
  });

  test("flags are named in error messages", () => {
    expect(memfdFlagNames(SEALED)).toBe("MFD_CLOEXEC | MFD_NOEXEC_SEAL");
    expect(memfdFlagNames(MFD.CLOEXEC)).toBe("MFD_CLOEXEC");
    expect(memfdFlagNames(0)).toBe("0");
  });
});

describe("faults without a CodeBuffer, each in a child process, with the harness's diagnosis", () => {
  test.each([
    ["exec-rw", "SIGSEGV", "which is rw-, not executable: did you mprotect it to RX"],
    ["read-after-unmap", "SIGSEGV", "had already been unmapped: use after free"],
  ])("%s: %s, diagnosed", async (mode, signal, diagnosis) => {
    const r = await runBun(FAULT_CHILD, [mode]);
    expect(r.signal).toBe(signal);
    expect(r.diagnosis).toContain(diagnosis);
    expect(fault(mode).expect).toBe(signal);
  });

  test("an unknown mode is an error listing the modes", async () => {
    expect(() => fault("nope")).toThrow(UnknownFaultError);
    const r = await runBun(FAULT_CHILD, ["nope"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(`UnknownFaultError: there is no fault mode "nope": choose one of ok, exec-rw,`);
  });

  test("every fault in the table is tested (here or in 03-w-xor-x.test.ts), and fault() finds each", () => {
    const covered = ["ok", "exec-rw", "write-rx", "use-after-free", "read-after-unmap", "null", "ud2", "int3", "no-ret", "loop"];
    expect(covered.map((mode) => fault(mode).mode)).toEqual(covered);
    expect(FAULTS.map((f) => f.mode).sort()).toEqual(covered.sort());
  });
});

describe("the demo", () => {
  test("under Node it prints one line naming Bun and exits 1", async () => {
    const r = await runTsx("chapters/03-w-xor-x/main.ts");
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("Chapter 3 (W^X) runs native code through bun:ffi, so it needs Bun");
  });
});
