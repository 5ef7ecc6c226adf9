// Run some test files with bun test, in a child process, optionally against a workspace, and read
// what happened to each test from bun's report.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { outcomes, parseCounts, type TestCounts } from "../test-report.ts";
import { ROOT } from "./layout.ts";

export interface TestRun {
  readonly files: readonly string[];
  readonly exitCode: number;
  /** bun test's report (stdout, then stderr). */
  readonly output: string;
  readonly counts: TestCounts;
  /** Test names, "describe > test", by outcome. */
  readonly passed: readonly string[];
  readonly failed: readonly string[];
  readonly skipped: readonly string[];
  readonly durationMs: number;
}

export interface RunOptions {
  /** Load the chapters this workspace holds from it (absolute path). */
  readonly workspace?: string;
  /** Extra bun test arguments. */
  readonly args?: readonly string[];
  /** Extra environment variables for the test process. */
  readonly env?: Readonly<Record<string, string>>;
}

/** The environment that makes a process, and the Bun and Node processes it starts, use `workspace`. */
export function workbookEnv(workspace: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  out.JIT_WORKBOOK = workspace;
  delete out.NYC_BUN; // a run against a workspace says nothing about the reference's coverage
  const hooks = `--import=${pathToFileURL(join(ROOT, "shared/workbook/node-hooks.mjs")).href}`;
  out.NODE_OPTIONS = [out.NODE_OPTIONS, hooks].filter(Boolean).join(" ");
  return out;
}

export async function runTests(files: readonly string[], opts: RunOptions = {}): Promise<TestRun> {
  const started = performance.now();
  // `bun test` without files would run every test there is.
  if (files.length === 0) return { files, exitCode: 0, output: "", counts: parseCounts(""), passed: [], failed: [], skipped: [], durationMs: 0 };
  const env = { ...(opts.workspace ? workbookEnv(opts.workspace) : process.env), ...opts.env };
  const proc = Bun.spawn([process.execPath, "test", "--timeout=60000", ...(opts.args ?? []), ...files], {
    cwd: ROOT,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  const exitCode = await proc.exited;
  const output = stdout + stderr;
  return { files, exitCode, output, counts: parseCounts(output), ...outcomes(output), durationMs: performance.now() - started };
}
