// The doctor's probe, run in a child process: the book's whole native path on this machine. Map a
// page RW, write chapter 2's return-42 for this processor, seal it RX (chapter 3's CodeBuffer, which
// makes the code visible to instruction fetch where that takes work), call it, print the result.
import { runMain } from "../main.ts";
import { HOST } from "../../chapters/02-first-bytes/aarch64.ts";
import { CodeBuffer } from "../../chapters/03-w-xor-x/code-buffer.ts";

await runMain(() => {
  const code = HOST.return42.code;
  using buffer = CodeBuffer.create(4096);
  const f = buffer.write(code.flatMap((i) => i.bytes)).seal().fn({ args: [], returns: "i32" });
  console.log(`returned ${f()} from ${code.map((i) => i.asm).join("; ")}`);
});
