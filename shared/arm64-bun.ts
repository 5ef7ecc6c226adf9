// npm's Bun for Linux arm64, to run chapters 1-3 under qemu-user on an x86-64 machine.
// `bun shared/arm64-bun.ts` fetches it (npm pack, checked against package-lock.json's integrity) into
// .cache/ and prints its path. On an arm64 host npm ci installs it itself (an optional dependency that
// npm skips where `cpu` does not match, which is why x86-64 fetches it on demand).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./child.ts";

const PACKAGE = "@oven/bun-linux-aarch64";
const CACHE = join(ROOT, ".cache", "bun-linux-aarch64");
const QEMU_SYSROOT = "/usr/aarch64-linux-gnu";

/** Thrown when the fetched tarball is not the one package-lock.json pins. */
export class Arm64BunIntegrityError extends Error {
  override name = "Arm64BunIntegrityError";
}

/** The version and integrity package-lock.json pins (the same version as the x86-64 `bun`). */
export function pinned(): { version: string; integrity: string } {
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version: string; integrity: string }>;
  };
  const entry = lock.packages[`node_modules/${PACKAGE}`];
  if (!entry) throw new Error(`package-lock.json has no ${PACKAGE}: run npm install`);
  return entry;
}

/** The arm64 bun executable if installed (by npm on arm64, or fetched into .cache/), else undefined. */
export function arm64BunPath(): string | undefined {
  for (const path of [join(ROOT, "node_modules", PACKAGE, "bin", "bun"), join(CACHE, "package", "bin", "bun")]) {
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** qemu-aarch64 and the arm64 libc it loads Bun with, or a sentence saying what is missing. */
export function qemuAarch64(): { qemu: string; sysroot: string } | string {
  const qemu = ["/usr/bin/qemu-aarch64", "/usr/bin/qemu-aarch64-static"].find(existsSync);
  if (!qemu) return "qemu-aarch64 not found (Debian: apt-get install qemu-user)";
  if (!existsSync(join(QEMU_SYSROOT, "lib", "ld-linux-aarch64.so.1")))
    return `no arm64 libc in ${QEMU_SYSROOT} (Debian: apt-get install libc6-arm64-cross)`;
  return { qemu, sysroot: QEMU_SYSROOT };
}

/** The command line that runs `args` with the arm64 Bun: directly on arm64, under qemu elsewhere. */
export function arm64BunCommand(args: readonly string[]): string[] | string {
  const bun = arm64BunPath();
  if (!bun) return `the arm64 Bun is not here (fetch it: npx bun shared/arm64-bun.ts)`;
  if (process.arch === "arm64") return [bun, ...args];
  const q = qemuAarch64();
  if (typeof q === "string") return q;
  return [q.qemu, "-L", q.sysroot, bun, ...args];
}

/** npm pack the pinned version into .cache/, check its integrity, unpack it; returns bun's path. */
export function fetchArm64Bun(): string {
  const have = arm64BunPath();
  if (have) return have;
  const { version, integrity } = pinned();
  rmSync(CACHE, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  const pack = Bun.spawnSync(["npm", "pack", `${PACKAGE}@${version}`, "--pack-destination", CACHE, "--silent"], {
    stderr: "inherit",
  });
  if (pack.exitCode !== 0) throw new Error(`npm pack ${PACKAGE}@${version} failed (exit ${pack.exitCode})`);
  const tarball = join(CACHE, pack.stdout.toString().trim().split("\n").pop() ?? "");
  const [algorithm, expected] = integrity.split("-", 2) as [string, string];
  const actual = createHash(algorithm).update(readFileSync(tarball)).digest("base64");
  if (actual !== expected) {
    rmSync(CACHE, { recursive: true, force: true });
    throw new Arm64BunIntegrityError(`${tarball}: ${algorithm} is ${actual}, package-lock.json pins ${expected}`);
  }
  const untar = Bun.spawnSync(["tar", "-xzf", tarball, "-C", CACHE], { stderr: "inherit" });
  if (untar.exitCode !== 0) throw new Error(`tar could not unpack ${tarball}`);
  rmSync(tarball);
  const bun = join(CACHE, "package", "bin", "bun");
  if (!existsSync(bun)) throw new Error(`${tarball} holds no package/bin/bun`);
  return bun;
}

if (import.meta.main) console.log(fetchArm64Bun());
