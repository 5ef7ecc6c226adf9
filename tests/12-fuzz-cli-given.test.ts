// npm run fuzz -- --cli: random programs through the command-line mains, each compared with chapter 6's
// main (stdout, stderr, exit status), and a reader that closes the pipe early.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCliFuzzArgs } from "../shared/fuzz.ts";
import {
  cliCaseOf,
  cliTargets,
  compareOutcomes,
  endlessOf,
  formatCliReport,
  judgeClosedPipe,
  outputPrefix,
  REFERENCE,
  runClosedPipe,
  runTarget,
  type CliOutcome,
} from "../shared/fuzz-cli.ts";
import { commandTiers } from "../shared/tiers.ts";

setDefaultTimeout(120_000);

const outcome = (o: Partial<CliOutcome>): CliOutcome => ({ stdout: new Uint8Array(), stderr: "", exitCode: 0, signal: null, timedOut: false, ms: 10, ...o });

describe("npm run fuzz -- --cli", () => {
  test("the options", () => {
    const o = parseCliFuzzArgs(["--cli", "--seconds", "3", "--seed", "5", "--tiers", "ch7,ch9:opt", "--jobs", "3"], 0)!;
    expect(o).toMatchObject({ seconds: 3, seed: 5, jobs: 3, timeoutMs: 20_000 });
    expect(o.targets.map((t) => t.name)).toEqual(["ch7", "ch9:opt"]);
    expect(() => parseCliFuzzArgs(["--cli", "--tiers", "ch9:fastest"])).toThrow("unknown main(s) ch9:fastest: the mains are ch7, ch8, ch8:jit");
    expect(() => parseCliFuzzArgs(["--cli", "--jobs", "0"])).toThrow("--jobs must be a number, 1 or more, not '0'");
    expect(parseCliFuzzArgs(["--cli", "--help"])).toBeNull();
  });
});

describe("the mains", () => {
  test("every tier of the registry that a main runs, through that main and its --tier, and each main's own tiers", () => {
    const targets = cliTargets();
    for (const t of commandTiers()) {
      const args = t.command!.tier === null ? [] : ["--tier", t.command!.tier];
      expect(targets).toContainEqual(expect.objectContaining({ main: t.command!.main, args }));
    }
    for (const name of ["ch7", "ch8", "ch8:jit", "ch11:js", "ch12:tiered"]) expect(targets.map((t) => t.name)).toContain(name);
    expect(new Set(targets.map((t) => t.name)).size).toBe(targets.length);
  });

  test("a program, its input, --tape and --eof through a main: stdout as bytes, the file name normalized in stderr", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fuzz-cli-test-"));
    try {
      const file = join(dir, "x.b");
      writeFileSync(file, ",.,.,.<");
      const c = { seed: 0, source: ",.,.,.<", input: Uint8Array.of(0xc3), tapeSize: 4, eof: "max" as const };
      const want = await runTarget(REFERENCE, file, c, 20_000);
      expect([...want.stdout]).toEqual([0xc3, 0xff, 0xff]);
      expect(want.exitCode).toBe(1);
      expect(want.stderr).toStartWith("prog.b:1:7: error: '<' moved the pointer off the left end of the tape");
      const opt = cliTargets().find((t) => t.name === "ch9:opt")!;
      expect(compareOutcomes(want, await runTarget(opt, file, c, 20_000))).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the verdicts", () => {
  test("stdout, stderr and exit status compared; a hang and a signal said so", () => {
    const want = outcome({ stdout: Uint8Array.of(65), stderr: "prog.b:1:2: error: x\n", exitCode: 1 });
    expect(compareOutcomes(want, want)).toBeNull();
    expect(compareOutcomes(want, { ...want, stdout: Uint8Array.of(66) })).toBe(`stdout "B", not "A"`);
    expect(compareOutcomes(want, { ...want, exitCode: 0, stderr: "" })).toBe(`exit status 0, not 1; stderr "", not "prog.b:1:2: error: x\\n"`);
    expect(compareOutcomes(want, { ...want, timedOut: true, ms: 20_000 })).toBe("did not finish in 20.0 s");
    expect(compareOutcomes(want, { ...want, signal: "SIGSEGV", exitCode: null })).toStartWith("killed by SIGSEGV");
  });

  test("a closed pipe: exit status 1, one error line, the first bytes of the output", () => {
    const prefix = Uint8Array.of(1, 1);
    const good = outcome({ stdout: prefix, stderr: "NativeIOError: writing the output to file descriptor 1 failed: EPIPE (Broken pipe)\n", exitCode: 1 });
    expect(judgeClosedPipe(good, prefix)).toBeNull();
    expect(judgeClosedPipe({ ...good, timedOut: true, ms: 6000 }, prefix)).toBe("kept running after the reader closed the pipe (killed after 6.0 s)");
    expect(judgeClosedPipe({ ...good, stderr: "Error: EPIPE\n    at write (x.ts:1:1)\n" }, prefix)).toStartWith("stderr is not one error line");
    expect(judgeClosedPipe({ ...good, exitCode: 0, stderr: "" }, prefix)).toStartWith("exit status 0, not 1; stderr is not one error line");
  });

  test("the programs: seeded, some with a syntax error; the endless copy's first bytes come from chapter 6's interpreter", () => {
    expect(cliCaseOf(7)).toEqual(cliCaseOf(7));
    const sources = Array.from({ length: 60 }, (_, i) => cliCaseOf(i).source);
    const unbalanced = sources.filter((s) => [...s].reduce((d, ch) => (d < 0 ? d : d + (ch === "[" ? 1 : ch === "]" ? -1 : 0)), 0) !== 0);
    expect(unbalanced.length).toBeGreaterThan(0);
    expect(unbalanced.length).toBeLessThan(20);
    const c = { seed: 0, source: "++.", input: new Uint8Array(), tapeSize: 8, eof: "zero" as const };
    expect([...outputPrefix(endlessOf(c), 4)]).toEqual([2, 1, 1, 1]);
    expect([...outputPrefix({ ...c, source: "+]" }, 4)]).toEqual([]);
  });

  test("a main that stops on a closed pipe passes; one that keeps running is found", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fuzz-cli-test-"));
    try {
      const c = endlessOf({ seed: 0, source: "+.", input: new Uint8Array(), tapeSize: 8, eof: "zero" });
      const file = join(dir, "endless.b");
      writeFileSync(file, c.source);
      const opt = cliTargets().find((t) => t.name === "ch9:opt")!;
      expect(judgeClosedPipe(await runClosedPipe(opt, file, c, 10, 20_000), outputPrefix(c, 10))).toBeNull();
      // A main that writes its bytes and then never stops, whatever its reader does.
      const sleeper = join(dir, "sleeper.ts");
      writeFileSync(sleeper, `process.stdout.write("\\x02".repeat(10)); setInterval(() => {}, 1000);\n`);
      const hung = await runClosedPipe({ name: "sleeper", main: sleeper, args: [] }, file, c, 10, 2_000);
      expect(judgeClosedPipe(hung, outputPrefix(c, 10))).toStartWith("kept running after the reader closed the pipe");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the report: counts, and each difference with a command that reproduces it", () => {
    const targets = cliTargets().filter((t) => t.name === "ch9:opt");
    const c = { seed: 4, source: "+[.]", input: Uint8Array.of(7), tapeSize: 16, eof: "zero" as const };
    const text = formatCliReport(
      { seconds: 2, programs: 3, runs: { "ch9:opt": { output: 3, pipe: 1 } }, differences: [{ target: "ch9:opt", check: "closed pipe", case: c, why: "kept running", bytes: 10 }] },
      { seed: 4, targets, jobs: 2 },
    );
    expect(text).toContain("ch9:opt                  3 runs,    1 with a closed pipe, 1 DIFFERENT");
    expect(text).toContain(`printf '\\x07' | bun chapters/09-optimizer/main.ts prog.b --tier opt --tape 16 --eof zero | head -c 10   (prog.b: "+[.]")`);
  });
});
