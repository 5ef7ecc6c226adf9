// The doctor's probe, run in a child process: the book's whole native path on this machine. Map a
// page RW, write `mov eax, 42; ret`, seal it RX (chapter 3's CodeBuffer), call it, print the result.
import { runMain } from "../main.ts";
import { CodeBuffer } from "../../chapters/03-w-xor-x/code-buffer.ts";

await runMain(() => {
  using buffer = CodeBuffer.create(4096);
  const f = buffer.write([0xb8, 0x2a, 0x00, 0x00, 0x00, 0xc3]).seal().fn({ args: [], returns: "i32" });
  console.log(`returned ${f()}`);
});
