// Chapter 3: W^X. Mapping, sealing and misuse are checked in this process (no code runs); calls and
// faults run in child processes, and the faults are checked by the signal and the harness's diagnosis.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, fstatSync } from "node:fs";
import { release } from "node:os";
import { BUN, RESULT_MARKER, ROOT, fromJSON, runBun, runChild, runNative } from "../shared/child.ts";
import { ArgumentError } from "../chapters/01-pages/checks.ts";
import { findMapping } from "../chapters/01-pages/maps.ts";
import { bytesAt } from "../chapters/01-pages/pages.ts";
import { libc } from "../chapters/01-pages/libc.ts";
import { RETURN_42, bytesOf } from "../chapters/02-first-bytes/programs.ts";
import {
  CodeBuffer,
  CodeBufferRangeError,
  CodeBufferStateError,
  INT3,
} from "../chapters/03-w-xor-x/code-buffer.ts";
import { DualMapping, createMemfd } from "../chapters/03-w-xor-x/dual-mapping.ts";
import { fault } from "../chapters/03-w-xor-x/faults.ts";
import { exitOf } from "./support/exit.ts";

// Under `npm run coverage` every child loads instrumented sources (about 1 s each): give demos room.
// tests/setup.ts sets the same default, but Bun 1.4.5 applies it to the first test file of a run only.
const SLOW = { timeoutMs: 60_000 };
setDefaultTimeout(60_000);

const CHILD = "tests/fixtures/03-child.ts";
const FAULT_CHILD = "chapters/03-w-xor-x/fault-child.ts";
const perms = (address: number) => findMapping(address)?.perms ?? "unmapped";
const ret42 = bytesOf(RETURN_42);

describe("CodeBuffer lifecycle (no code runs here)", () => {
  test("create: whole pages, RW, filled with int3", () => {
    using buffer = CodeBuffer.create(100);
    expect(buffer.size).toBe(4096);
    expect(buffer.state).toBe("writable");
    expect(perms(buffer.address)).toBe("rw-p");
    expect(bytesAt(buffer.address, buffer.size).every((b) => b === INT3)).toBe(true);
  });

  test("write puts the bytes at the offset and leaves the rest int3", () => {
    using buffer = CodeBuffer.create(4096);
    buffer.write(ret42, 10);
    expect([...bytesAt(buffer.address + 8, 10)]).toEqual([INT3, INT3, ...ret42, INT3, INT3]);
  });

  test("write accepts a Uint8Array as well as an array", () => {
    using buffer = CodeBuffer.create(4096);
    buffer.write(new Uint8Array([1, 2, 3]), 4095 - 2);
    expect([...bytesAt(buffer.address + 4093, 3)]).toEqual([1, 2, 3]);
  });

  test("seal makes the pages RX; unseal makes them RW again; free unmaps them", () => {
    const buffer = CodeBuffer.create(8192);
    const seen: string[] = [];
    const look = () => seen.push(`${buffer.state} ${perms(buffer.address)} ${perms(buffer.address + 4096)}`);
    look();
    buffer.write(ret42).seal();
    look();
    buffer.unseal();
    look();
    buffer.seal();
    look();
    buffer.free();
    look();
    expect(seen).toEqual([
      "writable rw-p rw-p",
      "sealed r-xp r-xp",
      "writable rw-p rw-p",
      "sealed r-xp r-xp",
      "freed unmapped unmapped",
    ]);
  });

  test("the bytes survive sealing", () => {
    using buffer = CodeBuffer.create(4096);
    buffer.write(ret42).seal();
    expect([...bytesAt(buffer.address, ret42.length)]).toEqual(ret42); // reading RX memory is fine
  });

  test("fn on a sealed buffer gives a function (not called here)", () => {
    using buffer = CodeBuffer.create(4096);
    expect(typeof buffer.write(ret42).seal().fn({ args: [], returns: "i32" })).toBe("function");
  });

  test("`using` frees the buffer at the end of the block", () => {
    let address = 0;
    {
      using buffer = CodeBuffer.create(4096);
      address = buffer.address;
      expect(perms(address)).toBe("rw-p");
    }
    expect(perms(address)).toBe("unmapped");
  });

  test("a freed buffer is not freed again by `using`", () => {
    const run = () => {
      using buffer = CodeBuffer.create(4096);
      buffer.free();
    };
    expect(run).not.toThrow();
  });
});

describe("CodeBuffer misuse is an error, never a crash", () => {
  const writable = () => CodeBuffer.create(4096);
  const sealed = () => CodeBuffer.create(4096).write(ret42).seal();
  const freed = () => {
    const b = CodeBuffer.create(4096);
    b.free();
    return b;
  };
  const fn = (b: CodeBuffer) => b.fn({ args: [], returns: "i32" });

  test.each([
    // The message names what was tried (its verb), the state the buffer is in, and ADVICE for that state.
    ["write after seal", sealed, (b: CodeBuffer) => b.write([0x90]), /cannot write\b/, "is sealed"],
    ["seal twice", sealed, (b: CodeBuffer) => b.seal(), /cannot seal\b/, "is sealed"],
    ["unseal a writable buffer", writable, (b: CodeBuffer) => b.unseal(), /cannot unseal\b/, "is writable"],
    ["fn before seal", writable, fn, /cannot call\b/, "only sealed (RX) code may be called"],
    ["write after free", freed, (b: CodeBuffer) => b.write([0x90]), /cannot write\b/, "unmapped by free()"],
    ["seal after free", freed, (b: CodeBuffer) => b.seal(), /cannot seal\b/, "is freed"],
    ["unseal after free", freed, (b: CodeBuffer) => b.unseal(), /cannot unseal\b/, "is freed"],
    ["fn after free", freed, fn, /cannot call\b/, "is freed"],
    ["double free", freed, (b: CodeBuffer) => b.free(), /cannot free\b/, "create a new buffer"],
  ])("%s: CodeBufferStateError", (_name, make, misuse, action, state) => {
    const buffer = make();
    try {
      expect(() => misuse(buffer)).toThrow(CodeBufferStateError);
      expect(() => misuse(buffer)).toThrow(action);
      expect(() => misuse(buffer)).toThrow(state);
    } finally {
      buffer[Symbol.dispose]();
    }
  });

  test.each([
    ["past the end", [1, 2, 3], 4094],
    ["negative offset", [1], -1],
    ["fractional offset", [1], 1.5],
  ])("write %s: CodeBufferRangeError", (_name, bytes, offset) => {
    using buffer = CodeBuffer.create(4096);
    expect(() => buffer.write(bytes, offset)).toThrow(CodeBufferRangeError);
    expect(() => buffer.write(bytes, offset)).toThrow("does not fit in the 4096-byte code buffer");
  });

  test("a write that ends exactly at the end fits", () => {
    using buffer = CodeBuffer.create(4096);
    expect(() => buffer.write([1, 2, 3], 4093)).not.toThrow();
  });

  test("an entry point outside the buffer: CodeBufferRangeError", () => {
    using buffer = CodeBuffer.create(4096);
    buffer.write(ret42).seal();
    expect(() => buffer.fn({ args: [], returns: "i32" }, 4096)).toThrow(CodeBufferRangeError);
  });

  test.each([[[256]], [[-1]], [[0.5]], [[0xc3, NaN]]])("write(%p): not bytes, ArgumentError", (bytes) => {
    using buffer = CodeBuffer.create(4096);
    expect(() => buffer.write(bytes)).toThrow(ArgumentError);
    expect(bytesAt(buffer.address, 2).every((b) => b === INT3)).toBe(true); // nothing was written
  });

  test("create with a bad size is an ArgumentError naming the code buffer", () => {
    expect(() => CodeBuffer.create(0)).toThrow("code buffer size must be at least 1 byte");
  });
});

describe("calling a CodeBuffer (in a child process)", () => {
  test("write, seal, call", async () => {
    const r = await runNative<number>(CHILD, "sealedCall");
    expect(r.diagnosis).toBeNull();
    expect(r.value).toBe(42);
  });

  test("two entry points in one buffer", async () => {
    const r = await runNative<number[]>(CHILD, "twoEntryPoints", [2, 40]);
    expect(r.value).toEqual([42, 42]);
  });

  test("unseal, patch, reseal: the same function runs the new code", async () => {
    const r = await runNative<number[]>(CHILD, "patched");
    expect(r.value).toEqual([42, -1]);
  });

  test("fn leaves a call breadcrumb with the entry point's address", async () => {
    const r = await runNative(CHILD, "twoEntryPoints", [1, 2]);
    const map = r.trace.find((e) => e.ev === "map")!;
    expect(r.trace.filter((e) => e.ev === "call")).toEqual([
      { ev: "call", addr: map.addr },
      { ev: "call", addr: map.addr + 16 },
    ]);
  });
});

describe("W^X: no page is writable and executable at once", () => {
  test("through a CodeBuffer's whole life, with code running, we add no W+X mapping", async () => {
    const r = await runNative<{ steps: string[]; added: string[][] }>(CHILD, "wxThroughLifecycle");
    expect(r.value!.steps).toEqual([
      "created rw-p",
      "written rw-p",
      "sealed, f() = 42 r-xp",
      "unsealed rw-p",
      "resealed r-xp",
      "freed unmapped",
    ]);
    expect(r.value!.added).toEqual([[], [], [], [], [], []]);
  });
});

describe("DualMapping", () => {
  test("two views of one memfd: RW shared and RX shared, 0xCC-filled", () => {
    using dual = DualMapping.create(100);
    expect(dual.size).toBe(4096);
    expect(dual.writeAddress).not.toBe(dual.execAddress);
    expect([perms(dual.writeAddress), perms(dual.execAddress)]).toEqual(["rw-s", "r-xs"]);
    expect(findMapping(dual.execAddress)!.path).toStartWith("/memfd:jit-code");
    expect(bytesAt(dual.execAddress, dual.size).every((b) => b === INT3)).toBe(true);
  });

  test("a write through the RW view is visible through the RX view at once", () => {
    using dual = DualMapping.create(4096);
    dual.write(ret42, 100);
    expect([...bytesAt(dual.execAddress + 100, ret42.length)]).toEqual(ret42);
  });

  test("free unmaps both views; afterwards everything is a CodeBufferStateError", () => {
    const dual = DualMapping.create(4096);
    dual.free();
    expect(dual.state).toBe("freed");
    expect([perms(dual.writeAddress), perms(dual.execAddress)]).toEqual(["unmapped", "unmapped"]);
    expect(() => dual.write([1])).toThrow(CodeBufferStateError);
    expect(() => dual.fn({ args: [], returns: "void" })).toThrow("was freed");
    expect(() => dual.free()).toThrow(CodeBufferStateError);
    expect(() => dual[Symbol.dispose]()).not.toThrow();
  });

  test("out of range and non-byte writes are refused", () => {
    using dual = DualMapping.create(4096);
    expect(() => dual.write([1, 2], 4095)).toThrow(CodeBufferRangeError);
    expect(() => dual.fn({ args: [], returns: "void" }, -1)).toThrow(CodeBufferRangeError);
    expect(() => dual.write([512])).toThrow(ArgumentError);
  });

  test("written through RW, run through RX, patched with no mprotect (in a child)", async () => {
    const r = await runNative<{ views: string[]; results: number[]; added: string[] }>(CHILD, "dualMapping");
    expect(r.value).toEqual({ views: ["rw-s", "r-xs"], results: [42, 7], added: [] });
    expect(r.trace.filter((e) => e.ev === "protect")).toEqual([]); // not one mprotect
  });
});

describe("the memfd's flags: not executable as a program, mappable as code", () => {
  test("createMemfd's file has no exec bits where the kernel knows MFD_NOEXEC_SEAL (6.3+)", () => {
    const [major = 0, minor = 0] = release().split(".").map(Number);
    const fd = createMemfd("exec-bits");
    try {
      const execBits = fstatSync(fd).mode & 0o111;
      expect(execBits).toBe(major > 6 || (major === 6 && minor >= 3) ? 0 : 0o111);
    } finally {
      libc().close(fd);
    }
  });

  // vm.memfd_noexec belongs to a pid namespace: set to 2 in a fresh one, it refuses MFD_EXEC with
  // EACCES and leaves the rest of the machine alone. Needs root, unshare and a 6.3+ kernel.
  const canUnshare =
    process.getuid?.() === 0 &&
    existsSync("/proc/sys/vm/memfd_noexec") &&
    Bun.which("unshare") !== null &&
    Bun.spawnSync(["unshare", "--pid", "--fork", "true"]).exitCode === 0;

  test.skipIf(!canUnshare)("the dual mapping works under vm.memfd_noexec=2 (in a child pid namespace)", async () => {
    // "$$" = 1 proves the shell is its namespace's init before the sysctl is written.
    const script = 'test "$$" = 1 || exit 97; echo 2 > /proc/sys/vm/memfd_noexec || exit 98; exec "$@"';
    const native = [`${ROOT}/shared/native-child.ts`, `${ROOT}/${CHILD}`, "dualMapping", "[]"];
    const r = await runChild(["unshare", "--pid", "--fork", "sh", "-c", script, "sh", BUN, ...native], SLOW);
    expect(r.stderr).not.toContain("EACCES");
    expect(r.exitCode).toBe(0);
    const result = fromJSON(r.stdout.slice(r.stdout.lastIndexOf(RESULT_MARKER) + RESULT_MARKER.length).trim());
    expect(result).toEqual({ views: ["rw-s", "r-xs"], results: [42, 7], added: [] });
  });
});

describe("faults, each in a child process, with the harness's diagnosis", () => {
  test.each([
    ["write-rx", "SIGSEGV", "which is r-x: it was sealed read-only"],
    ["use-after-free", "SIGSEGV", "had already been unmapped: use after free"],
    ["null", "SIGSEGV", "at 0x0: that address is near 0"],
    ["ud2", "SIGILL", "invalid instruction (SIGILL at 0x"],
    ["int3", "SIGTRAP", "executed an int3 (0xCC)"],
    ["no-ret", "SIGTRAP", "ran past the end of your code"],
  ])("%s: %s, diagnosed", async (mode, signal, diagnosis) => {
    const r = await runBun(FAULT_CHILD, [mode]);
    expect(r.signal).toBe(signal);
    expect(r.diagnosis).toContain(diagnosis);
    expect(fault(mode).expect).toBe(signal);
  });

  test("loop: killed at the timeout, diagnosed as never returning", async () => {
    const r = await runBun(FAULT_CHILD, ["loop"], { timeoutMs: 2000 }); // enough to reach the loop, even under coverage
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe("SIGKILL");
    expect(r.diagnosis).toContain("never returned");
  });

  test("ok: exits normally with the result, and no diagnosis", async () => {
    const r = await runBun(FAULT_CHILD, ["ok"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe("ok: returned 42\n");
    expect(r.diagnosis).toBeNull();
  });
});

describe("the demo", () => {
  test("bun chapters/03-w-xor-x/main.ts shows the lifecycle, the errors, the dual mapping and the faults", async () => {
    const r = await runBun("chapters/03-w-xor-x/main.ts", [], SLOW);
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    for (const expected of [
      /seal\(\) +sealed +r-xp +f\(\) = 42/,
      /unseal, patch, seal +sealed +r-xp +f\(\) = 43/,
      /free\(\) +freed +\(unmapped\)/,
      /writable and executable mappings we added: none/,
      /CodeBufferStateError: cannot write into it/,
      /RW view: \S+ rw-s \/memfd:jit-code/,
      /RX view: \S+ r-xs \/memfd:jit-code/,
      /patched through RW, no mprotect, same function: 43/,
      /exec-rw .*\n.*-> SIGSEGV: .*not executable/,
      /ud2 .*\n.*-> SIGILL/,
      /loop .*\n.*-> killed after 1000 ms/,
    ]) {
      expect(r.stdout).toMatch(expected);
    }
  });
});
