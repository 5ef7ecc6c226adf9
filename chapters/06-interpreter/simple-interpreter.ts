// The definition of Brainfuck as code: one command at a time, every check spelled out. Too slow to
// be the oracle for big programs, but short enough to be obviously right; interpreter.ts, the fast
// oracle, is tested against it.
import { StepLimitError, TapeBoundsError, type BrainfuckError } from "./errors.ts";
import { OutputBuffer } from "./output-buffer.ts";
import type { Program } from "./parser.ts";
import { eofValue, grownSize, resultTape, settingsOf, type RunOptions, type RunResult } from "./semantics.ts";

// #region simple-interpret
/**
 * Run `program`, one command at a time. The options are settingsOf's. A runtime error ends the run and
 * is returned in the result with the output, tape and pointer as they are: TapeBoundsError at a move
 * off the tape (not made), StepLimitError at the first command past the step limit.
 */
export function simpleInterpret(program: Program, opts?: RunOptions): RunResult {
  const settings = settingsOf(opts);
  const { input, tapeSize, tapeLimit, eof, maxSteps } = settings;
  const { commands, match } = program;
  let tape: Uint8Array = new Uint8Array(tapeSize);
  const output = new OutputBuffer();
  let p = 0; // the pointer
  let inputPos = 0;
  let steps = 0;
  let error: BrainfuckError | null = null;

  for (let pc = 0; pc < commands.length && error === null; pc++) {
    if (steps === maxSteps) {
      error = new StepLimitError(program.pos(pc), maxSteps);
      break;
    }
    steps++;
    switch (commands[pc]) {
      case "+":
        tape[p]++; // a Uint8Array cell wraps by itself: 255 + 1 stores 0
        break;
      case "-":
        tape[p]--;
        break;
      case ">":
        if (p === tape.length - 1 && tape.length < tapeLimit) {
          const longer = new Uint8Array(grownSize(tape.length, p + 1, tapeLimit)); // a growing tape
          longer.set(tape);
          tape = longer;
        }
        if (p === tape.length - 1) error = new TapeBoundsError(program.pos(pc), "right", tapeLimit);
        else p++;
        break;
      case "<":
        if (p === 0) error = new TapeBoundsError(program.pos(pc), "left", tapeLimit);
        else p--;
        break;
      case ".":
        output.push(tape[p]!);
        break;
      case ",":
        tape[p] = inputPos < input.length ? input[inputPos++]! : eofValue(eof, tape[p]!);
        break;
      case "[":
        if (tape[p] === 0) pc = match[pc]!; // the loop's `]`; pc++ then steps past it
        break;
      case "]":
        if (tape[p] !== 0) pc = match[pc]!; // back to the `[`; pc++ then enters the body again
        break;
    }
  }
  return { output: output.bytes(), tape: resultTape(tape, p, settings), pointer: p, error };
}
// #endregion
