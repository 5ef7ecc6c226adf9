// Reading bun test's report for what a reader needs from a failing run: the first failing test in
// full (its source line, the error, expected and actual), and what it means, when that can be told
// from the text: a function not written yet, or machine code that differs from the expected bytes.
import { explainBytes, parseHexBytes } from "./machine-code.ts";
import { SUMMARY } from "../test-report.ts";

export interface FailedTest {
  /** "tests/01-pages.test.ts", when bun named the file. */
  readonly file: string | null;
  /** "describe > test", or a note when the file failed while loading. */
  readonly name: string;
  /** bun's own report of the failure: source excerpt, error, expected and received, stack. */
  readonly report: string;
}

const RESULT = /^\((pass|fail|skip|todo)\) (.*?)(?: \[[\d.]+m?s\])?$/;
const DASHES = "-------------------------------";

/** Every failure in a bun test report, in order, each with the lines bun printed for it. */
export function failedTests(output: string): FailedTest[] {
  const failures: FailedTest[] = [];
  let file: string | null = null;
  let last: string | null = null;
  let pending: string[] = [];
  const lines = output.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (SUMMARY.test(line)) break; // bun lists the failures again at the end
    const header = /^(tests\/\S+\.test\.ts):$/.exec(line);
    if (header) {
      file = header[1]!;
      pending = [];
      continue;
    }
    if (line === "# Unhandled error between tests") {
      // An error outside any test: usually the test file calling unwritten code while it loads.
      const end = lines.indexOf(DASHES, i + 2);
      const report = lines.slice(i + 2, end === -1 ? undefined : end).join("\n");
      failures.push({ file, name: "(an error while the test file loaded, before its tests ran)", report: report.trim() });
      i = end === -1 ? lines.length : end;
      pending = [];
      continue;
    }
    const result = RESULT.exec(line);
    if (!result) {
      pending.push(line);
      continue;
    }
    if (result[1] === "fail") failures.push({ file, name: result[2]!, report: pending.join("\n").trim() });
    last = result[2]!;
    pending = [];
  }
  const crash = runnerCrash(output, file, last);
  return crash ? [crash, ...failures] : failures;
}

/**
 * bun test itself dying (its "panic(main thread): Segmentation fault at address ..." banner) ends the
 * report without counts: the test that crashed is the one after the last reported. Bun's banner
 * blames Bun; in a workbook run the cause is the reader's code that ran in the test process.
 */
export function runnerCrash(output: string, file: string | null, lastTest: string | null): FailedTest | null {
  const m = /^panic\([^)]*\): (.*)$/m.exec(output);
  if (!m) return null;
  const where = lastTest === null ? "in its first test" : `in the test after "${lastTest}"`;
  const report = [
    `bun test crashed with "${m[1]!.trim()}" ${where}${file ? ` (${file})` : ""}, so no test after it ran and there are no counts.`,
    `Bun's banner says this is a bug in Bun: here it is not. Code of yours that this test runs in the test process touched memory it may not:`,
    `a write to a page mapped or protected without PROT.WRITE, a call into a page that is not executable, or machine code that jumps or writes astray.`,
  ].join("\n");
  return { file, name: `(the test process crashed ${where})`, report };
}

export interface Unwritten {
  /** "checkSize", "new LibcError". */
  readonly fn: string;
  /** "01-pages/checks.ts". */
  readonly module: string;
}

/** The stub a failure ran into, when it ran into one. */
export function unwrittenIn(report: string): Unwritten | null {
  const m = /(?:NotImplemented: |Received message: ")([^"\n]+?) \((\d\d-[^,()\n]+\.ts), chapter \d+\) is not written yet/.exec(report);
  return m ? { fn: m[1]!, module: m[2]! } : null;
}

/** Expected and received machine code, when the failure compared two strings of hex bytes. */
export function machineCodeIn(report: string): { expected: number[]; actual: number[] } | null {
  const quoted = (label: string) => {
    const m = new RegExp(`^${label}: "(?:[^"\\n]*?: )?([0-9a-fA-F ]+)"$`, "m").exec(report);
    return m ? parseHexBytes(m[1]!) : null;
  };
  const expected = quoted("Expected");
  const actual = quoted("Received");
  return expected && actual ? { expected, actual } : null;
}

/**
 * The command that runs one test file the way verify does, against the workspace (relative to the
 * repository) when there is one: a bare `bun test` would run the book's code instead.
 */
export function rerunCommand(file: string, workspace: string | null): string {
  return `${workspace === null ? "" : `JIT_WORKBOOK=${workspace} `}npx bun test ${file}`;
}

/** What the report means, beyond bun's words; empty when there is nothing to add. */
export function explain(report: string, workspace: string | null): string[] {
  const notes: string[] = [];
  const unwritten = unwrittenIn(report);
  if (unwritten) {
    const where = workspace ? `${workspace}/${unwritten.module}` : unwritten.module;
    notes.push(`${unwritten.fn} is not written yet: it is in ${where}, where it throws NotImplemented.`);
  }
  const code = machineCodeIn(report);
  if (code) notes.push("The machine code differs:", explainBytes(code.expected, code.actual));
  return notes;
}
