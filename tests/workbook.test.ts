// Workbook mode (shared/workbook/): the stubs, the redirect of imports to a reader's workspace, and
// what verify makes of a failing run. The contract over the real chapters is in
// tests/workbook-contract.test.ts; a reader's whole session, in tests/workbook-verify.test.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { BUN, runChild } from "../shared/child.ts";
import { CHAPTERS, runsOn, TOTAL_CHAPTERS } from "../shared/chapters.ts";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { calledWhileLoading, formatContract, type ContractResult } from "../shared/workbook/contract.ts";
import { checkBun, checkChromium, checkClassicPrograms, checkHost, formatChecks, probeCheck, probeNativeCode, type Host } from "../shared/workbook/doctor.ts";
import { crashDiagnosis, shownPath } from "../shared/workbook/crash-report.ts";
import { explain, failedTests, machineCodeIn, unwrittenIn } from "../shared/workbook/failure.ts";
import { chapterOnDisk, chaptersOnDisk, isGivenTestFile, ROOT, testFilesOf } from "../shared/workbook/layout.ts";
import { disassemble, explainBytes, parseHexBytes } from "../shared/workbook/machine-code.ts";
import { NotImplemented, notImplemented } from "../shared/workbook/not-implemented.ts";
import { keepLessons } from "../shared/workbook/generate.ts";
import { lessonsOf, parseLessons } from "../shared/workbook/lessons.ts";
import { planChapter, type FilePlan } from "../shared/workbook/plan.ts";
import { ago, describeChange, loadProgress, saveProgress } from "../shared/workbook/progress.ts";
import { redirect, workspaceOf } from "../shared/workbook/redirect.mjs";
import { renderStub } from "../shared/workbook/render.ts";
import { workbookEnv, type TestRun } from "../shared/workbook/run-tests.ts";
import { outcomes } from "../shared/test-report.ts";
import { formatStart, start } from "../shared/workbook/start.ts";
import { openTypeScript, type TypeScript } from "../shared/workbook/typescript.ts";
import { Rerunner } from "../shared/workbook/watch.ts";
import { recordedWorkspace, workspacePath, WorkspaceError, writeStubs } from "../shared/workbook/workspace.ts";
import { parseArgs, workspaceFor, type VerifyArgs } from "../shared/verify.ts";

const SCRATCH = join(ROOT, ".cache/workbook-tests/unit");
beforeAll(() => mkdirSync(SCRATCH, { recursive: true }));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

describe("NotImplemented", () => {
  test("names the function, the module and the chapter, and says what to do", () => {
    const e = new NotImplemented("04-encoder/assembler.ts", "Assembler.add");
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.module, e.function]).toEqual(["NotImplemented", "04-encoder/assembler.ts", "Assembler.add"]);
    expect(e.message).toStartWith("Assembler.add (04-encoder/assembler.ts, chapter 4) is not written yet: replace the stub's line (the one that names NotImplemented)");
  });
});

describe("the plan and the stubs (TypeScript's compiler API)", () => {
  const FIXTURE = join(ROOT, "tests/fixtures/workbook");
  let ts: TypeScript;
  let plans: FilePlan[];
  const plan = (file: string) => plans.find((p) => p.path.endsWith(file))!;
  const render = (file: string) =>
    renderStub(plan(file), { module: `07-sample/${file}`, chapter: 7, notImplementedImport: "../../shared/workbook/not-implemented.ts" });

  beforeAll(async () => {
    ts = await openTypeScript(ROOT);
    plans = await planChapter(ts, [join(FIXTURE, "sample.ts"), join(FIXTURE, "helper.ts")]);
  });
  afterAll(() => ts.close());

  test("every kind of function is found, with the name NotImplemented gives it", () => {
    expect(plan("sample.ts").sites.map((s) => s.label)).toEqual([
      "square", "add1", "inferred", "arrow", "new SampleError", "new Counter", "get Counter.value", "set Counter.value", "Counter.bump", "limits.max",
    ]);
  });

  test.each([
    ["square", "load-time"], //           called through .map() while TABLE is built
    ["twice", "load-time"], //            called from another module of the chapter, also while TABLE is built
    ["new Counter", "load-time"], //      static ZERO = new Counter(0)
    ["inferred", "inferred"], //          no return type: the body is its type
    ["add1", null], //                    only stored in OPS, never called while loading
    ["thrice", null],
    ["arrow", null],
    ["new SampleError", null],
    ["Counter.bump", null],
    ["limits.max", null],
  ])("%s: given %p", (label, given) => {
    const site = plans.flatMap((p) => p.sites).find((s) => s.label === label);
    expect(site?.given).toBe(given as "load-time" | "inferred" | null);
  });

  test("a stub replaces the body, keeping the doc comment and the signature", () => {
    expect(render("sample.ts")).toContain(
      `/** The reader writes this. */\nexport function add1(n: number): number {\n  throw new NotImplemented("07-sample/sample.ts", "add1");\n}\n`,
    );
    expect(render("sample.ts")).not.toContain("a comment inside the body");
    expect(render("sample.ts")).toContain(`export const arrow = (s: string): string => {\n  throw new NotImplemented("07-sample/sample.ts", "arrow");\n};`);
  });

  test("a derived class's constructor is one super() call whose arguments throw: nothing after it, one line to replace", () => {
    expect(render("sample.ts")).toContain(
      `  constructor(what: string) {\n    super(...notImplemented<ConstructorParameters<typeof Error>>("07-sample/sample.ts", "new SampleError"));\n  }`,
    );
    expect(() => notImplemented("07-sample/sample.ts", "new SampleError")).toThrow(NotImplemented);
  });

  test("given functions keep their body, marked, and #region lines go", () => {
    const text = render("helper.ts");
    expect(text).toContain("// Given (not yours to write): it runs while sample.ts loads, to build a table or a constant.\n/** Doubles n.");
    expect(text).toContain("  return n * 2;\n");
    expect(render("sample.ts")).toContain("// Given (not yours to write): its return type is inferred from this body");
    expect(render("sample.ts")).not.toContain("#region");
  });

  test("the header says what is whose; the import of NotImplemented follows the file's imports", () => {
    const text = render("sample.ts");
    expect(text).toStartWith("// Workbook stub of chapter 7's 07-sample/sample.ts");
    expect(text).toContain("//   npm run verify -- 7\n");
    expect(text).toContain(`import { twice } from "./helper.ts";\nimport { NotImplemented, notImplemented } from "../../shared/workbook/not-implemented.ts";\n`);
    // helper.ts has no imports: after its leading comment, before its first statement.
    expect(render("helper.ts")).toContain(`calls while it loads.\n\nimport { NotImplemented } from "../../shared/workbook/not-implemented.ts";\n\n// Given`);
  });
});

describe("crash reports name the reader's file", () => {
  test("a chapter module the workspace holds is named in the workspace; any other as it is", () => {
    const ws = join(SCRATCH, "ws-crash");
    mkdirSync(join(ws, "02-first-bytes"), { recursive: true });
    writeFileSync(join(ws, "02-first-bytes/calls.ts"), "");
    expect(shownPath(join(ROOT, "chapters/02-first-bytes/calls.ts"), ws)).toBe(`${relative(ROOT, ws)}/02-first-bytes/calls.ts`);
    expect(shownPath("chapters/03-w-xor-x/faults.ts", ws)).toBe("chapters/03-w-xor-x/faults.ts");
    expect(shownPath("chapters/02-first-bytes/calls.ts", undefined)).toBe("chapters/02-first-bytes/calls.ts");
    expect(shownPath("/usr/bin/env", ws)).toBe("/usr/bin/env");
  });

  test("a fault at a small address suggests the ret that is missing", () => {
    expect(crashDiagnosis("SIGSEGV", "Segmentation fault at address 0x2A", 10, 1000)).toContain("ran past its end without a ret");
  });
});

describe("a chapter's lessons (its README's workbook fence)", () => {
  const readme = ["# Pages", "", "```workbook", "pages.ts   mapPages        #the-right-way-mmap", "libc.ts    new LibcError   #errno-typed", "```", ""].join("\n");

  test("each line: the module, the function as NotImplemented names it, the section that explains it", () => {
    expect(parseLessons(readme)).toEqual([
      { file: "pages.ts", label: "mapPages", anchor: "the-right-way-mmap", line: 4 },
      { file: "libc.ts", label: "new LibcError", anchor: "errno-typed", line: 5 },
    ]);
    expect(parseLessons("# No fence")).toBeNull();
    expect(() => parseLessons("```workbook\nmapPages\n```", "x/README.md")).toThrow('x/README.md line 2: a workbook line is "file.ts  function  #section"');
  });

  test("only the lessons are stubbed; a lesson that names no function is an error naming the README line", async () => {
    const ts = await openTypeScript(ROOT);
    try {
      const plans = await planChapter(ts, [join(ROOT, "tests/fixtures/workbook/sample.ts")]);
      const lesson = (label: string) => ({ file: "sample.ts", label, anchor: "a", line: 9 });
      keepLessons(plans, [lesson("add1"), lesson("Counter.bump")], "workbook");
      expect(plans[0]!.sites.filter((s) => s.given === null).map((s) => s.label)).toEqual(["add1", "Counter.bump"]);
      expect(plans[0]!.sites.find((s) => s.label === "arrow")!.given).toBe("not-a-lesson");
      expect(() => keepLessons(plans, [lesson("nosuch")], "workbook")).toThrow("chapters/workbook/README.md line 9: sample.ts has no function nosuch");
    } finally {
      await ts.close();
    }
  });

  test("chapter 1 asks for at most a dozen functions, each explained by a heading of its README", () => {
    const lessons = lessonsOf(ROOT, "01-pages")!;
    expect(lessons.length).toBeGreaterThan(0);
    expect(lessons.length).toBeLessThanOrEqual(12);
  });
});

describe("the redirect to a workspace", () => {
  const ws = workspaceOf("/book", "/book/my-jit");
  (ws as { hasChapter: (s: string) => boolean }).hasChapter = (slug) => slug === "01-pages" || slug === "02-first-bytes";
  test.each<[string, string | undefined, string | null]>([
    // specifier, importer, what to load (null: as usual)
    ["../chapters/01-pages/libc.ts", "/book/tests/01-pages.test.ts", "/book/my-jit/01-pages/libc.ts"],
    ["../chapters/03-w-xor-x/code-buffer.ts", "/book/tests/03-w-xor-x.test.ts", null], // not in the workspace
    ["./ffi.ts", "/book/chapters/01-pages/libc.ts", "/book/my-jit/01-pages/ffi.ts"],
    ["./ffi.ts", "/book/my-jit/01-pages/libc.ts", null], // already there
    ["../01-pages/ffi.ts", "/book/my-jit/02-first-bytes/calls.ts", null],
    ["../03-w-xor-x/code-buffer.ts", "/book/my-jit/02-first-bytes/calls.ts", "/book/chapters/03-w-xor-x/code-buffer.ts"],
    ["../../shared/main.ts", "/book/my-jit/01-pages/main.ts", null],
    ["/book/chapters/02-first-bytes/calls.ts", undefined, "/book/my-jit/02-first-bytes/calls.ts"], // an entry point
    ["file:///book/chapters/01-pages/maps.ts", "/book/shared/native-child.ts", "/book/my-jit/01-pages/maps.ts"],
    ["bun:ffi", "/book/my-jit/01-pages/ffi.ts", null],
    ["iced-x86", "/book/chapters/04-encoder/bench.ts", null],
  ])("import %p from %p -> %p", (spec, importer, expected) => {
    expect(redirect(ws, spec, importer, "/book")).toBe(expected);
  });

  test("a workspace elsewhere still means the chapters' paths: imports resolve as from chapters/", () => {
    const far = workspaceOf("/book", "/book/.cache/ws");
    (far as { hasChapter: (s: string) => boolean }).hasChapter = (slug) => slug === "01-pages";
    expect(redirect(far, "../../shared/main.ts", "/book/.cache/ws/01-pages/main.ts", "/book")).toBe("/book/shared/main.ts");
    expect(redirect(far, "../02-first-bytes/calls.ts", "/book/.cache/ws/01-pages/x.ts", "/book")).toBe("/book/chapters/02-first-bytes/calls.ts");
  });

  test("the environment for a workspace: JIT_WORKBOOK for Bun, the hooks for Node, no coverage", () => {
    const env = workbookEnv("/book/my-jit", { NODE_OPTIONS: "--max-old-space-size=512", NYC_BUN: "1", HOME: "/h" });
    expect(env.JIT_WORKBOOK).toBe("/book/my-jit");
    expect(env.NODE_OPTIONS).toMatch(/^--max-old-space-size=512 --import=file:\/\/.*\/shared\/workbook\/node-hooks\.mjs$/);
    expect(env.NYC_BUN).toBeUndefined();
    expect(env.HOME).toBe("/h");
  });
});

describe("workspaces", () => {
  test.each([
    ["my-jit", null],
    ["work/deeper", "directly inside the repository"],
    ["../elsewhere", "directly inside the repository"],
    ["chapters", "one of the book's own folders"],
    ["tests", "one of the book's own folders"],
  ])("workspacePath(%p): refused with %p", (dir, error) => {
    if (error === null) expect(workspacePath(dir, "/book")).toBe("/book/my-jit");
    else {
      expect(() => workspacePath(dir, "/book")).toThrow(WorkspaceError);
      expect(() => workspacePath(dir, "/book")).toThrow(error);
    }
  });

  test("start writes the stubs, a tsconfig and a README, records the workspace, and never overwrites", async () => {
    const root = join(SCRATCH, "root");
    const state = join(SCRATCH, "state");
    const chapters = [chapterOnDisk(1)];
    const first = await start("mine", { root, stateDir: state, chapters });
    const checks = join(root, "mine/01-pages/checks.ts");
    expect(readFileSync(checks, "utf8")).toContain(`throw new NotImplemented("01-pages/checks.ts", "checkSize");`);
    expect(JSON.parse(readFileSync(join(root, "mine/tsconfig.json"), "utf8")).compilerOptions).toEqual({ noUnusedLocals: false, noUnusedParameters: false, strictPropertyInitialization: false });
    expect(existsSync(join(root, "mine/README.md"))).toBe(true);
    expect(recordedWorkspace(state, root)).toBe(join(root, "mine"));
    expect(formatStart(first)).toContain("Created mine/");
    expect(formatStart(first)).toMatch(/01 Pages +\d+ files +\d+ functions to write, \d+ given/);

    writeFileSync(checks, "// my own work\n");
    const again = await start("mine", { root, stateDir: state, chapters });
    expect(readFileSync(checks, "utf8")).toBe("// my own work\n");
    expect(again.written).toEqual([]);
    expect(formatStart(again)).toContain(`added 0 new file(s); kept the ${first.stubs.length} you already have`);
  });

  test("writeStubs with keep adds only what is missing", () => {
    const dir = join(SCRATCH, "keep");
    const stub = (module: string) => ({ reference: "", module, text: module, stubbed: [], given: [] });
    writeStubs(dir, [stub("01-x/a.ts")]);
    expect(writeStubs(dir, [stub("01-x/a.ts"), stub("01-x/sub/b.ts")], true).map((s) => s.module)).toEqual(["01-x/sub/b.ts"]);
    expect(readFileSync(join(dir, "01-x/sub/b.ts"), "utf8")).toBe("01-x/sub/b.ts");
  });
});

describe("chapters on disk", () => {
  test("are found from the folders, with their test files, the main one first", () => {
    const four = chaptersOnDisk().find((c) => c.n === 4)!;
    expect(four.slug).toBe("04-encoder");
    expect(four.modules).toContain(join(ROOT, "chapters/04-encoder/assembler.ts"));
    expect(four.tests[0]).toBe("./tests/04-encoder.test.ts");
    expect(testFilesOf(4)).toContain("./tests/04-encoder-given.test.ts");
    expect(isGivenTestFile("./tests/04-encoder-given.test.ts")).toBe(true);
    expect(isGivenTestFile("./tests/04-encoder.test.ts")).toBe(false);
    expect(() => chapterOnDisk(99)).toThrow("chapter 99 has no folder under chapters/ yet");
  });
});

// A bun test report with one failure of each kind verify explains (the shapes bun 1.4 prints).
const REPORT = [
  "bun test v1.4.5 (a7733435c)",
  "",
  "tests/04-encoder.test.ts:",
  "(pass) registers > 48 01 d8 [0.10ms]",
  "46 |     expect(hex(encode(emit).bytes())).toBe(expected);",
  "                                              ^",
  "error: expect(received).toBe(expected)",
  "",
  'Expected: "48 8b 43 10"',
  'Received: "48 8b 83 10"',
  "",
  "      at <anonymous> (/book/tests/04-encoder.test.ts:46:39)",
  "(fail) ModRM > 48 8b 43 10 [0.65ms]",
  "(skip) needs binutils",
  "error: expect(received).toThrow(expected)",
  "",
  "Expected constructor: ArgumentError",
  "Received constructor: NotImplemented",
  "",
  'Received message: "new LibcError (01-pages/libc.ts, chapter 1) is not written yet: replace the stub’s line (the one that names NotImplemented) with the body."',
  "(fail) errors > a LibcError [0.20ms]",
  "",
  "tests/05-control-flow.test.ts:",
  "",
  "# Unhandled error between tests",
  "-------------------------------",
  'NotImplemented: gpr (04-encoder/registers.ts, chapter 4) is not written yet: replace the stub’s line (the one that names NotImplemented) with the body.',
  "      at /book/tests/05-control-flow.test.ts:9:17",
  "-------------------------------",
  "",
  "2 tests failed:",
  "(fail) ModRM > 48 8b 43 10 [0.65ms]",
  "(fail) errors > a LibcError [0.20ms]",
  "",
  " 1 pass",
  " 1 skip",
  " 3 fail",
].join("\n");

describe("reading a failing run", () => {
  test("each failure with what bun printed for it; the closing list is not read twice", () => {
    const failures = failedTests(REPORT);
    expect(failures.map((f) => [f.file, f.name])).toEqual([
      ["tests/04-encoder.test.ts", "ModRM > 48 8b 43 10"],
      ["tests/04-encoder.test.ts", "errors > a LibcError"],
      ["tests/05-control-flow.test.ts", "(an error while the test file loaded, before its tests ran)"],
    ]);
    expect(failures[0]!.report).toStartWith("46 |     expect(hex(");
    expect(failures[0]!.report).toEndWith("(/book/tests/04-encoder.test.ts:46:39)");
    expect(failures[1]!.report).toStartWith("error: expect(received).toThrow(expected)");
    expect(failures[2]!.report).toStartWith("NotImplemented: gpr");
    expect(outcomes(REPORT)).toEqual({ passed: ["registers > 48 01 d8"], failed: ["ModRM > 48 8b 43 10", "errors > a LibcError"], skipped: ["needs binutils"] });
  });

  test("a stub the test ran into, from a throw or from toThrow's report", () => {
    const [bytes, libc, load] = failedTests(REPORT);
    expect(unwrittenIn(bytes!.report)).toBeNull();
    expect(unwrittenIn(libc!.report)).toEqual({ fn: "new LibcError", module: "01-pages/libc.ts" });
    expect(unwrittenIn(load!.report)).toEqual({ fn: "gpr", module: "04-encoder/registers.ts" });
    expect(explain(libc!.report, "my-jit")).toEqual(["new LibcError is not written yet: it is in my-jit/01-pages/libc.ts, where it throws NotImplemented."]);
    expect(calledWhileLoading(REPORT)).toEqual(["gpr (04-encoder/registers.ts)"]);
  });

  test("machine code compared as hex strings is found, and only then", () => {
    const [bytes, libc] = failedTests(REPORT);
    expect(machineCodeIn(bytes!.report)).toEqual({ expected: [0x48, 0x8b, 0x43, 0x10], actual: [0x48, 0x8b, 0x83, 0x10] });
    expect(machineCodeIn(libc!.report)).toBeNull();
    expect(machineCodeIn('Expected: "mov eax, 42: b8 2a 00 00 00"\nReceived: "mov eax, 42: b8 2a 00 00"')).toEqual({ expected: [0xb8, 0x2a, 0, 0, 0], actual: [0xb8, 0x2a, 0, 0] });
    expect(machineCodeIn('Expected: "ok"\nReceived: "no"')).toBeNull();
    expect(explain(bytes!.report, null)[0]).toBe("The machine code differs:");
  });
});

describe("machine code, explained", () => {
  test.each([
    ["48 01 d8", "add rax, rbx"],
    ["c3", "ret"],
    ["0f 0b", "ud2"],
    ["48 8b 83", "(cut short: the instruction needs more bytes)"],
  ])("%s disassembles as %p", (hex, text) => {
    expect(disassemble(parseHexBytes(hex)!)[0]!.text).toBe(text);
  });

  test("both listings, then the first instruction that differs, field by field", () => {
    const text = explainBytes(parseHexBytes("c3 48 01 d8")!, parseHexBytes("c3 48 01 c3")!);
    expect(text).toContain("  expected:\n    0000  c3                       ret\n    0001  48 01 d8                 add rax, rbx\n");
    expect(text).toContain("    0001  48 01 c3                 add rbx, rax\n");
    expect(text).toContain("the first instruction that differs (at 0001), field by field:");
    expect(text).toMatch(/<> ModRM c3 \(mod=11 reg=000 rm=011\) +ModRM d8 \(mod=11 reg=011 rm=000\)/);
    expect(parseHexBytes("48 0")).toBeNull();
  });
});

describe("a crashed child, diagnosed", () => {
  test("the harness's diagnosis from the child's stderr, or none when it exited by itself", () => {
    const page = 0x7f00_0000_1000;
    const stderr = [
      `jit-trace ${JSON.stringify({ ev: "map", addr: page, size: 4096, prot: "rw-", how: "anonymous" })}`,
      `jit-trace ${JSON.stringify({ ev: "call", addr: page })}`,
      "panic(main thread): Segmentation fault at address 0x7F0000001000",
    ].join("\n");
    expect(crashDiagnosis("SIGSEGV", stderr, 10, 1000)).toContain("did you mprotect it to RX");
    expect(crashDiagnosis("SIGKILL", "", 990, 1000)).toContain("never returned");
    expect(crashDiagnosis(null, stderr, 10, 1000)).toBeNull();
  });

  test("under verify, a child that dies of a signal gets its diagnosis printed; its parent still reads its stderr", async () => {
    // In a child of our own: reportCrashes() wraps Bun.spawn for the rest of the process.
    const script = [
      `import { reportCrashes } from "${ROOT}/shared/workbook/crash-report.ts";`,
      "reportCrashes();",
      `const argv = [process.execPath, "-e", "console.error('dying'); process.kill(process.pid, 'SIGSEGV')"];`,
      `const p = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe" });`,
      "const text = await new Response(p.stderr).text();",
      "await p.exited;",
      "await Bun.sleep(50);",
      "console.log(JSON.stringify({ text, signal: p.signalCode, sync: Bun.spawnSync(argv, { stderr: 'pipe' }).signalCode }));",
    ].join("\n");
    const r = await runChild([BUN, "-e", script], { env: { JIT_TRACE: "0" } });
    expect(JSON.parse(r.stdout)).toEqual({ text: "dying\n", signal: "SIGSEGV", sync: "SIGSEGV" });
    const reports = r.stderr.split("\n").filter((l) => l.startsWith("[verify] the child process"));
    expect(reports).toHaveLength(2);
    expect(reports[0]).toContain("crashed: segmentation fault (SIGSEGV)");
  });
});

describe("progress", () => {
  const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 12, min)).toISOString();
  const titles = new Map([[1, "Pages"], [2, "First bytes"]]);

  test("saved per workspace, merged with the chapters a run did not run", () => {
    const file = join(SCRATCH, "progress.json");
    saveProgress("my-jit", { 1: { green: true, passed: 3, total: 3, at: at(0) } }, file);
    saveProgress("my-jit", { 2: { green: false, passed: 0, total: 2, at: at(5) } }, file);
    saveProgress("reference", { 1: { green: false, passed: 0, total: 3, at: at(5) } }, file);
    expect(Object.keys(loadProgress("my-jit", file))).toEqual(["1", "2"]);
    expect(loadProgress("my-jit", file)["1"]!.green).toBe(true);
    expect(loadProgress("nobody", file)).toEqual({});
  });

  test("what changed since the last run", () => {
    const before = { 1: { green: true, passed: 3, total: 3, at: at(0) }, 2: { green: false, passed: 1, total: 2, at: at(0) } };
    const now = { 1: { green: false, passed: 2, total: 3, at: at(30) }, 2: { green: true, passed: 2, total: 2, at: at(30) } };
    expect(describeChange(before, now, titles, Date.parse(at(30)))).toEqual([
      "Last run 30 min ago: 1 chapter(s) green.",
      "Newly green: chapter 2 (First bytes). Well done.",
      "No longer green: chapter 1 (Pages): a change broke what passed before.",
    ]);
    expect(describeChange({}, now, titles)).toEqual([]);
    expect([ago(5_000), ago(3 * 3600_000), ago(3 * 86400_000)]).toEqual(["5 s ago", "3 h ago", "3 days ago"]);
  });
});

describe("verify's arguments", () => {
  test.each<[string[], VerifyArgs]>([
    [["3", "--impl", "my-jit"], { upTo: 3, only: false, impl: "my-jit" }],
    [["--impl=my-jit", "--watch"], { upTo: TOTAL_CHAPTERS, only: false, impl: "my-jit", watch: true }],
    [["--doctor"], { upTo: TOTAL_CHAPTERS, only: false, doctor: true }],
    [["2", "--reference"], { upTo: 2, only: false, reference: true }],
  ])("%p", (argv, expected) => {
    expect(parseArgs(argv)).toEqual(expected);
  });

  test("bad combinations are usage errors that say what to do", () => {
    expect(() => parseArgs(["--impl"])).toThrow("--impl needs a folder");
    expect(() => parseArgs(["--impl", "x", "--reference"])).toThrow("contradict");
    expect(() => workspaceFor({ upTo: 1, only: false, impl: "no-such-folder" })).toThrow("npm run workbook -- start no-such-folder");
    expect(() => workspaceFor({ upTo: 1, only: false, impl: "shared" })).toThrow("holds no chapter folders");
  });

  test("the workspace: --impl's, else the recorded one, unless --reference", () => {
    expect(workspaceFor({ upTo: 1, only: false, impl: "chapters" })).toBe(join(ROOT, "chapters"));
    expect(workspaceFor({ upTo: 1, only: false }, "/recorded")).toBe("/recorded");
    expect(workspaceFor({ upTo: 1, only: false, reference: true }, "/recorded")).toBeNull();
  });
});

describe("doctor", () => {
  const host = (platform: string, arch: string, bunVersion = "1.4.5"): Host => ({ bunVersion, pinnedBun: "1.4.5", platform, arch });

  test("Bun's version against the pinned one", () => {
    expect(checkBun(host("linux", "x64")).status).toBe("ok");
    expect(checkBun(host("linux", "x64", "1.3.0"))).toMatchObject({ status: "warn", detail: expect.stringContaining("run `npm ci`") });
  });

  const arm64 = [1, 2, 3, 15].filter((n) => n <= CHAPTERS.length).join(", ");
  test.each([
    ["linux", "x64", "ok", "every chapter runs here"],
    ["darwin", "arm64", "warn", `chapters ${CHAPTERS.filter((c) => !c.native).map((c) => c.n).join(", ")} (pure TypeScript) run here`],
    ["darwin", "arm64", "warn", "Linux arm64 container or VM on this Mac"],
    ["darwin", "arm64", "warn", `chapters ${arm64} run there as they are`],
    ["darwin", "x64", "warn", "MAP_ANON is 0x1000"],
    ["linux", "arm64", "warn", `chapters ${arm64} (with AArch64 machine code) and ${CHAPTERS.filter((c) => !c.native).map((c) => c.n).join(", ")} (pure TypeScript) run here`],
    ["linux", "arm64", "warn", "chapters 5, 7, 8, 9, 10, 11, 12 execute x86-64 code"],
    ["linux", "riscv64", "warn", `chapters ${CHAPTERS.filter((c) => !c.native).map((c) => c.n).join(", ")} (pure TypeScript) run here`],
    ["win32", "x64", "warn", "WSL 2"],
  ])("%s/%s: %s, %p", (platform, arch, status, says) => {
    const c = checkHost(host(platform, arch));
    expect(c.status).toBe(status as "ok" | "warn");
    expect(c.detail).toContain(says);
  });

  test("the chapters that run on arm64 are the ones whose code picks AArch64 by the host", () => {
    expect(CHAPTERS.filter((c) => c.native && runsOn(c, "arm64")).map((c) => c.n)).toEqual([1, 2, 3, 15].filter((n) => n <= CHAPTERS.length));
    for (const n of [1, 2, 3]) if (n <= CHAPTERS.length) expect(CHAPTERS[n - 1]!.machines).toEqual(["x64", "arm64"]); // tests/arm64.test.ts: chapter 2's NATIVE_MACHINES
  });

  test("the probe's verdict, from its child", () => {
    expect(probeCheck({ exitCode: 0, stdout: "returned 42\n", stderr: "", diagnosis: null }).status).toBe("ok");
    expect(probeCheck({ exitCode: 0, stdout: "returned 42 from mov w0, #42; ret\n", stderr: "", diagnosis: null }).detail).toBe(
      "mapped a page RW, wrote mov w0, #42; ret, sealed it RX, called it: 42",
    );
    const crashed = probeCheck({ exitCode: null, stdout: "", stderr: "", diagnosis: "segmentation fault (SIGSEGV): boom" });
    expect(crashed).toEqual({ status: "fail", what: "Native code", detail: "the RW -> RX -> execute probe failed: segmentation fault (SIGSEGV): boom" });
  });

  test("the optional pieces: installed, or how to get them", () => {
    const none = checkClassicPrograms("/nonexistent/classic");
    expect(none).toMatchObject({ status: "optional", what: "Programs" });
    expect(none.detail).toContain("`npm run programs -- fetch`");
    expect(checkChromium("/nonexistent/chromium")).toMatchObject({ status: "optional", detail: expect.stringContaining("sudo apt-get install chromium") });
    expect(formatChecks([none])).toStartWith("○ Programs ");
  });

  test("the real probe maps, seals and calls code on this machine", async () => {
    const c = await probeNativeCode(host(process.platform, process.arch));
    if (process.platform === "linux" && ["x64", "arm64"].includes(process.arch)) expect(c.status).toBe("ok");
    else expect(c.detail).toContain("not probed");
  });
});

describe("watch", () => {
  test("changes in a burst make one run; a change during a run makes one more", async () => {
    let release: () => void = () => {};
    const r = new Rerunner(() => new Promise<void>((done) => (release = done)), 10);
    r.trigger();
    r.trigger();
    r.trigger();
    await Bun.sleep(40);
    expect(r.runs).toBe(1);
    r.trigger();
    r.trigger();
    await Bun.sleep(40);
    expect(r.runs).toBe(1); // still running: the next run waits
    release();
    await Bun.sleep(20);
    expect(r.runs).toBe(2);
    release();
    await r.idle();
    expect(r.runs).toBe(2);
  });
});

describe("the contract's report", () => {
  const run = (over: Partial<TestRun>): TestRun => ({
    files: ["./tests/01-pages.test.ts"], exitCode: 1, output: "", counts: { pass: 0, fail: 3, skip: 0, todo: 0 }, passed: [], failed: [], skipped: [], durationMs: 1200, ...over,
  });
  const result = (over: Partial<ContractResult>): ContractResult => ({
    chapter: chapterOnDisk(1), stubbed: run({}), given: null, reference: null, passedForFree: [], givenFailing: [], calledWhileLoading: [], loadFailures: [], ok: true, ...over,
  });

  test("a kept contract is one line; a broken one says which tests and what to do", () => {
    expect(formatContract([result({})])).toBe("✓ 01 Pages: all 3 tests fail against the stubs [1.2 s]");
    const broken = formatContract([result({ ok: false, passedForFree: ["errno > table"], loadFailures: [{ module: "01-pages/x.ts", error: "NotImplemented: f" }] })]);
    expect(broken).toContain("✗ 01 Pages: the contract is broken");
    expect(broken).toContain("      - errno > table");
    expect(broken).toContain("move it to tests/01-pages-given.test.ts");
    expect(broken).toContain("the stub 01-pages/x.ts throws while it loads (NotImplemented: f)");
  });
});
