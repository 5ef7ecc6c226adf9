// Reading bun test's report for what a reader needs from a failing run: the first failing test in
// full (its source line, the error, expected and actual), and what it means, when that can be told
// from the text: a function not written yet, or machine code that differs from the expected bytes.
import { explainBytes, parseHexBytes } from "./machine-code.ts";
import { SUMMARY } from "./run-tests.ts";

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
    pending = [];
  }
  return failures;
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
