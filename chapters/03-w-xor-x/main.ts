// Chapter 3 demo: the W^X lifecycle of a CodeBuffer, read back from /proc/self/maps at every step;
// the errors that misuse gets; the dual mapping; then each classic mistake, committed in a child
// process, with the signal that killed it and the harness's diagnosis.
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { formatBytes } from "../01-pages/checks.ts";
import { bunFFI } from "../01-pages/ffi.ts";
import { findMapping, formatMapEntry, writableExecutable } from "../01-pages/maps.ts";
import { hex } from "../01-pages/pages.ts";
import { HOST, MACHINE, NATIVE_MACHINES } from "../02-first-bytes/aarch64.ts";
import { bytesOf } from "../02-first-bytes/programs.ts";
import { CodeBuffer } from "./code-buffer.ts";
import { DualMapping } from "./dual-mapping.ts";
import { FAULTS } from "./faults.ts";

const perms = (address: number) => findMapping(address)?.perms ?? "(unmapped)";


function misuse(what: string, f: () => unknown): void {
  try {
    f();
    console.log(`  ${what}: no error?!`);
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    console.log(`  ${what}:\n    ${e.name}: ${e.message}`);
  }
}

const USAGE = `usage: bun chapters/03-w-xor-x/main.ts

Chapter 3's demo: the W^X lifecycle of a CodeBuffer, read back from /proc/self/maps at every step;
the errors misuse gets; the dual mapping; each classic mistake, committed in a child process.

  -h, --help    this text`;

await runMain(async () => {
  if (parseCommand(process.argv.slice(2), USAGE, {}) === null) return; // --help
  bunFFI("Chapter 3 (W^X)", NATIVE_MACHINES); // fail here, in one line, when run under Node
  // Imported here, not at the top: the harness is Bun-only from its first line.
  const { runBun } = await import("../../shared/child.ts");
  const jscPool = writableExecutable(); // JavaScriptCore's own, mapped before any of our code

  // #region demo-lifecycle
  const buffer = CodeBuffer.create(4096);
  console.log(`CodeBuffer.create(4096)  ${buffer.state.padEnd(8)} ${perms(buffer.address)}  at ${hex(buffer.address)}`);
  buffer.write(bytesOf(HOST.return42));
  console.log(`write(return42)          ${buffer.state.padEnd(8)} ${perms(buffer.address)}`);
  buffer.seal();
  const f = buffer.fn({ args: [], returns: "i32" });
  console.log(`seal()                   ${buffer.state.padEnd(8)} ${perms(buffer.address)}  f() = ${f()}`);
  buffer.unseal().write(bytesOf(HOST.returnConstant(43))).seal();
  console.log(`unseal, patch, seal      ${buffer.state.padEnd(8)} ${perms(buffer.address)}  f() = ${f()}`);
  // What overlaps JavaScriptCore's pool is not ours, however the kernel now splits or merges its
  // entries (on AArch64 the engine changes the protection of pages within it).
  const added = writableExecutable().filter((m) => !jscPool.some((j) => m.start < j.end && j.start < m.end));
  buffer.free();
  console.log(`free()                   ${buffer.state.padEnd(8)} ${perms(buffer.address)}`);
  // #endregion demo-lifecycle

  console.log(`\nwritable and executable mappings we added: ${added.length === 0 ? "none" : added.map(formatMapEntry).join(", ")}`);
  for (const m of jscPool) {
    console.log(`(the process has one more: ${formatMapEntry(m)}, ${formatBytes(m.end - m.start)}, JavaScriptCore's own JIT)`);
  }

  console.log(`\nmisuse is an error, not a crash:`);
  const fresh = CodeBuffer.create(64);
  misuse("fn() before seal()", () => fresh.fn({ args: [], returns: "i32" }));
  misuse("write 6 bytes at offset 4094", () => fresh.write(bytesOf(HOST.return42), 4094));
  misuse("write the number 300", () => fresh.write([300]));
  fresh.write(bytesOf(HOST.return42)).seal();
  misuse("write() after seal()", () => fresh.write([0x90]));
  fresh.free();
  misuse("free() twice", () => fresh.free());

  // #region demo-dual
  console.log(`\nthe dual mapping: one memfd, two views`);
  const dual = DualMapping.create(4096);
  console.log(`  RW view: ${formatMapEntry(findMapping(dual.writeAddress)!)}`);
  console.log(`  RX view: ${formatMapEntry(findMapping(dual.execAddress)!)}`);
  dual.write(bytesOf(HOST.return42));
  const g = dual.fn({ args: [], returns: "i32" });
  console.log(`  written through RW, called through RX: ${g()}`);
  dual.write(bytesOf(HOST.returnConstant(43)));
  console.log(`  patched through RW, no mprotect, same function: ${g()}`);
  dual.free();
  // #endregion demo-dual

  // #region demo-faults
  console.log(`\nmistakes, each in a child process (bun chapters/03-w-xor-x/fault-child.ts <mode>):`);
  if (MACHINE === "arm64") return console.log(`  (their bytes are x86-64 machine code: they run on x86-64 only)`);
  for (const { mode, mistake, expect } of FAULTS) {
    const timeoutMs = expect === "timeout" ? 1000 : 10_000; // only the endless loop needs a short fuse
    const r = await runBun("chapters/03-w-xor-x/fault-child.ts", [mode], { timeoutMs });
    const ending = r.timedOut ? `killed after ${timeoutMs} ms` : (r.signal ?? `exit ${r.exitCode}`);
    console.log(`  ${mode.padEnd(16)} ${mistake}\n  ${"".padEnd(16)} -> ${ending}: ${r.diagnosis ?? r.stdout.trim()}`);
  }
  // #endregion demo-faults
});
