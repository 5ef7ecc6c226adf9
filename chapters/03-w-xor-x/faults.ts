// What goes wrong with generated code, one deliberate mistake each. They kill the process that runs
// them, so they only ever run in a child: fault-child.ts <mode>, started by the demo and the tests.
import { PROT, bytesAt, mapPages, unmapPages } from "../01-pages/pages.ts";
import { nativeFunction } from "../02-first-bytes/native-function.ts";
import { RETURN_42, bytesOf } from "../02-first-bytes/programs.ts";
import { CodeBuffer } from "./code-buffer.ts";

export interface Fault {
  readonly mode: string;
  readonly mistake: string;
  /** How the child ends: the signal that kills it, "timeout", or "exit" for the one that works. */
  readonly expect: string;
  readonly run: () => unknown;
}

/** Seal `code` in a fresh CodeBuffer and call it: the correct way, used with incorrect code. */
const sealed = (code: readonly number[]) => (): number =>
  CodeBuffer.create(code.length).write(code).seal().fn({ args: [], returns: "i32" })();

// #region faults
export const FAULTS: readonly Fault[] = [
  {
    mode: "ok",
    mistake: "none: write, seal, call",
    expect: "exit",
    run: sealed(bytesOf(RETURN_42)),
  },
  {
    mode: "exec-rw",
    mistake: "call code in a page that is still RW",
    expect: "SIGSEGV",
    run: () => {
      const page = mapPages(4096, PROT.READ | PROT.WRITE);
      bytesAt(page.address, page.size).set(bytesOf(RETURN_42));
      return nativeFunction(page.address, { args: [], returns: "i32" })(); // no mprotect to RX
    },
  },
  {
    mode: "write-rx",
    mistake: "write into sealed (RX) code through a view kept from before",
    expect: "SIGSEGV",
    run: () => {
      const buffer = CodeBuffer.create(4096);
      const view = bytesAt(buffer.address, buffer.size); // a view CodeBuffer cannot revoke
      buffer.write(bytesOf(RETURN_42)).seal();
      view[1] = 43;
    },
  },
  {
    mode: "use-after-free",
    mistake: "call a function whose code buffer was freed",
    expect: "SIGSEGV",
    run: () => {
      const buffer = CodeBuffer.create(4096).write(bytesOf(RETURN_42)).seal();
      const f = buffer.fn({ args: [], returns: "i32" });
      buffer.free();
      return f();
    },
  },
  {
    mode: "read-after-unmap",
    mistake: "read through a view of pages that were unmapped",
    expect: "SIGSEGV",
    run: () => {
      const page = mapPages(4096, PROT.READ | PROT.WRITE);
      const view = bytesAt(page.address, page.size);
      unmapPages(page);
      return view[0];
    },
  },
  {
    mode: "null",
    mistake: "load through a null pointer: mov rax, [0]",
    expect: "SIGSEGV",
    run: sealed([0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00, 0xc3]),
  },
  {
    mode: "ud2",
    mistake: "an invalid instruction: ud2 (0f 0b)",
    expect: "SIGILL",
    run: sealed([0x0f, 0x0b]),
  },
  {
    mode: "int3",
    mistake: "a breakpoint: int3 (cc)",
    expect: "SIGTRAP",
    run: sealed([0xcc]),
  },
  {
    mode: "no-ret",
    mistake: "forget the ret: mov eax, 42 and then the buffer's int3 filling",
    expect: "SIGTRAP",
    run: sealed(RETURN_42.code[0]!.bytes),
  },
  {
    mode: "loop",
    mistake: "jump to itself forever: jmp $ (eb fe)",
    expect: "timeout",
    run: sealed([0xeb, 0xfe]),
  },
];
// #endregion faults

/** The fault for `mode`, or an error listing the modes there are. */
export function fault(mode: string): Fault {
  const found = FAULTS.find((f) => f.mode === mode);
  if (!found) throw new UnknownFaultError(mode);
  return found;
}

export class UnknownFaultError extends Error {
  override name = "UnknownFaultError";
  constructor(mode: string) {
    super(`there is no fault mode "${mode}": choose one of ${FAULTS.map((f) => f.mode).join(", ")}`);
  }
}
