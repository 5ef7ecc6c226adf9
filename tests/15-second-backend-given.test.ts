// Chapter 15, what the workbook gives the reader: the command line (its help, its refusals, and on a
// machine that is not arm64, how to run a program under qemu), and the listing's labels.
import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { ROOT } from "../shared/child.ts";
import { LabelledAssembler } from "../chapters/15-second-backend/listing.ts";
import { x0 } from "../chapters/14-second-machine/registers.ts";

const MAIN = "chapters/15-second-backend/main.ts";

function run(args: readonly string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("the command line", () => {
  test("--help, and the options it refuses", () => {
    expect(run(["--help"]).stdout).toContain("--emit=asm      print the A64 listing");
    const both = run(["-e", "+", "--opt", "--no-opt"]);
    expect(both.status).toBe(2);
    expect(both.stderr).toContain("give --opt or --no-opt, not both");
    expect(run(["-e", "+", "--emit=hex"]).stderr).toContain("--emit must be lir or asm, not 'hex'");
  });

  test.skipIf(process.arch === "arm64")("a run on another machine says how to run it under qemu", () => {
    const r = run(["-e", "+.", "--tape", "16"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`this machine is ${process.arch}, and this code is AArch64`);
    expect(r.stderr).toContain("npx bun shared/arm64-run.ts chapters/15-second-backend/main.ts -e '+.' --tape 16");
  });
});

describe("the LIR the backend lowers", () => {
  test("--emit=lir: what the backend lowers, with chapter 9's passes or without", () => {
    expect(run(["-e", ",[>++>---<<-]>.>.", "--emit=lir"]).stdout).toContain("muladd [1] += [0] * 2");
    expect(run(["-e", ",[>++>---<<-]>.>.", "--emit=lir", "--no-opt"]).stdout).not.toContain("muladd");
  });
});

describe("the listing's labels", () => {
  test("bound labels show in the listing and its GNU as source, before the instruction they mark", () => {
    const a = new LabelledAssembler();
    const top = a.newLabel("top");
    const end = a.newLabel("end");
    a.bind(top).cbz(x0, end).b(top).bind(end).ret();
    expect(a.source()).toEqual(["top:", "cbz x0, end", "b top", "end:", "ret"]);
    expect(a.labels()).toEqual(new Map([["top", 0], ["end", 8]]));
    expect(a.text()).toBe("top:\n  0000  b4000040  cbz x0, end\n  0004  17ffffff  b top\nend:\n  0008  d65f03c0  ret");
  });
});
