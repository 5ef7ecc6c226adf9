// Chapter 2 demo: hand-written x86-64 bytes, checked against GNU as, copied into an RWX page and
// called from JavaScript; then what the declared return type changes, in value and in cost.
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { bunFFI } from "../01-pages/ffi.ts";
import { findMapping, formatMapEntry } from "../01-pages/maps.ts";
import { hex } from "../01-pages/pages.ts";
import { add, add64, addFour, return42 } from "./calls.ts";
import { assemble, hasGnuAs } from "./gnu-as.ts";
import { A64_ADD, A64_ADD_FOUR, A64_RETURN_42, HOST, MACHINE, NATIVE_MACHINES } from "./aarch64.ts";
import { PROGRAMS, bytesOf, hexBytes } from "./programs.ts";
import type { Program } from "./programs.ts";
import { withRwxPage } from "./rwx-page.ts";

function listing(program: Program): void {
  console.log(`${program.name}: ${program.c}`);
  for (const { asm, bytes } of program.code) console.log(`  ${hexBytes(bytes).padEnd(16)} ${asm}`);
  if (MACHINE === "arm64") return console.log(`  (AArch64: tests/arm64.test.ts checks these with aarch64-linux-gnu-as)`);
  if (!hasGnuAs()) return console.log(`  (GNU as not found: install binutils to check these bytes)`);
  const theirs = assemble(program.code.map((i) => i.asm)).flatMap((a) => a.bytes);
  const same = hexBytes(theirs) === hexBytes(bytesOf(program));
  console.log(`  GNU as: ${hexBytes(theirs)}  ${same ? "(same bytes)" : "(DIFFERENT)"}`);
}

/** Nanoseconds per call of `f`, best of a few rounds (the first rounds warm up Bun's JIT). */
function nsPerCall(f: () => unknown, calls = 1_000_000): number {
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const start = Bun.nanoseconds();
    for (let i = 0; i < calls; i++) f();
    best = Math.min(best, (Bun.nanoseconds() - start) / calls);
  }
  return best;
}

const USAGE = `usage: bun chapters/02-first-bytes/main.ts

Chapter 2's demo: hand-written x86-64 bytes, checked against GNU as, copied into an RWX page and
called from JavaScript; then what the declared return type changes, in value and in cost.

  -h, --help    this text`;

await runMain(() => {
  if (parseCommand(process.argv.slice(2), USAGE, {}) === null) return; // --help
  bunFFI("Chapter 2 (first bytes)", NATIVE_MACHINES); // fail here, in one line, when run under Node
  for (const program of MACHINE === "arm64" ? [A64_RETURN_42, A64_ADD_FOUR, A64_ADD] : PROGRAMS) listing(program);
  console.log(`\nreturn42()      = ${return42()}`);
  console.log(`addFour(38)     = ${addFour(38)}`);
  console.log(`add(2, 40)      = ${add(2, 40)}`);

  withRwxPage(bytesOf(HOST.add), { args: ["i32", "i32"], returns: "i32" }, (f, page) => {
    console.log(`\nthe code ran from ${hex(page.address)}: ${formatMapEntry(findMapping(page.address)!)}`);
    console.log(`  writable and executable at once: the shortcut chapter 3 removes (result ${f(1, 2)})`);
  });

  // #region demo-return-types
  const [r32, r64] = MACHINE === "arm64" ? ["w0", "x0"] : ["eax", "rax"]; // the result register
  console.log(`\nthe same bytes, declared two ways:`);
  console.log(`  add(0x7fffffff, 1)   returns "i32" = ${add(0x7fffffff, 1)}   (${r32} only: the sum wrapped)`);
  console.log(`  add64(0x7fffffff, 1) returns "i64" = ${add64(0x7fffffff, 1)}n  (all of ${r64}, as a BigInt)`);
  withRwxPage(bytesOf(HOST.add), { args: ["i32", "i32"], returns: "i32" }, (add32) =>
    withRwxPage(bytesOf(HOST.add), { args: ["i64", "i64"], returns: "i64" }, (add64) => {
      const i32 = nsPerCall(() => add32(2, 40));
      const i64 = nsPerCall(() => add64(2, 40));
      console.log(`  a call returning i32 costs ${i32.toFixed(1)} ns; returning i64 (a BigInt) ${i64.toFixed(1)} ns`);
    }),
  );
  // #endregion demo-return-types
});
