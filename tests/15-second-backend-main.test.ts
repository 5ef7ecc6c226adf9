// Chapter 15's command: the A64 listing on any machine (the whole of it a GNU as source that assembles
// to the words it lists), the program's own part with --own, and a run on AArch64 (under qemu-user
// with npm's arm64 Bun on x86-64) that reads, writes and stops with an error at its line:col.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { arm64BunCommand } from "../shared/arm64-bun.ts";
import { ROOT } from "../shared/child.ts";
import { assembleA64, hasA64As, noA64As } from "./support/a64-gas.ts";

const MAIN = "chapters/15-second-backend/main.ts";
const PROGRAM = ",[>++>---<<-]>.>.";

function run(argv: readonly string[], input = ""): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, encoding: "utf8", input, timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

if (!hasA64As) console.warn(`skipping the check of chapter 15's listing against GNU as: ${noA64As}`);

describe("the listing, on this machine", () => {
  test("--emit=asm: labels, offsets, words and instructions; --own keeps the program's part", () => {
    const all = run([process.execPath, MAIN, "-e", PROGRAM, "--emit=asm"]);
    expect(all.status).toBe(0);
    expect(all.stdout).toMatch(/^ {2}0000 {2}a9bc7bfd {2}stp x29, x30, \[sp, #-64\]!$/m);
    expect(all.stdout).toContain("madd w10, w9, w11, w10");
    expect(all.stdout).toMatch(/^flush:$/m);
    const own = run([process.execPath, MAIN, "-e", PROGRAM, "--emit=asm", "--own"]);
    expect(own.stdout).toContain("madd w10, w9, w11, w10");
    expect(own.stdout).not.toMatch(/^flush:$/m);
    expect(own.stdout).not.toContain("stp x29, x30");
  });

  test.skipIf(!hasA64As)("the listing, read as GNU as source, assembles to the words it lists", () => {
    const { stdout } = run([process.execPath, MAIN, "-e", PROGRAM, "--emit=asm"]);
    const lines = stdout.trimEnd().split("\n");
    const source = lines.map((l) => (l.endsWith(":") ? l : l.slice(18)));
    const words = lines.filter((l) => !l.endsWith(":")).map((l) => parseInt(l.slice(8, 16), 16));
    expect(assembleA64(source)).toEqual(words);
  });
});

const command = arm64BunCommand([MAIN, "-e", ",[.,]<", "--eof", "zero", "--stats"]);
if (typeof command === "string") console.warn(`skipping chapter 15's command on arm64: ${command}`);

describe.skipIf(typeof command === "string")("the command on AArch64", () => {
  test("reads standard input, writes standard output, and reports the error at its line:col", () => {
    const r = run(command as string[], "hi\n");
    expect(r.stdout).toBe("hi\n");
    expect(r.stderr).toMatch(/-e: \d+ LIR ops, \d+ bytes of A64 code, 3 writes, 4 reads/);
    expect(r.stderr).toContain("-e:1:6: error: '<' moved the pointer off the left end of the tape");
    expect(r.status).toBe(1);
  }, 120_000);
});
