// npm run verify -- --doctor: can this machine run the book? Bun's version against the pinned one, the
// OS and CPU (and which chapters run there), a real RW -> RX -> execute probe in a child process, and
// the optional pieces (the classic programs, GNU as, Chromium, gcc), each with how to get it.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CHAPTERS, runsOn, type ChapterInfo } from "../chapters.ts";
import { runBun, type ChildResult } from "../child.ts";
import { CLASSIC_FILES, isStored } from "../classic-programs.ts";
import { classicDir } from "../programs.ts";
import { ROOT } from "./layout.ts";

/** optional: a piece the book works without, not installed here (the check says how to get it). */
export type Status = "ok" | "warn" | "fail" | "optional";

export interface Check {
  readonly status: Status;
  readonly what: string;
  readonly detail: string;
}

export interface Host {
  readonly bunVersion: string;
  readonly pinnedBun: string;
  readonly platform: string;
  readonly arch: string;
}

export function currentHost(): Host {
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { devDependencies?: Record<string, string> };
  return { bunVersion: Bun.version, pinnedBun: pkg.devDependencies?.bun ?? "?", platform: process.platform, arch: process.arch };
}

const list = (ns: readonly number[]) => ns.join(", ");
const numbers = (cs: readonly ChapterInfo[]) => list(cs.map((c) => c.n));
const MACHINE_NAMES: Record<string, string> = { x64: "x86-64", arm64: "AArch64" };

export function checkBun(h: Host): Check {
  return h.bunVersion === h.pinnedBun
    ? { status: "ok", what: "Bun", detail: `${h.bunVersion}, the version the book pins` }
    : {
        status: "warn",
        what: "Bun",
        detail: `${h.bunVersion}, but the book pins ${h.pinnedBun}: run \`npm ci\` and use \`npx bun\` (or npm run), which run the pinned one`,
      };
}

/** Which chapters run on this host, and what to do about the others. */
export function checkHost(h: Host): Check {
  const where = `${h.platform}/${h.arch}`;
  // Native chapters need Linux's system calls, and code for this processor.
  const here = CHAPTERS.filter((c) => !c.native || (h.platform === "linux" && runsOn(c, h.arch)));
  // AArch64 code runs under qemu-user on another Linux machine (shared/arm64-run.ts, the way the tests run it).
  const emulated = h.platform === "linux" && h.arch !== "arm64" ? CHAPTERS.filter((c) => !here.includes(c) && runsOn(c, "arm64")) : [];
  const elsewhere = CHAPTERS.filter((c) => !here.includes(c) && !emulated.includes(c));
  const qemu = emulated.length === 0 ? "" : ` (chapter ${numbers(emulated)}'s AArch64 code under qemu-user: npx bun shared/arm64-run.ts chapters/${emulated[0]!.slug}/main.ts)`;
  if (elsewhere.length === 0) return { status: "ok", what: "Host", detail: `${where}: every chapter runs here${qemu}` };
  const own = here.filter((c) => c.native);
  const pure = here.filter((c) => !c.native);
  const running = own.length === 0
    ? `chapters ${numbers(pure)} (pure TypeScript) run here`
    : `chapters ${numbers(own)} (with ${MACHINE_NAMES[h.arch] ?? h.arch} machine code) and ${numbers(pure)} (pure TypeScript) run here`;
  const x86Only = elsewhere.every((c) => !(c.machines ?? ["x64"]).includes("arm64"));
  const notRunning = `chapters ${numbers(elsewhere)} execute ${x86Only ? "x86-64 code" : "machine code"} through Linux system calls and do not`;
  const arm64 = CHAPTERS.filter((c) => c.native && runsOn(c, "arm64"));
  const advice =
    h.platform === "darwin"
      ? h.arch === "arm64"
        ? `On Apple Silicon, run the book in a Linux arm64 container or VM on this Mac (for example \`docker run -it -v "$PWD":/book -w /book node:22 bash\`, then \`npm ci\`): chapters ${numbers(arm64)} run there as they are; the others need a Linux x86-64 machine. Chapter 3 says what macOS itself adds (MAP_JIT, pthread_jit_write_protect_np, sys_icache_invalidate).`
        : "On an Intel Mac the CPU is right but the system calls differ (MAP_ANON is 0x1000, errno is __error()): use Linux, in a VM or a container, for the native chapters."
      : h.platform === "linux"
        ? `This CPU is ${h.arch}: use a Linux x86-64 machine for the others.`
        : "Use Linux on x86-64 (WSL 2 works on Windows) for the native chapters.";
  return { status: "warn", what: "Host", detail: `${where}: ${running}; ${notRunning}. ${advice}` };
}

/** Interpret the probe's child: it should print "returned 42 from CODE" and exit 0. */
export function probeCheck(r: Pick<ChildResult, "exitCode" | "stdout" | "stderr" | "diagnosis">): Check {
  const ran = /^returned 42(?: from (.+))?$/.exec(r.stdout.trim());
  if (r.exitCode === 0 && ran) {
    return { status: "ok", what: "Native code", detail: `mapped a page RW, wrote ${ran[1] ?? "mov eax, 42; ret"}, sealed it RX, called it: 42` };
  }
  const why = r.diagnosis ?? (r.stderr.trim().split("\n").at(-1) || `exit code ${r.exitCode}`);
  return { status: "fail", what: "Native code", detail: `the RW -> RX -> execute probe failed: ${why}` };
}

export async function probeNativeCode(h: Host): Promise<Check> {
  if (!(h.platform === "linux" && (h.arch === "x64" || h.arch === "arm64"))) {
    return { status: "warn", what: "Native code", detail: "not probed: this host cannot run the book's machine code (see Host)" };
  }
  if (!CHAPTERS.some((c) => c.n === 3)) return { status: "warn", what: "Native code", detail: "not probed: the probe runs chapter 3's CodeBuffer, and this copy of the book ends before it" };
  // The reference chapters, even when a workspace is in use: this checks the machine, not the reader's code.
  const env = { JIT_WORKBOOK: "", JIT_VERIFY: "0" };
  return probeCheck(await runBun("shared/workbook/probe.ts", [], { timeoutMs: 20_000, env }));
}

export function checkGnuAs(): Check {
  const version = spawnSync("as", ["--version"], { encoding: "utf8" });
  const objdump = spawnSync("objdump", ["--version"], { stdio: "ignore" });
  if (version.status === 0 && objdump.status === 0) {
    return { status: "ok", what: "GNU as", detail: `${version.stdout.split("\n")[0]}: the exhaustive encoder test (chapter 4) runs` };
  }
  return {
    status: "optional",
    what: "GNU as",
    detail: "as/objdump (GNU binutils) not found: the exhaustive encoder test is skipped, and a golden file still checks the encoder. Install binutils (sudo apt-get install binutils) to run it.",
  };
}

export function checkClassicPrograms(dir: string = classicDir()): Check {
  const stored = CLASSIC_FILES.filter((f) => isStored(dir, f)).length;
  if (stored === CLASSIC_FILES.length) return { status: "ok", what: "Programs", detail: `the classic programs are installed (${dir}): benchmarks and tests run them too` };
  return {
    status: "optional",
    what: "Programs",
    detail: `${stored} of ${CLASSIC_FILES.length} classic program files in ${dir}: the book runs on its own programs; \`npm run programs -- fetch\` adds mandelbrot, hanoi, factor, awib and the rest (downloaded at pinned commits, SHA-256 checked)`,
  };
}

export const CHROMIUM = "/usr/bin/chromium";

export function checkChromium(path: string = CHROMIUM): Check {
  if (existsSync(path)) return { status: "ok", what: "Chromium", detail: `${path}: the site's browser test runs` };
  return { status: "optional", what: "Chromium", detail: `${path} not found: the site's browser test is skipped. On Debian or Ubuntu: sudo apt-get install chromium` };
}

export function checkGcc(): Check {
  const gcc = spawnSync("gcc", ["--version"], { encoding: "utf8" });
  if (gcc.status === 0) return { status: "ok", what: "gcc", detail: `${gcc.stdout.split("\n")[0]}: the benchmark's gcc -O2 yardstick runs` };
  return { status: "optional", what: "gcc", detail: "gcc not found: the benchmark leaves out its gcc -O2 yardstick. On Debian or Ubuntu: sudo apt-get install gcc" };
}

export async function doctor(h: Host = currentHost()): Promise<Check[]> {
  return [checkBun(h), checkHost(h), await probeNativeCode(h), checkClassicPrograms(), checkGnuAs(), checkChromium(), checkGcc()];
}

const MARK: Record<Status, string> = { ok: "✓", warn: "!", fail: "✗", optional: "○" };

export function formatChecks(checks: readonly Check[]): string {
  return checks.map((c) => `${MARK[c.status]} ${c.what.padEnd(12)} ${c.detail}`).join("\n");
}
