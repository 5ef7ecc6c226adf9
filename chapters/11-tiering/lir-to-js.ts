// The same projection one level up: chapter 8's LIR interpreter specialized to one (optimized) LIR
// program, as JavaScript source. The residual code works on a Machine (machine.ts), so it serves twice:
// as a whole program (the js-opt tier), and as a loop compiled alone for the counting interpreter
// (a tiered JIT whose upper tier is Bun's own JIT, which runs anywhere JavaScript runs).
import type { BrainfuckError } from "../06-interpreter/errors.ts";
import { eofValue } from "../06-interpreter/semantics.ts";
import type { LineIndex } from "../06-interpreter/source.ts";
import { reachesOf, type Lir, type LoopOp, type Op, type Range, type Reach } from "../08-lir/lir.ts";
import { verify } from "../08-lir/verify.ts";
import { releaseIfGrown } from "./release.ts";
import { loopUnit, optimizeLoop } from "./loop-entry.ts";
import { growTape, type CompiledLoop, type LoopCompiler, type Machine, type MachineIo } from "./machine.ts";
import { firstStepOff } from "./off-tape.ts";

/** `[p + 2]`, `[p - 1]`, `[p]`: the cell at an offset, as source. */
const at = (off: number): string => (off === 0 ? "tape[p]" : off > 0 ? `tape[p + ${off}]` : `tape[p - ${-off}]`);

/**
 * The test that some cell of `cells` is off the tape (each side only when it goes past the pointer).
 * Past the right end, the tape grows first (the slow path), if its limit lets it.
 */
function offTest(cells: Range): string {
  const tests: string[] = [];
  if (cells.lo < 0) tests.push(`p - ${-cells.lo} < 0`);
  if (cells.hi > 0) tests.push(`p + ${cells.hi} >= size && !grow(p + ${cells.hi})`);
  return tests.length === 0 ? "false" : tests.length === 1 ? tests[0]! : `${tests[0]} || (${tests[1]})`;
}

/** The opposite: every cell of `cells` is on the tape. */
function onTest(cells: Range): string {
  const tests: string[] = [];
  if (cells.lo < 0) tests.push(`p - ${-cells.lo} >= 0`);
  if (cells.hi > 0) tests.push(`p + ${cells.hi} < size`);
  return tests.length === 0 ? "true" : tests.join(" && ");
}

// #region lir-to-js
/**
 * The body of `function (m, io, off, eofValue, growTape)`: it runs `lir` on the machine `m` and returns
 * null, or throws `off(site, p)` where an op finds the pointer would leave the tape (past the right end:
 * once growTape finds no more room). `sites[site]` is that
 * op's reaches, for the host to name the command. Every loop is a function of its own (see below).
 * It verifies `lir` first (chapter 8's verify, and its LirVerifyError), as machine code does.
 */
export function lirToJs(lir: Lir): { source: string; sites: (readonly Reach[])[] } {
  verify(lir); // as for machine code: ops other than move, check and scan do no bounds test
  const sites: (readonly Reach[])[] = [];
  const functions: string[] = [];
  const site = (op: Op): string => {
    sites.push(reachesOf(op));
    return `throw off(${sites.length - 1}, p);`;
  };
  const walk = (ops: readonly Op[], indent: string, lines: string[]): void => {
    const emit = (line: string) => lines.push(indent + line);
    for (const op of ops) {
      switch (op.kind) {
        case "add":
          emit(`${at(op.off)} += ${op.k};`);
          break;
        case "set":
          emit(`${at(op.off)} = ${op.value};`);
          break;
        case "muladd":
          emit(`${at(op.dst)} += ${at(op.src)} * ${op.k};`);
          break;
        case "move":
          emit(`if (${offTest({ lo: Math.min(0, op.delta), hi: Math.max(0, op.delta) })}) ${site(op)}`);
          emit(`p += ${op.delta};`);
          break;
        case "check": {
          const lo = Math.min(0, ...op.reach.map((r) => r.off));
          const hi = Math.max(0, ...op.reach.map((r) => r.off));
          emit(`if (${offTest({ lo, hi })}) ${site(op)}`);
          break;
        }
        case "out":
          emit(`out[m.outLength++] = ${at(op.off)};`);
          emit(`if (m.outLength === out.length) io.flush(m);`);
          break;
        case "in":
          emit(`if (m.outLength > 0) io.flush(m);`);
          emit(`{ const b = io.read(); ${at(op.off)} = b < 0 ? eofValue(io.eof, ${at(op.off)}) : b; }`);
          break;
        case "loop": {
          // A function per loop: JavaScriptCore's optimizing tiers skip a function past a size limit,
          // and a whole program is often past it; a loop rarely is, and a small one gets inlined.
          const { line, column } = lir.lines.pos(op.pos);
          const name = `loop_${line}_${column}_${functions.length}`;
          const body: string[] = [];
          walk(op.body, "    ", body);
          functions.push([`function ${name}(p) {`, `  while (${at(op.off)} !== 0) {`, ...body, "  }", "  return p;", "}"].join("\n"));
          emit(`p = ${name}(p);`);
          break;
        }
        case "scan":
          // By one cell, the engine's own search (memchr, as in chapter 9); else a loop of checked moves.
          if (op.stride === 1 || op.stride === -1) {
            const search = op.stride === 1 ? "tape.indexOf(0, p)" : "tape.lastIndexOf(0, p)";
            // Past the last cell, a growing tape's next cell is a new 0: the scan stops there.
            const end = op.stride === 1 ? "z = size; if (!grow(z)) { p = size - 1; " + site(op) + " }" : `p = 0; ${site(op)}`;
            emit(`{ let z = ${search}; if (z < 0) { ${end} } p = z; }`);
          } else {
            emit(`while (tape[p] !== 0) {`);
            emit(`  if (${offTest({ lo: Math.min(0, op.stride), hi: Math.max(0, op.stride) })}) ${site(op)}`);
            emit(`  p += ${op.stride};`);
            emit("}");
          }
          break;
        case "guard":
          emit(`if (${onTest(op.cells)}) {`);
          walk(op.then, indent + "  ", lines);
          emit("} else {");
          walk(op.otherwise, indent + "  ", lines);
          emit("}");
          break;
      }
    }
  };
  const main: string[] = [];
  walk(lir.ops, "", main);
  const head = [
    "let tape = m.tape, size = tape.length;",
    "const out = m.out;",
    // Room for cell `needed` (growTape), or false at the limit; the tape is then read again.
    "const grow = (needed) => { const room = growTape(m, needed); tape = m.tape; size = tape.length; return room; };",
  ].join("\n");
  return { source: [head, ...functions, "let p = m.p;", ...main, "m.p = p;", "return null;"].join("\n"), sites };
}
// #endregion lir-to-js

/** A bounds test failed: what the generated code throws, with the program's error in it. */
class OffTape extends Error {
  override name = "OffTape";
  constructor(readonly error: BrainfuckError) {
    super(error.message);
  }
}

/** The compiled function: runs on `m`, through `io`. */
type MachineCode = (m: Machine, io: MachineIo, off: (site: number, p: number) => OffTape, valueAtEof: typeof eofValue, growTape: (m: Machine, needed: number) => boolean) => null;

// #region js-function
/**
 * LIR compiled by the JavaScript engine: `new Function` over the source, which Bun's JIT takes from
 * there. With `keep` (the default) the function is made at once and kept, warm, from one run to the
 * next; without, it is made at each run and dropped after it, so that code that runs once (a piece of
 * a program's top level) is garbage as soon as it has run, with everything the engine made for it.
 */
export class JsCode implements CompiledLoop {
  readonly source: string;
  readonly #sites: (readonly Reach[])[];
  readonly #lines: LineIndex;
  #fn: MachineCode | null = null;

  constructor(
    lir: Lir,
    readonly keep = true,
  ) {
    const { source, sites } = lirToJs(lir);
    releaseIfGrown(); // what made the source is garbage now, before Bun compiles it
    this.source = source;
    this.#sites = sites;
    this.#lines = lir.lines;
    if (keep) this.#fn = this.#function();
  }

  get codeSize(): number {
    return this.source.length;
  }

  /** Whether it holds its function between runs (`keep`). */
  get kept(): boolean {
    return this.#fn !== null;
  }

  run(m: Machine, io: MachineIo): BrainfuckError | null {
    const off = (site: number, p: number): OffTape => {
      const stop = firstStepOff(this.#sites[site]!, p, m.tape.length, this.#lines);
      m.p = stop.pointer;
      return new OffTape(stop.error);
    };
    try {
      return (this.#fn ?? this.#function())(m, io, off, eofValue, growTape);
    } catch (e) {
      if (e instanceof OffTape) return e.error;
      throw e;
    }
  }

  #function(): MachineCode {
    return new Function("m", "io", "off", "eofValue", "growTape", this.source) as MachineCode;
  }
}
// #endregion js-function

// #region js-loop-compiler
/** The upper tier of a tiered run in pure JavaScript: each hot loop optimized, then compiled by Bun. */
export class JsLoopCompiler implements LoopCompiler {
  readonly name = "js";

  compile(loop: LoopOp, proved: Range, lines: LineIndex): JsCode {
    return new JsCode(optimizeLoop(loopUnit(loop, proved, lines)));
  }
}
// #endregion js-loop-compiler
