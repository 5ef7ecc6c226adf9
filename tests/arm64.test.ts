// Chapters 1-3 on Linux arm64: their demos and the key cases of their native tests, run with npm's
// arm64 Bun (under qemu-user on x86-64), and the AArch64 bytes checked against aarch64-linux-gnu-as.
// Each part skips with a message where what it needs is absent.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { ROOT } from "../shared/child.ts";
import { arm64BunCommand } from "../shared/arm64-bun.ts";
import { chapter } from "../shared/chapters.ts";
import {
  A64_ADD,
  A64_ADD_FOUR,
  A64_BRK,
  A64_RETURN_42,
  NATIVE_MACHINES,
  SYNC_CACHES,
  a64ReturnConstant,
} from "../chapters/02-first-bytes/aarch64.ts";
import type { Program } from "../chapters/02-first-bytes/programs.ts";
import { assembleA64, hasA64As, noA64As } from "./support/a64-gas.ts";

if (!hasA64As) console.warn(`skipping the AArch64 bytes check: ${noA64As}`);

const wordsOf = (p: Program) =>
  p.code.map((i) => (i.bytes[0]! | (i.bytes[1]! << 8) | (i.bytes[2]! << 16) | (i.bytes[3]! << 24)) >>> 0);

describe.skipIf(!hasA64As)("chapter 2's AArch64 bytes against aarch64-linux-gnu-as", () => {
  const programs = [A64_RETURN_42, A64_ADD_FOUR, A64_ADD, SYNC_CACHES, a64ReturnConstant(43), a64ReturnConstant(0xdeadbeef)];
  test.each(programs.map((p) => [p.name, p] as const))("%s", (_, program) => {
    expect(program.code.every((i) => i.bytes.length === 4)).toBe(true);
    expect(wordsOf(program)).toEqual(assembleA64(program.code.map((i) => i.asm)));
  });

  test("brk #0 and mov w0, #42; ret as the issue gives them", () => {
    expect(assembleA64(["mov w0, #42", "ret", A64_BRK.asm])).toEqual([0x52800540, 0xd65f03c0, 0xd4200000]);
    expect(wordsOf({ name: "brk", c: "", code: [A64_BRK] })).toEqual(assembleA64(["brk #0"]));
  });
});

test("the table of contents says chapters 1-3 run where chapter 2 has code (the doctor reads it)", () => {
  for (const n of [1, 2, 3]) expect(chapter(n).machines as readonly string[]).toEqual(NATIVE_MACHINES);
});

const command = arm64BunCommand(["--version"]);
const missing = typeof command === "string" ? command : null;
if (missing) console.warn(`skipping chapters 1-3 on arm64: ${missing}`);

function runArm64(args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const argv = arm64BunCommand(args) as string[];
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe.skipIf(missing !== null)("chapters 1-3 with the arm64 Bun", () => {
  test("it is Bun for arm64, at the version of package.json", () => {
    const r = runArm64(["-e", "console.log(process.arch, Bun.version)"]);
    expect(r.stdout.trim()).toBe("arm64 1.4.5");
  });

  test("chapter 1's demo runs (pages need only Linux, not x86-64)", () => {
    const r = runArm64(["chapters/01-pages/main.ts"]);
    expect(r.stderr).not.toContain("UnsupportedHostError");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("r-xp (anonymous)   <- exactly our pages");
    expect(r.stdout).toContain("ENOMEM");
  });

  test("chapter 2's demo lists the AArch64 programs and calls them", () => {
    const r = runArm64(["chapters/02-first-bytes/main.ts"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("40 05 80 52      mov w0, #42");
    expect(r.stdout).toContain("return42()      = 42");
    expect(r.stdout).toContain("addFour(38)     = 42");
    expect(r.stdout).toContain("add(2, 40)      = 42");
    expect(r.stdout).toContain(`returns "i64" = 2147483648n`);
  });

  test("chapter 3's demo: the lifecycle and the dual mapping", () => {
    const r = runArm64(["chapters/03-w-xor-x/main.ts"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/seal\(\) +sealed +r-xp +f\(\) = 42/);
    expect(r.stdout).toContain("writable and executable mappings we added: none"); // the engine's own JIT pages are not ours
    expect(r.stdout).toMatch(/unseal, patch, seal +sealed +r-xp +f\(\) = 43/);
    expect(r.stdout).toContain("written through RW, called through RX: 42");
  });

  test("shared/arm64-run.ts, which the site's AArch64 results come from, runs a chapter's demo", () => {
    const r = spawnSync(process.execPath, ["shared/arm64-run.ts", "chapters/02-first-bytes/main.ts"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(r.stdout).toContain("40 05 80 52      mov w0, #42");
    expect(r.stdout).toContain("return42()      = 42");
    expect(r.status).toBe(0);
  });

  test("the doctor's probe maps, seals and calls AArch64 code", () => {
    const r = runArm64(["shared/workbook/probe.ts"]);
    expect(r.stdout.trim()).toBe("returned 42 from mov w0, #42; ret");
    expect(r.status).toBe(0);
  });

  test("the key cases of chapters 1-3's native tests", () => {
    const r = runArm64(["tests/fixtures/arm64-cases.ts"]);
    expect(r.stderr).toBe("");
    const got = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(got).toEqual({
      machine: "arm64",
      pageSize: 4096,
      readOnly: "r--p",
      calls: [42, 42, 42, "2147483648"],
      rwx: { during: "rwxp", after: "unmapped" },
      fill: [...A64_BRK.bytes, ...A64_BRK.bytes],
      brk: [...A64_BRK.bytes],
      sealed: { perms: "r-xp", result: 42 },
      patched: 0x12345,
      dual: { result: 42, perms: ["rw-s", "r-xs"] },
    });
  });
});
