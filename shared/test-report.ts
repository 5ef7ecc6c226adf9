// Reading bun test's closing summary ("  12 pass", "  1 fail", "  3 skip") from its stderr.

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
