// How a test checks that a child (a chapter's demo, a command) exited as expected: with its stderr in
// the comparison, so a failing demo shows why it failed, not only "Expected: 0, Received: 1".
import type { ChildResult } from "../../shared/child.ts";

export interface Exit {
  readonly exitCode: number | null;
  /** Only when the exit code is not the one expected. */
  readonly stderr?: string;
}

/** `expect(exitOf(r)).toEqual({ exitCode: 0 })`: on a failure, the received side carries stderr. */
export function exitOf(r: Pick<ChildResult, "exitCode" | "stderr" | "diagnosis">, expected = 0): Exit {
  if (r.exitCode === expected) return { exitCode: r.exitCode };
  return { exitCode: r.exitCode, stderr: (r.diagnosis ? `${r.diagnosis}\n` : "") + r.stderr };
}
