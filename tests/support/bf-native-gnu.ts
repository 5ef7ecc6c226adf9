// GNU as as the oracle for whole listings: assemble a listing's source and take the bytes of its
// .text section (objcopy), labels and all.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GnuAsError } from "../../chapters/02-first-bytes/gnu-as.ts";

/** The machine code GNU as makes of `source` (which sets its own syntax: .intel_syntax noprefix). */
export function gnuBytes(source: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "jit-listing-"));
  try {
    writeFileSync(join(dir, "code.s"), source + "\n");
    run("as", ["--64", "-o", join(dir, "code.o"), join(dir, "code.s")]);
    run("objcopy", ["-O", "binary", "-j", ".text", join(dir, "code.o"), join(dir, "code.bin")]);
    return new Uint8Array(readFileSync(join(dir, "code.bin")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(tool: string, args: string[]): void {
  const r = spawnSync(tool, args, { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new GnuAsError(`${tool} failed: ${r.error?.message ?? r.stderr.trim()}`);
}
