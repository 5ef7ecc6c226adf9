// bun shared/arm64-run.ts SCRIPT [ARGS...]: run one of the book's scripts with npm's arm64 Bun, under
// qemu-user on an x86-64 machine (directly on arm64), so that the site can show a chapter's AArch64
// results beside its x86-64 ones. Where qemu or the arm64 Bun is missing it says so in one line and
// succeeds: the site then shows that note, and rebuilds the result once they are installed (the
// paths it looked for are noted as the live cache's optional inputs).
import { spawnSync } from "node:child_process";
import { arm64BunCommand, arm64BunPath, qemuAarch64 } from "./arm64-bun.ts";
import { ROOT } from "./child.ts";
import { parseCommand, UsageError, usageLine } from "./cli.ts";
import { runMain } from "./main.ts";
import { noteRead } from "./programs.ts";

const USAGE = `usage: bun shared/arm64-run.ts SCRIPT [ARGS...]

Run SCRIPT (a path from the repository's root) with npm's Bun for Linux arm64: under qemu-aarch64
on x86-64, directly on arm64. Without qemu or that Bun, print what is missing and exit 0. Times an
emulated run prints are not the machine's: read them as output, never as performance.

  -h, --help    this text`;

await runMain(() => {
  const argv = process.argv.slice(2);
  // Only --help is ours: everything after the script belongs to it.
  if (argv[0] === "-h" || argv[0] === "--help") return void parseCommand(["--help"], USAGE, {});
  const [script, ...args] = argv;
  if (script === undefined || script.startsWith("-")) throw new UsageError(`give the script to run\n${usageLine(USAGE)}`);
  // The optional pieces, noted so that a cached note is run again once they appear.
  noteRead(arm64BunPath() ?? `${ROOT}/.cache/bun-linux-aarch64/package/bin/bun`);
  const q = qemuAarch64();
  if (process.arch !== "arm64" && typeof q !== "string") noteRead(q.qemu);
  const command = arm64BunCommand([script, ...args]);
  if (typeof command === "string") {
    console.log(`(not run on AArch64 here: ${command})`);
    return;
  }
  const r = spawnSync(command[0]!, command.slice(1), { cwd: ROOT, stdio: "inherit" });
  process.exitCode = r.status ?? 1;
});
