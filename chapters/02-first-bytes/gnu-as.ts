// Ask GNU as for the bytes of some Intel-syntax lines, and objdump for how it reads them back.
// The honest way to check hand-written machine code: an assembler that is not ours.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Assembled {
  /** The line we gave the assembler. */
  readonly source: string;
  readonly bytes: number[];
  /** objdump's reading of those bytes, whitespace collapsed: "mov eax,0x2a". */
  readonly disassembly: string[];
}

/** GNU as or objdump is missing, or rejected the input; the message carries its own words. */
export class GnuAsError extends Error {
  override name = "GnuAsError";
}

/** True when `as` and `objdump` can be run (binutils is installed). */
export function hasGnuAs(): boolean {
  return ["as", "objdump"].every((tool) => spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0);
}

// #region assemble
/** Assemble each line (x86-64, Intel syntax) and return its bytes, one entry per line. */
export function assemble(lines: readonly string[]): Assembled[] {
  const dir = mkdtempSync(join(tmpdir(), "jit-as-"));
  try {
    // A label before each line lets objdump's output be split back into lines.
    const source = [".intel_syntax noprefix", ...lines.flatMap((line, i) => [`L${i}:`, line])].join("\n") + "\n";
    writeFileSync(join(dir, "code.s"), source);
    // Never pass -O: it rewrites instructions (lea rax, [rbp] becomes mov rax, rbp).
    run("as", ["--64", "-o", join(dir, "code.o"), join(dir, "code.s")], lines);
    // -z: show runs of zero bytes as instructions instead of eliding them ("...").
    const dump = run("objdump", ["-d", "-z", "-M", "intel", "--insn-width=15", join(dir, "code.o")], lines);
    return parseObjdump(dump, lines);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
// #endregion assemble

/** Split `objdump -d` output at the L<i> labels and collect each line's bytes and instructions. */
export function parseObjdump(dump: string, lines: readonly string[]): Assembled[] {
  const out = lines.map((source) => ({ source, bytes: [] as number[], disassembly: [] as string[] }));
  let current: (typeof out)[number] | undefined;
  for (const text of dump.split("\n")) {
    const label = /^[0-9a-f]+ <L(\d+)>:$/.exec(text);
    if (label) {
      current = out[Number(label[1])];
      continue;
    }
    // "   0:\tb8 2a 00 00 00   \tmov    eax,0x2a"
    const insn = /^\s*[0-9a-f]+:\t([0-9a-f ]+?)\s*(?:\t(.*))?$/.exec(text);
    if (!insn || !current) continue;
    current.bytes.push(...insn[1]!.split(" ").map((b) => parseInt(b, 16)));
    if (insn[2]) current.disassembly.push(insn[2].replace(/\s+/g, " ").trim());
  }
  return out;
}

function run(tool: string, args: string[], lines: readonly string[]): string {
  // objdump of a 40,000-instruction sweep prints megabytes: lift spawnSync's 1 MB default.
  const r = spawnSync(tool, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new GnuAsError(`could not run ${tool}: it is not installed (install binutils: apt-get install binutils)`);
  }
  if (r.error) throw new GnuAsError(`${tool} failed: ${r.error.message}`);
  if (r.status !== 0) {
    // "code.s:12: Error: ..." names a line of our file: two per input line, after the directive.
    const errors = r.stderr.trim().split("\n").map((l) => {
      const m = /code\.s:(\d+): (.*)/.exec(l);
      return m ? `${lines[Math.floor((Number(m[1]) - 2) / 2)] ?? "?"}: ${m[2]}` : l;
    });
    throw new GnuAsError(`${tool} rejected the input:\n${errors.slice(0, 20).join("\n")}`);
  }
  return r.stdout;
}
