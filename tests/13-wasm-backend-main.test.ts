// Chapter 13, part 3: the command line, under Bun and under Node (the chapter is pure TypeScript).
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runBun, runChild } from "../shared/child.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { print } from "../chapters/08-lir/print.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { loadPrograms } from "../chapters/09-optimizer/bench.ts";
import { programsIn } from "../shared/programs.ts";
import { BenchError, measureProcesses, measureUnderNode, measureWasm, processTable, QUICK, wasmTable } from "../chapters/13-wasm-backend/bench.ts";
import { compileToWasm } from "../chapters/13-wasm-backend/wasm-tier.ts";
import { exitOf } from "./support/exit.ts";

const MAIN = "chapters/13-wasm-backend/main.ts";

describe("main.ts", () => {
  test("runs a program: standard input in, output out", async () => {
    const r = await runBun(MAIN, ["tests/programs/reverse.b"], { stdin: "stressed" });
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, "desserts", ""]);
  });

  test("--stats: the sizes and times of each stage, and the loop tests with fuel", async () => {
    const r = await runBun(MAIN, ["tests/programs/hello.b", "--stats", "--max-steps", "100000"]);
    expect(r.stdout).toBe("Hello, World!\n");
    expect(r.stderr).toMatch(
      /^tests\/programs\/hello\.b: \d+ LIR ops after optimizing, \d+ bytes of WebAssembly in \d+ functions; parse to LIR [\d.]+ ms, LIR to module [\d.]+ ms, engine compile [\d.]+ ms, run [\d.]+ ms, \d+ loop tests\n$/,
    );
  });

  test("--stats=json: the figures as one line of JSON, for the benchmark", async () => {
    const r = await runBun(MAIN, ["tests/programs/hello.b", "--stats=json"]);
    const stats = JSON.parse(r.stderr) as Record<string, unknown>;
    expect(Object.keys(stats)).toEqual(["tier", "compileMs", "runMs", "codeSize", "steps"]);
    expect(stats).toMatchObject({ tier: "wasm", steps: null });
    expect(stats.codeSize).toBe(compileToWasm(parse(readFileSync(`${ROOT}/tests/programs/hello.b`, "utf8"))).bytes().length);
  });

  test("errors are printed the way compilers print them, with exit code 1", async () => {
    const off = await runBun(MAIN, ["tests/programs/off-right.b"]);
    expect([off.exitCode, off.stderr.split(": error: ")[0]]).toEqual([1, "tests/programs/off-right.b:3:3"]);
    const fuel = await runBun(MAIN, ["-e", "+[]", "--max-steps", "10"]);
    expect(fuel.stderr).toStartWith("-e:1:3: error: stopped here after 10 steps, the limit");
    const syntax = await runBun(MAIN, ["-e", "+]"]);
    expect([syntax.exitCode, syntax.stderr]).toEqual([1, expect.stringContaining("-e:1:2: error: unmatched ']'")]);
    const usage = await runBun(MAIN, ["--emit=x86"]);
    expect([usage.exitCode, usage.stderr]).toEqual([2, expect.stringContaining("--emit must be wat or hex or lir or opt-lir, not 'x86'")]);
    const missing = await runBun(MAIN, ["no-such.b"]);
    expect([missing.exitCode, missing.stderr]).toEqual([2, expect.stringContaining("cannot read no-such.b")]);
  });

  test("--emit shows the module as text or bytes, or the LIR before and after optimizing", async () => {
    const program = compileToWasm(parse("+[.-]"));
    expect((await runBun(MAIN, ["-e", "+[.-]", "--emit=wat"])).stdout).toBe(program.wat());
    expect((await runBun(MAIN, ["-e", "+[.-]", "--emit=wat", "--max-steps", "9"])).stdout).toBe(program.wat(true));
    const dump = (await runBun(MAIN, ["-e", "+[.-]", "--emit", "hex"])).stdout;
    expect(dump).toStartWith('00000000  00 61 73 6d 01 00 00 00                          header: "\\0asm", version 1\n');
    expect((await runBun(MAIN, ["-e", "+[-]", "--emit=lir"])).stdout).toBe(print(lower(parse("+[-]"))));
    expect((await runBun(MAIN, ["-e", "+[-]", "--emit=opt-lir"])).stdout).toBe(print(optimize(lower(parse("+[-]"))).lir));
    expect((await runBun(MAIN, ["-e", "+[-]", "--emit=opt-lir", "--lowered"])).stdout).toBe(print(lower(parse("+[-]"))));
  });

  test("with no program, a demo: the optimized LIR, the module's bytes, and the run", async () => {
    const r = await runBun(MAIN);
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    expect(r.stdout).toContain("set [0] 26\nloop [0] {\n  out [1]\n");
    expect(r.stdout).toContain("code section (id 10)");
    expect(r.stdout).toContain("\nABCDEFGHIJKLMNOPQRSTUVWXYZ\n");
  });

  test("the chapter is pure TypeScript: no bun:ffi, and main.ts runs under Node (tsx)", async () => {
    for (const file of ["main.ts", "wasm-program.ts", "lir-to-wasm.ts", "module.ts", "memory-pool.ts"]) {
      expect(readFileSync(`${ROOT}/chapters/13-wasm-backend/${file}`, "utf8")).not.toMatch(/bun:ffi|01-pages\/ffi/);
    }
    const r = await runChild([`${ROOT}/node_modules/.bin/tsx`, `${ROOT}/${MAIN}`, "tests/programs/cat.b"], { stdin: "under Node", timeoutMs: 30_000 });
    expect([r.exitCode, r.stdout]).toEqual([0, "under Node"]);
  });
});

describe("bench.ts", () => {
  // A benchmark set of tiny programs, in a directory of its own; `bench` stands in for --quick's.
  const dir = mkdtempSync(join(tmpdir(), "wasm-bench-"));
  writeFileSync(join(dir, "tiny.b"), "++++++++[>++++++++<-]>+.[-]");
  writeFileSync(join(dir, "tiny.out"), "A");
  writeFileSync(join(dir, `${QUICK[0]}.b`), "++++++++[>++++++++<-]>++.");
  writeFileSync(join(dir, `${QUICK[0]}.out`), "B");
  writeFileSync(join(dir, "echo.b"), ",[.[-],]"); // ends at the end of input: EOF leaves the cell at 0
  writeFileSync(join(dir, "echo.in"), "hi");
  writeFileSync(join(dir, "echo.out"), "hi");
  const [tiny, echo] = loadPrograms(programsIn(dir, ["tiny", "echo"]).programs);

  test("measures the module and its run, and refuses a wrong answer", () => {
    const t = measureWasm(echo!, 2);
    expect(t).toMatchObject({ name: "echo", functions: 2 });
    expect(t.bytes).toBeGreaterThan(100);
    expect(t.runMs).toBeGreaterThan(0);
    expect(() => measureWasm({ ...tiny!, expected: Uint8Array.of(66) })).toThrow(BenchError);
    expect(wasmTable([t], [{ ...t, runMs: 2000 }]).split("\n")[2]).toMatch(/^\| echo +\| +[\d.]+ KiB \| +2 \| +[\d.]+ ms \| +[\d.]+ ms \| +0\.\d{3} s \| +2\.00 s \|$/);
  });

  test("times the native template JIT and this backend as whole processes, and the module under Node", async () => {
    const p = await measureProcesses(tiny!, 1);
    expect(p.templateMs).toBeGreaterThan(0);
    expect(p.wasmMs).toBeGreaterThan(0);
    expect(processTable([{ name: "tiny", templateMs: 100, wasmMs: 50 }]).split("\n")[2]).toMatch(/^\| tiny +\| +0\.100 s \| +0\.050 s \| +0\.50x \|$/);
    const node = await measureUnderNode(["echo"], 1, dir);
    expect(node.map((n) => n.name)).toEqual(["echo"]);
  }, 60_000);

  test("as a script: both tables; --runs must be a number", async () => {
    const r = await runBun("chapters/13-wasm-backend/bench.ts", ["--dir", dir, "--no-node", "tiny"], { timeoutMs: 60_000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("| tiny ");
    expect(r.stdout).toContain("x86-64 template JIT (ch. 7)");
    const bad = await runBun("chapters/13-wasm-backend/bench.ts", ["--runs", "x"]);
    expect([bad.exitCode, bad.stderr]).toEqual([1, expect.stringContaining("--runs must be a whole number, 1 or more, not 'x'")]);
    const quick = await runBun("chapters/13-wasm-backend/bench.ts", ["--dir", dir, "--no-node", "--quick"], { timeoutMs: 60_000 });
    expect(quick.exitCode).toBe(0);
    expect(quick.stdout.match(/^\| \w+ /gm)).toEqual(["| program ", `| ${QUICK[0]} `, "| program ", `| ${QUICK[0]} `]);
    expect(quick.stdout).toEndWith("takes minutes: bun chapters/13-wasm-backend/bench.ts\n");
    const none = await runBun("chapters/13-wasm-backend/bench.ts", ["--dir", join(dir, "missing")]);
    expect(none.stdout).toContain("(there is no folder ");
  }, 60_000);
});
