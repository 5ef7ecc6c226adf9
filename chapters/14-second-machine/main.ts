// Chapter 14's demo: a few small functions assembled for AArch64 and listed (offset, word, text),
// what the encoder refuses, and with --run, the functions called: on an arm64 machine through
// chapter 3's code buffer, elsewhere with a note on running it under qemu.
import { arm64BunCommand } from "../../shared/arm64-bun.ts";
import { ROOT } from "../../shared/child.ts";
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { bunFFI } from "../01-pages/ffi.ts";
import { MACHINE, NATIVE_MACHINES } from "../02-first-bytes/aarch64.ts";
import { CodeBuffer } from "../03-w-xor-x/code-buffer.ts";
import { mem } from "./addressing.ts";
import { Assembler } from "./assembler.ts";
import { A64EncodeError } from "./errors.ts";
import { FUNCTIONS, type A64Function } from "./functions.ts";
import { sp, w0, w1, x0, x1, xzr } from "./registers.ts";

const USAGE = `usage: bun chapters/14-second-machine/main.ts [--run]

Chapter 14's demo: small functions assembled for AArch64 and listed, word by word, and what the
encoder refuses. With --run, the functions are called: on an arm64 machine directly, on x86-64 it
says how to run this under qemu-aarch64 with npm's arm64 Bun.

      --run     call the functions (arm64 only)
  -h, --help    this text`;

/** Arguments each function is called with, and shown with. */
const CALLS: Record<string, readonly number[]> = { return42: [], add: [2, 40], sum: [100], constant: [] };

function list(f: A64Function): void {
  console.log(`${f.c}:\n${f.assemble().toString().replace(/^/gm, "  ")}\n`);
}

// #region run
/** Copy the function into a fresh code buffer, seal it (RX, caches made visible) and call it. */
function call(f: A64Function, args: readonly number[]): number | bigint {
  using buffer = CodeBuffer.create(4096);
  buffer.write(f.assemble().bytes()).seal();
  const fn = buffer.fn({ args: f.args, returns: f.returns }) as (...a: number[]) => number | bigint;
  return fn(...args);
}
// #endregion run

await runMain(() => {
  const parsed = parseCommand(process.argv.slice(2), USAGE, { options: { run: { type: "boolean" } } });
  if (parsed === null) return; // --help
  for (const f of FUNCTIONS) list(f);

  const illegal: [string, (a: Assembler) => unknown][] = [
    ["a constant no bitmask encodes", (a) => a.and(x0, x1, 0x1234)],
    ["an add immediate over 12 bits", (a) => a.add(x0, x1, 5000)],
    ["a misaligned offset", (a) => a.ldr(x0, mem(x1, 12))],
    ["sp where register 31 is xzr", (a) => a.orr(x0, sp, x1)],
    ["xzr where register 31 is sp", (a) => a.add(xzr, x0, 1)],
    ["w and x mixed", (a) => a.add(w0, w1, x1)],
  ];
  for (const [what, emit] of illegal) {
    try {
      emit(new Assembler());
      console.log(`${what}: accepted?!`);
    } catch (e) {
      if (!(e instanceof A64EncodeError)) throw e;
      console.log(`${what}:\n  ${e.name}: ${e.message}`);
    }
  }

  if (parsed.values.run !== true) return;
  console.log("");
  if (MACHINE !== "arm64") {
    const command = arm64BunCommand(["chapters/14-second-machine/main.ts", "--run"]);
    console.log(`--run: this machine is ${process.arch}, and these are AArch64 instructions. Run them under qemu-user with npm's arm64 Bun:`);
    console.log(typeof command === "string" ? `  (${command})\n  then: qemu-aarch64 -L /usr/aarch64-linux-gnu <arm64 bun> chapters/14-second-machine/main.ts --run` : `  ${command.join(" ").replaceAll(`${ROOT}/`, "")}`);
    return;
  }
  bunFFI("Chapter 14's --run", NATIVE_MACHINES);
  for (const f of FUNCTIONS) {
    const args = CALLS[f.name] ?? [];
    const result = call(f, args);
    console.log(`${`${f.name}(${args.join(", ")})`.padEnd(16)}= ${result > 0xffff_ffff ? `0x${result.toString(16)}` : result}`);
  }
});
