// Chapter 14's demo: its listing is what GNU as makes of the same text, and with --run the functions
// return what they should, on arm64 (under qemu-user with npm's arm64 Bun on x86-64). Each part skips
// with a message where what it needs is absent.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { arm64BunCommand } from "../shared/arm64-bun.ts";
import { ROOT } from "../shared/child.ts";
import { FUNCTIONS } from "../chapters/14-second-machine/functions.ts";
import { assembleA64Parts, hasA64As, noA64As } from "./support/a64-gas.ts";

const MAIN = "chapters/14-second-machine/main.ts";
if (!hasA64As) console.warn(`skipping the check of chapter 14's listing: ${noA64As}`);

function run(argv: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("the demo on this machine", () => {
  test("lists each function, word by word", () => {
    const r = run([process.execPath, MAIN]);
    expect(r.status).toBe(0);
    for (const f of FUNCTIONS) expect(r.stdout).toContain(`${f.c}:\n${f.assemble().toString().replace(/^/gm, "  ")}\n`);
    expect(r.stdout).toContain("A64EncodeError: 'and x0, x1, #0x1234': 0x1234 is not a logical immediate");
  });

  test.skipIf(!hasA64As)("its listing is what GNU as makes of its text", () => {
    const codes = FUNCTIONS.map((f) => f.assemble());
    const texts = codes.map((code, i) => {
      const text = code.listing.map((l) => l.text);
      return FUNCTIONS[i]!.name === "sum" ? sumWithLabels(text) : text;
    });
    expect(assembleA64Parts(texts)).toEqual(codes.map((code) => Array.from(code.words())));
  });

  test("--run on a machine that is not arm64 says how to run it under qemu", () => {
    if (process.arch === "arm64") return;
    const r = run([process.execPath, MAIN, "--run"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`--run: this machine is ${process.arch}, and these are AArch64 instructions`);
  });
});

/** sum's text with its labels where functions.ts binds them: loop before the add, done before the last mov. */
function sumWithLabels(text: readonly string[]): string[] {
  return [...text.slice(0, 2), "loop:", ...text.slice(2, 5), "done:", ...text.slice(5)];
}

const command = arm64BunCommand([MAIN, "--run"]);
if (typeof command === "string") console.warn(`skipping chapter 14's --run on arm64: ${command}`);

describe.skipIf(typeof command === "string")("--run with the arm64 Bun", () => {
  test("calls each function and prints what it returns", () => {
    const r = run(command as string[]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("return42()      = 42");
    expect(r.stdout).toContain("add(2, 40)      = 42");
    expect(r.stdout).toContain("sum(100)        = 5050");
    expect(r.stdout).toContain("constant()      = 0x123456789abcdef0");
  }, 120_000); // Bun starting under qemu-user takes seconds
});
