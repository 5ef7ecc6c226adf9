// Brainfuck -> machine code, one template per command (per run of the same command), in one pass
// over the program. Pure: it needs the addresses of write and read, not the ability to call them.
import { Asm, type Label } from "../05-control-flow/labels.ts";
import type { Program } from "../06-interpreter/parser.ts";
import type { SourcePos } from "../06-interpreter/source.ts";
import type { IoImports } from "./context.ts";
import { emitEntry, emitExits, emitFlushRoutine, emitInputRoutine, newExits, type Exits } from "./routines.ts";
import { emitAdd, emitClose, emitInput, emitMove, emitOffTapeStub, emitOpen, emitOutput } from "./templates.ts";
import type { SiteTable, Step } from "./tier.ts";

/** Machine code for a program, and how to read its bounds checks back. */
export interface Generated {
  readonly asm: Asm;
  readonly sites: SiteTable;
}

// #region hooks
/**
 * Code another module may add to the templates without changing them: an instrumentation seam.
 * A loop test is where a program spends its unbounded time, so code placed there can count what a
 * run does (a profile of where the time goes), or stop it after so many tests. The plain JIT adds nothing.
 */
export interface GeneratorHooks {
  /**
   * Before the test of a `[` or a `]`, in the same assembler: `pos` is the bracket, `offset` the
   * tested cell relative to the pointer. Before the test's compare, so the hook may change the flags.
   */
  loopTest(pos: SourcePos, offset: number): void;
  /** After all the code and its routines: the out-of-line code the hook's loop-test code reaches. */
  emitTail(exits: Exits): void;
}
// #endregion hooks

interface Stub {
  readonly label: Label;
  readonly op: ">" | "<";
  readonly count: number;
  readonly site: number;
}

// #region generate
/**
 * The whole program: emitEntry, one template per run (runLength; each `>`/`<` run a bounds-check
 * site numbered by its first command, with its stub labelled `off_tape_<i>`; loops labelled `loop_<i>`
 * and `end_<i>` by the index of their `[`, when `a` keeps a listing), then emitExits, the stubs, the flush and input routines,
 * and `hooks.emitTail` last. `hooks.loopTest` runs before each `[` and `]` test with offset 0.
 * Its sites read a site's steps back with stepsOf.
 */
export function generate(program: Program, imports: IoImports, a: Asm = new Asm(), hooks?: GeneratorHooks): Generated {
  const exits = newExits(a);
  // The loops whose `]` is still to come, innermost last: a loop's labels are needed only until then.
  const open: { body: Label; end: Label }[] = [];
  const stubs: Stub[] = [];
  // Without a listing a name shows only in an error: one per kind, not a string per label.
  const named = (name: string, i: number): string => (a.keepsListing ? `${name}_${i}` : name);
  emitEntry(a);
  for (let i = 0; i < program.length; ) {
    const op = program.op(i);
    const count = runLength(program, i);
    switch (op) {
      case "+":
      case "-":
        emitAdd(a, op, count);
        break;
      case ">":
      case "<": {
        // A run's bounds check is numbered by the run's first command: its site.
        const stub = { label: a.newLabel(named("off_tape", i)), op, count, site: i };
        emitMove(a, op, count, stub.label);
        stubs.push(stub);
        break;
      }
      case ".":
        emitOutput(a, exits.flush, exits.leave);
        break;
      case ",":
        emitInput(a, exits.input, exits.leave);
        break;
      case "[": {
        const loop = { body: a.newLabel(named("loop", i)), end: a.newLabel(named("end", i)) };
        open.push(loop);
        hooks?.loopTest(program.pos(i), 0);
        emitOpen(a, loop.body, loop.end);
        break;
      }
      case "]": {
        const loop = open.pop()!; // the parser matched every bracket
        hooks?.loopTest(program.pos(i), 0);
        emitClose(a, loop.body, loop.end);
        break;
      }
    }
    i += count;
  }
  emitExits(a, exits);
  for (const s of stubs) emitOffTapeStub(a, s.label, s.op, s.count, s.site, exits.offTape);
  emitFlushRoutine(a, exits, imports);
  emitInputRoutine(a, exits, imports);
  hooks?.emitTail(exits);
  return { asm: a, sites: (site) => stepsOf(program, site) };
}
// #endregion generate

// #region runs
/** How many commands the template at `i` stands for: a run of `+ - > <`, or 1. */
export function runLength(program: Program, i: number): number {
  const { commands } = program;
  const op = commands[i]!;
  let n = 1;
  if (op === "+" || op === "-" || op === ">" || op === "<") while (i + n < commands.length && commands[i + n] === op) n++;
  return n;
}

/** The steps of the run of `>` or `<` that starts at `site`: +1, +2, ... or -1, -2, ... */
export function stepsOf(program: Program, site: number): Step[] {
  const first = program.commands[site];
  if (first !== ">" && first !== "<") return [];
  const sign = first === ">" ? 1 : -1;
  return Array.from({ length: runLength(program, site) }, (_, k) => ({ offset: sign * (k + 1), pos: program.pos(site + k) }));
}
// #endregion runs
