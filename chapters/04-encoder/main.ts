// Chapter 4's demo: assemble a small SSE2 routine, print its listing, take a few instructions
// apart field by field, show what forcing a 32-bit displacement changes, and what an illegal
// instruction gets.
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { Assembler } from "./assembler.ts";
import { EncodeError } from "./errors.ts";
import { compareFields, formatFields, splitFields } from "./fields.ts";
import { formsOf, mnemonics } from "./instructions.ts";
import { byte, disp32, mem, qword, xmmword, type Scale } from "./operands.ts";
import { ah, eax, ecx, r8b, rax, rbx, rcx, rdi, rip, rsp, xmm0, xmm1, ymm0, ymm1, ymm9 } from "./registers.ts";

const USAGE = `usage: bun chapters/04-encoder/main.ts

Chapter 4's demo: a small SSE2 routine assembled and listed, a few instructions taken apart field
by field, a forced 32-bit displacement, and what an illegal instruction gets.

  -h, --help    this text`;

runMain(() => {
  if (parseCommand(process.argv.slice(2), USAGE, {}) === null) return; // --help
  const forms = mnemonics().reduce((n, m) => n + formsOf(m).length, 0);
  console.log(`The instruction table: ${mnemonics().length} mnemonics, ${forms} forms.\n`);

  // #region strlen
  // strlen(rdi), 16 bytes at a time: compare with zero, take one bit per byte, find the first.
  // (It may read up to 15 bytes past the terminator: safe only where those bytes are mapped. Aligned
  // loads would make it safe everywhere, as an aligned 16-byte load never crosses a page.)
  const a = new Assembler();
  a.mov(rax, rdi).pxor(xmm0, xmm0).sub(rax, 16);
  const top = a.offset;
  a.add(rax, 16)
    .movdqu(xmm1, xmmword(rax))
    .pcmpeqb(xmm1, xmm0) //   0xff where a byte is zero
    .pmovmskb(ecx, xmm1) //   bit i = top bit of byte i
    .test(ecx, ecx)
    .jz(top) //               no zero byte yet: next 16
    .tzcnt(ecx, ecx) //       index of the first zero byte
    .add(rax, rcx)
    .sub(rax, rdi)
    .ret();
  // #endregion strlen
  console.log(`strlen, ${a.offset} bytes:\n${a.toString()}\n`);

  const parts = new Assembler()
    .add(rax, qword(rbx, rcx, 8, 16))
    .cmp(byte(rip, 0x100), 0)
    .vpcmpeqb(ymm1, ymm0, ymm9);
  for (const line of parts.listing) console.log(`${line.text}\n${formatFields(splitFields(line.bytes))}\n`);

  const short = new Assembler().mov(rax, qword(rbx, 16)).bytes();
  const long = new Assembler().mov(rax, disp32(qword(rbx, 16))).bytes();
  console.log(`mov rax, qword ptr [rbx+16], with and without {disp32}:\n${compareFields(short, long, ["shortest", "disp32"])}\n`);

  // #region illegal
  const illegal: [string, (a: Assembler) => unknown][] = [
    ["a high byte register next to a REX one", (a) => a.mov(ah, r8b)],
    ["two memory operands", (a) => a.add(qword(rax), qword(rbx) as never)], // the types refuse it too
    ["rsp as an index", (a) => a.lea(rax, mem(rbx, rsp))],
    ["a scale of 3", (a) => a.lea(rax, mem(rbx, rcx, 3 as Scale))],
    ["an immediate too wide for its form", (a) => a.add(rax, 0x80000000)],
    ["a memory operand with no size", (a) => a.inc(mem(rax))],
    ["a 32-bit push", (a) => a.push(eax)],
  ];
  // #endregion illegal
  for (const [what, emit] of illegal) {
    try {
      emit(new Assembler());
      console.log(`${what}: accepted?!`);
    } catch (e) {
      if (!(e instanceof EncodeError)) throw e;
      console.log(`${what}:\n  ${e.name}: ${e.message}`);
    }
  }
});
