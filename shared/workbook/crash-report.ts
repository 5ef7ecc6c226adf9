// A test whose child process crashed usually fails on what it checked next ("expected 42, received
// undefined"), which hides why. Under `npm run verify`, the preload installs this: every child that
// dies of a signal gets the harness's diagnosis printed into the test's output, where verify shows
// it with the failure. The children themselves are untouched: only the parent reads a copy of stderr.
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { diagnose } from "../child.ts";
import { parseTrace } from "../trace.ts";
import { ROOT } from "./layout.ts";

interface SpawnOptions {
  readonly stderr?: unknown;
  readonly timeout?: number;
}

/** The harness's sentence for a child that ended this way, or null when it exited by itself. */
export function crashDiagnosis(code: string | number | null, stderr: string, elapsedMs: number, timeoutMs: number | undefined): string | null {
  if (code === null) return null;
  const signal = typeof code === "number" ? `signal ${code}` : code;
  const fault = /(?:Segmentation fault|Illegal instruction|Bus error) at address 0x([0-9A-Fa-f]+)/.exec(stderr);
  const timedOut = signal === "SIGKILL" && timeoutMs !== undefined && elapsedMs >= timeoutMs * 0.95;
  return diagnose({ signal, timedOut, faultAddress: fault ? parseInt(fault[1]!, 16) : null, trace: parseTrace(stderr), exitCode: null }, timeoutMs ?? 0);
}

/**
 * An argument as the reader knows it: a chapter module the workspace holds is named where the child
 * really loaded it from (the preload redirects chapters/NN-name/x.ts to the workspace's copy).
 */
export function shownPath(arg: string, workspace: string | undefined = process.env.JIT_WORKBOOK): string {
  const rel = relative(ROOT, resolve(ROOT, arg));
  const m = /^chapters\/(\d\d-[^/]+\/.+)$/.exec(rel);
  if (m && workspace) {
    const theirs = resolve(ROOT, workspace, m[1]!);
    if (existsSync(theirs)) return relative(ROOT, theirs) || theirs;
  }
  return rel.startsWith("..") ? arg : rel || arg;
}

function report(argv: unknown, diagnosis: string | null): void {
  if (diagnosis === null) return;
  const what = Array.isArray(argv) ? argv.slice(1, 4).map((a) => shownPath(String(a))).join(" ") : "a child process";
  console.error(`[verify] the child process (${what}) crashed: ${diagnosis}`);
}

export function reportCrashes(): void {
  const bun = Bun as unknown as { spawn: (...a: unknown[]) => Bun.Subprocess; spawnSync: (...a: unknown[]) => Bun.SyncSubprocess };
  const spawn = bun.spawn;
  const spawnSync = bun.spawnSync;
  bun.spawn = (...args: unknown[]) => {
    const proc = spawn(...args);
    const opts = (args[1] ?? {}) as SpawnOptions;
    if (opts.stderr !== "pipe" || !(proc.stderr instanceof ReadableStream)) return proc;
    const started = performance.now();
    const [mine, theirs] = proc.stderr.tee();
    void Promise.all([new Response(mine).text(), proc.exited]).then(([stderr]) =>
      report(args[0], crashDiagnosis(proc.signalCode, stderr, performance.now() - started, opts.timeout)),
    );
    return new Proxy(proc, {
      get(target, key) {
        if (key === "stderr") return theirs;
        const value: unknown = Reflect.get(target, key, target);
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  bun.spawnSync = (...args: unknown[]) => {
    const started = performance.now();
    const r = spawnSync(...args);
    const opts = (args[1] ?? {}) as SpawnOptions;
    if (r.signalCode) report(args[0], crashDiagnosis(r.signalCode, r.stderr?.toString() ?? "", performance.now() - started, opts.timeout));
    return r;
  };
}
