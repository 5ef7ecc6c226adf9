// Reading bun test's report: its closing summary ("  12 pass", "  1 fail", "  3 skip") and the
// outcome of each test ("(pass) name [1.2ms]").

export interface TestCounts {
  pass: number;
  fail: number;
  skip: number;
  todo: number;
}

export function parseCounts(output: string): TestCounts {
  const count = (word: string) => {
    const m = new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(output);
    return m ? Number(m[1]) : 0;
  };
  return { pass: count("pass"), fail: count("fail"), skip: count("skip"), todo: count("todo") };
}

/** The plain closing line CI reads: "tests: 120 passed, 0 failed, 3 skipped". */
export function closingLine(c: TestCounts): string {
  return `tests: ${c.pass} passed, ${c.fail} failed, ${c.skip + c.todo} skipped`;
}

/** The line before bun's closing list of the failures: "3 tests failed:". */
export const SUMMARY = /^\d+ tests? failed:$/;

/** The tests bun reported, by outcome: its "(pass) name [1.2ms]" lines. */
export function outcomes(output: string): { passed: string[]; failed: string[]; skipped: string[] } {
  const passed: string[] = [];
  const failed: string[] = [];
  const skipped: string[] = [];
  for (const line of output.split("\n")) {
    if (SUMMARY.test(line)) break; // bun lists the failures again at the end
    const m = /^\((pass|fail|skip|todo)\) (.*?)(?: \[[\d.]+m?s\])?$/.exec(line);
    if (!m) continue;
    (m[1] === "pass" ? passed : m[1] === "fail" ? failed : skipped).push(m[2]!);
  }
  return { passed, failed, skipped };
}
