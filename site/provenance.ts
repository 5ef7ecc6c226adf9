// Where and when a live result was produced: a reader comparing the page with their own run needs to
// know the Bun, the machine and the commit behind the numbers.
import { cpus, arch, release, type } from "node:os";
import { ROOT } from "../shared/child.ts";

export interface Provenance {
  /** "1.4.5 (38afee6c)". */
  readonly bun: string;
  /** "Linux 6.18.0 x86_64". */
  readonly os: string;
  readonly cpu: string;
  /** Short commit hash, with "+" when the working tree had uncommitted changes. */
  readonly commit: string;
  /** ISO date and time, UTC, to the minute. */
  readonly date: string;
}

export function bunVersion(): string {
  return `${Bun.version} (${Bun.revision.slice(0, 8)})`;
}

export function hostDescription(): { os: string; cpu: string } {
  const model = cpus()[0]?.model.replace(/\(R\)|\(TM\)|\s+CPU\b/g, "").replace(/\s+/g, " ").trim();
  return { os: `${type()} ${release().split("-")[0]} ${arch() === "x64" ? "x86_64" : arch()}`, cpu: model || "unknown CPU" };
}

/** The commit the chapters are at, "unknown" outside a git checkout. */
export function gitCommit(): string {
  const head = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
  if (head.exitCode !== 0) return "unknown";
  const dirty = Bun.spawnSync(["git", "status", "--porcelain", "--", "chapters", "shared"], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
  return head.stdout.toString().trim() + (dirty.stdout.toString().trim() ? "+" : "");
}

/** Provenance for a result produced now. Computed once per build: none of it changes mid-build. */
export function currentProvenance(now = new Date()): Provenance {
  return { bun: bunVersion(), ...hostDescription(), commit: gitCommit(), date: now.toISOString().slice(0, 16).replace("T", " ") + " UTC" };
}

/** One line for the page: "Bun 1.4.5 · Linux 6.18 x86_64 · Intel Xeon … · commit 3a8bf81 · 2026-11-21 10:04 UTC". */
export function provenanceLine(p: Provenance): string {
  return [`Bun ${p.bun}`, p.os, p.cpu, `commit ${p.commit}`, p.date].join(" · ");
}
