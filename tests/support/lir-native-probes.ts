// LIR text compiled by chapter 8's backend and run, in a child process (runNative): every op of the
// LIR, written by hand, since lowering a Brainfuck program makes only add, move, loop, in and out.
// Each outcome travels back as JSON, for the parent to compare with interpretLir.
import type { EofBehavior } from "../../chapters/06-interpreter/semantics.ts";
import { lirToX86 } from "../../chapters/08-lir/codegen-x86.ts";
import { parseLir } from "../../chapters/08-lir/parse-lir.ts";
import { gnuListing } from "../../chapters/07-template-jit/listing.ts";
import { NativeProgram, libcIo } from "../../chapters/07-template-jit/runtime.ts";
import { packTape, type WireOutcome } from "./bf-native.ts";

export interface LirCase {
  readonly name: string;
  readonly lir: string;
  readonly input?: readonly number[];
  readonly tapeSize?: number;
  readonly eof?: EofBehavior;
}

export type LirOutcome = Pick<WireOutcome, "name" | "output" | "tape" | "pointer" | "error" | "thrown">;

/** Compile and run each case; what it produced, or what it threw. */
export function runLirCases(cases: readonly LirCase[]): LirOutcome[] {
  return cases.map((c) => {
    try {
      const { asm, sites } = lirToX86(parseLir(c.lir), libcIo());
      using program = NativeProgram.load({ tier: "lir", code: asm.finish(), sites, listing: () => gnuListing(asm) });
      const r = program.run({
        input: Uint8Array.from(c.input ?? []),
        ...(c.tapeSize === undefined ? {} : { tapeSize: c.tapeSize }),
        ...(c.eof === undefined ? {} : { eof: c.eof }),
      });
      const error = r.error === null ? null : { name: r.error.name, detail: r.error.detail, pos: r.error.pos };
      return { name: c.name, output: Buffer.from(r.output).toString("base64"), tape: packTape(r.tape), pointer: r.pointer, error, thrown: null };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      return { name: c.name, output: "", tape: null, pointer: 0, error: null, thrown: { name: err.name, message: err.message } };
    }
  });
}
