// The project's own tooling: the directive syntax, the child harness's diagnoses, the verifier.
import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { diagnose, regionAt, runBun, runChild, BUN, ROOT } from "../shared/child.ts";
import { formatBfTable, hasGcc, lastError, parseBenchArgs, runBfBench, statsJson, withoutStats } from "../shared/bf-bench.ts";
import { optionalValue, parseCommand, UsageError } from "../shared/cli.ts";
import { commandArgv, directiveOf, parseDirectives, parseFigures, resolveInclude, DirectiveError } from "../shared/directives.ts";
import { chapter, chapterOfTestFile, CHAPTERS } from "../shared/chapters.ts";
import { closingLine, parseCounts } from "../shared/test-report.ts";
import { failureDetails, parseArgs, progressBar } from "../shared/verify.ts";
import type { TraceEvent } from "../shared/trace.ts";

describe("directives", () => {
  test("include and run fences are directives; other fences are not", () => {
    const doc = "# T\n\n```include\nshared/main.ts#nope\n```\n\n```run exit=1 timeout=500\nbun x.ts --y\n```\n\n```ts\nlet x = 1;\n```\n";
    expect(parseDirectives(doc)).toEqual([
      { kind: "include", line: 3, path: "shared/main.ts", region: "nope" },
      { kind: "run", line: 7, command: "bun x.ts --y", expectExit: 1, timeoutMs: 500, figures: null, beside: false },
    ]);
    expect(directiveOf("run figures=interp", "bun x.ts", 3)).toMatchObject({ kind: "run", figures: "interp" });
    expect(directiveOf("run beside timeout=9000", "bun x.ts", 3)).toMatchObject({ kind: "run", beside: true, timeoutMs: 9000 });
  });

  test("a figures run prints one JSON object of strings and numbers", () => {
    expect(parseFigures('{"mandelbrot":"16.6 s","cells":30000}', "bun f.ts")).toEqual({ mandelbrot: "16.6 s", cells: "30000" });
    expect(() => parseFigures("16.6 s", "bun f.ts")).toThrow("run `bun f.ts` should print one JSON object of figures");
    expect(() => parseFigures('{"a":[1]}', "bun f.ts")).toThrow("figure a is [1], not a string or a number");
  });

  test("a bad run option or an empty include is an error naming the line", () => {
    expect(() => directiveOf("run verbose", "bun x.ts", 12)).toThrow("line 12: unknown run option 'verbose'");
    expect(() => directiveOf("include", "", 4)).toThrow(DirectiveError);
  });

  test("regions are found, markers dropped, indentation stripped", () => {
    const r = resolveInclude("tests/fixtures/regions.ts", "inner");
    expect(r.text).toBe("const inner = 2;");
    const outer = resolveInclude("tests/fixtures/regions.ts", "outer");
    expect(outer.text).toBe("function f() {\n  const inner = 2;\n  return inner;\n}");
    expect([outer.startLine, outer.endLine]).toEqual([4, 9]);
    expect(() => resolveInclude("tests/fixtures/regions.ts", "missing")).toThrow("has no region 'missing'");
    expect(() => resolveInclude("tests/fixtures/nope.ts", null)).toThrow("does not exist");
  });

  test("bun and npx tsx in a command mean the pinned tools", () => {
    expect(commandArgv("bun a.ts 'two words'")).toEqual([process.execPath, "a.ts", "two words"]);
    expect(commandArgv("npx tsx a.ts")[0]).toEndWith("node_modules/.bin/tsx");
  });
});

describe("child harness", () => {
  const page = 0x7f0000001000;
  const mapped: TraceEvent = { ev: "map", addr: page, size: 4096, prot: "rw-", how: "mmap" };
  const segv = (trace: TraceEvent[], faultAddress: number | null) =>
    diagnose({ signal: "SIGSEGV", timedOut: false, faultAddress, trace, exitCode: null }, 1000)!;

  test("executing an RW page asks whether it was mprotected to RX", () => {
    expect(segv([mapped, { ev: "call", addr: page }], page)).toContain("did you mprotect it to RX");
  });
  test("writing a sealed page says it is read-only", () => {
    expect(segv([mapped, { ev: "protect", addr: page, size: 4096, prot: "r-x" }], page + 8)).toContain("sealed read-only");
  });
  test("touching a guard page says a bounds check is missing", () => {
    expect(segv([{ ...mapped, prot: "---" }], page + 3)).toContain("guard page");
  });
  test("touching an unmapped page is a use after free", () => {
    expect(segv([mapped, { ev: "unmap", addr: page, size: 4096 }], page)).toContain("use after free");
  });
  test("small addresses are null pointers; unknown ones are wild", () => {
    expect(segv([], 8)).toContain("near 0");
    expect(segv([mapped], 0x1234567000)).toContain("outside every page");
  });
  test("other signals and timeouts have their own diagnosis", () => {
    const d = (signal: string | null, timedOut = false) => diagnose({ signal, timedOut, faultAddress: null, trace: [], exitCode: null }, 500);
    expect(d("SIGILL")).toContain("invalid instruction");
    expect(d("SIGTRAP")).toContain("int3");
    expect(d("SIGKILL", true)).toContain("never returned");
    expect(d(null)).toBeNull();
  });
  test("regionAt replays mapping changes", () => {
    expect(regionAt([mapped, { ev: "protect", addr: page, size: 4096, prot: "r-x" }], page + 1)?.prot).toBe("r-x");
    expect(regionAt([mapped], page + 4096)).toBeNull();
  });
  test("a real child that hangs is killed and diagnosed", async () => {
    const r = await runChild([BUN, "-e", "while (true) {}"], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.diagnosis).toContain("never returned");
  });
  test("a real child's output and exit code come back", async () => {
    const r = await runChild([BUN, "-e", "console.log('hi'); process.exit(3)"]);
    expect([r.stdout, r.exitCode, r.signal, r.diagnosis]).toEqual(["hi\n", 3, null, null]);
  });
});

describe("verify", () => {
  test("arguments", () => {
    expect(parseArgs(["3"])).toEqual({ upTo: 3, only: false });
    expect(parseArgs(["--only", "4"])).toEqual({ upTo: 4, only: true });
    expect(() => parseArgs(["16"])).toThrow("chapter 16 does not exist");
    expect(() => parseArgs(["--fast"])).toThrow("unknown option --fast");
    expect(() => parseArgs(["3", "x"])).toThrow("unknown argument");
  });
  test("progress bar and closing line", () => {
    expect(progressBar(3, 13)).toBe("[███░░░░░░░░░░] 3 of 13 chapters green");
    expect(closingLine(parseCounts(" 12 pass\n 1 skip\n 2 fail\n"))).toBe("tests: 12 passed, 2 failed, 1 skipped");
  });
  test("failure details leave out passing tests", () => {
    expect(failureDetails("bun test v1\n(pass) a\nerror: boom\n(fail) b")).toBe("error: boom\n(fail) b");
  });
  test("test files map to chapters", () => {
    expect(chapterOfTestFile("tests/04-encoder-as.test.ts")).toBe(4);
    expect(chapterOfTestFile("tests/book.test.ts")).toBeNull();
    expect(chapter(6).slug).toBe("06-interpreter");
    expect(() => chapter(16)).toThrow(RangeError);
  });
});

describe("command lines", () => {
  const mains = CHAPTERS.map((c) => `chapters/${c.slug}/main.ts`).filter((m) => existsSync(resolve(ROOT, m)));
  const commands = ["shared/start.ts", "shared/demos.ts", "shared/bench.ts", "shared/fuzz.ts", "shared/programs-cli.ts", "shared/verify.ts", "shared/workbook/cli.ts", "shared/bfgen/main.ts", "site/build.ts", "site/serve.ts"];
  const all = [...mains, ...commands];

  test("every chapter's main.ts is here", () => {
    expect(mains.length).toBe(CHAPTERS.length);
  });

  test.each(all)("%s --help prints its usage and exits 0", async (file) => {
    const r = await runBun(file, ["--help"], { timeoutMs: 30_000 });
    expect([r.exitCode, r.stderr.replace(/^jit-trace .*\n/gm, "")]).toEqual([0, ""]);
    expect(r.stdout).toContain("-h, --help");
  });

  test.each(all)("%s --frobnicate is a usage error: exit 2, the option named", async (file) => {
    const r = await runBun(file, ["--frobnicate"], { timeoutMs: 30_000 });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^\w*UsageError: unknown option --frobnicate\b.*\s+usage: /m);
  });

  test("every option is checked before the program is read, parsed or compiled: a 5 MB program and a bad flag fail at once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "huge-"));
    const huge = join(dir, "huge.b");
    writeFileSync(huge, "+[>+<-]".repeat(750_000)); // minutes of compiling for the native tiers
    const bad: Record<string, readonly string[]> = {
      "06-interpreter": ["--tape", "0"],
      "07-template-jit": ["--max-steps", "5"],
      "08-lir": ["--jit", "--max-steps", "5"],
      "09-optimizer": ["--tier", "nope"],
      "10-faster-code": ["--simd", "mmx"],
      "11-tiering": ["--tier", "opt", "--threshold", "3"],
      "12-hostile-programs": ["--timeout", "0"],
      "13-wasm-backend": ["--emit=elf"],
    };
    try {
      const runs = await Promise.all(
        Object.entries(bad).map(async ([slug, flags]) => {
          const started = performance.now();
          const r = await runBun(`chapters/${slug}/main.ts`, [huge, ...flags], { timeoutMs: 30_000 });
          return { slug, exitCode: r.exitCode, error: r.stderr.split(":")[0], fast: performance.now() - started < 10_000 };
        }),
      );
      for (const r of runs) expect(r).toEqual({ slug: r.slug, exitCode: r.error === "UsageError" ? 2 : 1, error: expect.stringMatching(/^(UsageError|UnsupportedOptionError)$/), fast: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("parseCommand: --help, an unknown option, a missing value, a value that starts with '-'", () => {
    const config = { allowPositionals: true, options: { tape: { type: "string" }, code: { type: "string", short: "e" }, stats: { type: "boolean" } } } as const;
    const printed: string[] = [];
    expect(parseCommand(["--help"], "usage: x [--tape N]\n\nmore", config, (t) => printed.push(t))).toBeNull();
    expect(printed).toEqual(["usage: x [--tape N]\n\nmore"]);
    expect(() => parseCommand(["--frob"], "x [--tape N]", config)).toThrow(new UsageError("unknown option --frob\nusage: x [--tape N]  (--help for more)"));
    expect(() => parseCommand(["p.b", "--tape"], "x", config)).toThrow("--tape needs a value");
    expect(() => parseCommand(["--stats=json"], "x", config)).toThrow("--stats takes no value");
    expect(parseCommand(["--tape", "-1", "-e", "-[+]", "--stats"], "x", config)!.values).toEqual({ tape: "-1", code: "-[+]", stats: true });
    expect(optionalValue(["p.b", "--stats=json"], "stats", "json")).toEqual({ argv: ["p.b", "--stats"], given: true });
  });
});

describe("the bench's peers", () => {
  test("--peer NAME='CMD {prog}', repeatable; a wrong one says how to write it", () => {
    expect(parseBenchArgs(["--peer", "a=x {prog}", "--peer=b=sh -c 'y {prog}'"])!.options.peers).toEqual([
      { name: "a", command: "x {prog}" },
      { name: "b", command: "sh -c 'y {prog}'" },
    ]);
    expect(() => parseBenchArgs(["--peer", "=x {prog}"])).toThrow("write it NAME='command {prog}'");
    expect(() => parseBenchArgs(["--peer", "a=x"])).toThrow("{prog} stands for the program's path");
  });

  test("peers are measured run by run in turn, each a ratio column; one that fails is reported and the rest goes on", async () => {
    const dir = mkdtempSync(join(tmpdir(), "peers-"));
    try {
      writeFileSync(join(dir, "bench.b"), "++++++++[>++++++++<-]>+.");
      writeFileSync(join(dir, "bench.out"), "A");
      writeFileSync(join(dir, "bench.in"), "the input");
      const log = join(dir, "log");
      // Fake implementations: each notes its turn, checks its input, and prints the expected output.
      const peer = (tag: string) => `echo ${tag} >> '${log}'; test "$(cat)" = "the input" && test -f {prog} && printf A`;
      const report = await runBfBench({
        runs: 3,
        programs: ["bench"],
        dir,
        tiers: [],
        peers: [
          { name: "first", command: peer("1") },
          { name: "second", command: peer("2") },
          { name: "broken", command: "exit 3 # {prog}" },
        ],
        cacheDir: join(dir, "gcc"),
      });
      expect(readFileSync(log, "utf8")).toBe("1\n2\n1\n2\n1\n2\n");
      expect(report.startupMs).toEqual([]); // no tier of the book's: no start-up of Bun's to measure
      expect(report.cells.map((c) => [c.tier, c.status, c.processMs.length])).toEqual([
        ["peer:first", "ok", 3],
        ["peer:second", "ok", 3],
        ["peer:broken", "failed", 0],
      ]);
      const table = formatBfTable(report);
      expect(table.split("\n")[0]).toMatch(/\| vs first \| vs second \| vs broken \|$/);
      expect(table).toMatch(/\| +\| second +\|.*\| +[\d.]+x \| +\| +\|$/m);
      expect(table).toContain("bench, broken: exited with 3");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--stats' JSON is found inside a line another thread cut; a failed run's note is the last line besides it", () => {
    const stderr = 'Optimized f#A using DFG{"tier":"fast","compileMs":12.5}\n with DFG into 8 bytes in 1 ms.\nprog.b:1:2: error: off the tape\n{"tier":"fast","compileMs":3}\n';
    expect(statsJson(stderr).compileMs).toBe(3); // the last one
    expect(statsJson("no stats here")).toEqual({});
    expect(withoutStats(stderr)).toBe("Optimized f#A using DFG with DFG into 8 bytes in 1 ms.\nprog.b:1:2: error: off the tape\n");
    expect(lastError(stderr)).toBe("prog.b:1:2: error: off the tape");
  });

  test("a program of --dir runs with the tape every tier gives by default, which grows (and gcc's binary with as many cells)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tape-"));
    try {
      writeFileSync(join(dir, "far.b"), `${">".repeat(40_000)}+.`); // past the 30,000 cells a fixed tape has
      writeFileSync(join(dir, "far.out"), "\x01");
      const report = await runBfBench({ runs: 1, programs: ["far"], dir, tiers: ["fast", "gcc"], peers: [], cacheDir: join(dir, "gcc") });
      const gcc = hasGcc() ? [["gcc", "ok"]] : []; // without gcc, no gcc column
      expect(report.cells.map((c) => [c.tier, c.status])).toEqual([["fast", "ok"], ...gcc]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
