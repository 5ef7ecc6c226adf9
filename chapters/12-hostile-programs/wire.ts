// A RunResult as plain data, to cross to another thread or process and back: an error keeps its
// name, position and message, which is all a comparison looks at.
import { BrainfuckError } from "../06-interpreter/errors.ts";
import type { RunResult } from "../06-interpreter/semantics.ts";
import type { SourcePos } from "../06-interpreter/source.ts";

export interface WireResult {
  readonly output: Uint8Array;
  readonly tape: Uint8Array;
  readonly pointer: number;
  readonly error: { readonly name: string; readonly detail: string; readonly pos: SourcePos | null } | null;
}

export function toWire(r: RunResult): WireResult {
  return { output: r.output, tape: r.tape, pointer: r.pointer, error: r.error && { name: r.error.name, detail: r.error.detail, pos: r.error.pos } };
}

export function fromWire(w: WireResult): RunResult {
  let error: BrainfuckError | null = null;
  if (w.error !== null) {
    error = new BrainfuckError(w.error.pos, w.error.detail);
    error.name = w.error.name;
  }
  return { output: w.output, tape: w.tape, pointer: w.pointer, error };
}
