// Chapter 13, part 4: programs too big for one function. The backend splits their code into parts,
// and they run as the interpreter runs them; a module past the engine's limits is a WasmLimitError
// at line:column, never the engine's CompileError.
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBun } from "../shared/child.ts";
import { interpret, interpretWithStats } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference } from "../chapters/06-interpreter/semantics.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { LirError } from "../chapters/08-lir/errors.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { decodeModule } from "../chapters/13-wasm-backend/decode.ts";
import { ENGINE_LIMITS, MAX_FUNCTION_SIZE, MAX_FUNCTIONS, MAX_MODULE_SIZE, WasmLimitError, type WasmLimits } from "../chapters/13-wasm-backend/limits.ts";
import { lirToWasm, SPLIT_SIZE } from "../chapters/13-wasm-backend/lir-to-wasm.ts";
import { WasmProgram } from "../chapters/13-wasm-backend/wasm-program.ts";
import { randomCases } from "./support/bf-random.ts";

/** The sizes of a module's function bodies, by name. */
function functionSizes(bytes: Uint8Array): Map<string, number> {
  const m = decodeModule(bytes);
  const imported = m.imports.filter((i) => i.kind === "func").length;
  return new Map(m.functions.map((f, i) => [m.functionNames.get(imported + i) ?? `${imported + i}`, f.end - f.start]));
}

// #region big-program
/**
 * Straight-line code for `cells` cells, 1 and 2 in turn, then back to cell 0 and print them all:
 * at 300,000 cells, more than 8 MB of code in run(), past the 7,654,321 bytes an engine takes in
 * one function. Generated here, never committed.
 */
function bigProgram(cells: number): string {
  return "+>++>".repeat(cells / 2) + "<".repeat(cells) + "[.>]";
}
// #endregion

describe("the engine's limits", () => {
  test("a program too big for one function runs, in parts, as the interpreter runs it", () => {
    // The limits are the WebAssembly JS API's: 7,654,321 bytes a function, 1 GiB a module, 1,000,000 functions.
    expect([MAX_FUNCTION_SIZE, MAX_MODULE_SIZE, MAX_FUNCTIONS]).toEqual([7_654_321, 1_073_741_824, 1_000_000]);
    expect(ENGINE_LIMITS).toEqual({ functionSize: MAX_FUNCTION_SIZE, moduleSize: MAX_MODULE_SIZE, functions: MAX_FUNCTIONS });
    expect(SPLIT_SIZE).toBeLessThan(MAX_FUNCTION_SIZE);
    const cells = 300_000;
    const source = bigProgram(cells);
    const options = { tapeSize: cells + 1 };
    const program = new WasmProgram(optimize(lower(parse(source))).lir);
    const sizes = functionSizes(program.bytes());
    const code = [...sizes.values()].reduce((a, b) => a + b, 0);
    expect(code).toBeGreaterThan(MAX_FUNCTION_SIZE); // one function would not do
    expect(Math.max(...sizes.values())).toBeLessThanOrEqual(SPLIT_SIZE);
    expect([...sizes.keys()].filter((n) => n.startsWith("part@")).length).toBeGreaterThan(MAX_FUNCTION_SIZE / SPLIT_SIZE);
    const expected = interpret(parse(source), options);
    expect(expected.output.length).toBe(cells);
    expect(describeDifference(expected, program.run(options))).toBeNull();
    // With fuel, and off the end of a shorter tape, in the middle of a part.
    expect(describeDifference(expected, program.run({ ...options, maxSteps: cells + 1 }))).toBeNull();
    const short = { tapeSize: 123_457 };
    const off = program.run(short);
    expect(describeDifference(interpret(parse(source), short), off)).toBeNull();
    expect(off.error?.name).toBe("TapeBoundsError");
  }, 120_000);

  test("and through main.ts, in a child", async () => {
    const cells = 300_000;
    const dir = mkdtempSync(join(tmpdir(), "wasm-big-"));
    const file = join(dir, "big.b");
    writeFileSync(file, bigProgram(cells));
    const r = await runBun("chapters/13-wasm-backend/main.ts", [file, "--tape", String(cells + 1), "--stats"], { timeoutMs: 120_000 });
    expect([r.exitCode, r.stdout.length, r.stdout.slice(0, 4)]).toEqual([0, cells, "\x01\x02\x01\x02"]);
    expect(r.stderr).toMatch(/ bytes of WebAssembly in \d{2,} functions;/);
    expect(r.stderr).not.toMatch(/CompileError/);
  }, 150_000);
});

describe("split at any size: small limits split small programs", () => {
  const small: WasmLimits = { ...ENGINE_LIMITS, functionSize: 2048 };

  test("300 random programs, optimized and not, with and without fuel, as the interpreter runs them", () => {
    let split = 0;
    for (const c of randomCases(300, 7001, { maxItems: 120 })) {
      const parsed = parse(c.source);
      const { result: expected, steps } = interpretWithStats(parsed, c.options);
      for (const lir of [optimize(lower(parsed)).lir, lower(parsed)]) {
        const program = new WasmProgram(lir, { limits: small });
        for (const fuel of [true, false]) {
          const sizes = functionSizes(program.bytes(fuel));
          if (Math.max(...sizes.values()) > small.functionSize) throw new Error(`seed ${c.seed}: a function of ${Math.max(...sizes.values())} bytes`);
          if ([...sizes.keys()].some((n) => n.startsWith("part@"))) split++;
        }
        for (const opts of [{ ...c.options, maxSteps: steps }, c.options]) {
          const diff = describeDifference(expected, program.run(opts));
          if (diff !== null) throw new Error(`seed ${c.seed}${opts.maxSteps === undefined ? "" : `, fuel ${opts.maxSteps}`}: ${JSON.stringify(c.source)}\n${diff}`);
        }
      }
    }
    expect(split).toBeGreaterThan(300); // of 1,200 modules
  }, 120_000);

  test("a loop's body too big for its function is split too, and called on every iteration", () => {
    const source = "+++++[" + ">+>++.<<".repeat(400) + "-]";
    const lir = optimize(lower(parse(source))).lir;
    const sizes = functionSizes(lirToWasm(lir, { limits: small }).bytes);
    expect([...sizes.keys()].filter((n) => n.startsWith("part@")).length).toBeGreaterThan(2);
    expect(describeDifference(interpret(parse(source)), new WasmProgram(lir, { limits: small }).run())).toBeNull();
  });

  test("limits too small to split at all are refused", () => {
    expect(() => lirToWasm(lower(parse("+")), { limits: { ...ENGINE_LIMITS, functionSize: 100 } })).toThrow(/functionSize must be at least 2048 bytes, not 100/);
  });
});

// #region limit-error
describe("past the limits: the book's error, at line:column", () => {
  test("a module past its size limit: a WasmLimitError at the op where it passes, not the engine's error", () => {
    const source = "+>++>".repeat(5000);
    const lir = optimize(lower(parse(source))).lir;
    const limits = { ...ENGINE_LIMITS, moduleSize: 50_000 };
    const thrown = (() => {
      try {
        new WasmProgram(lir, { limits }).run();
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(thrown).toBeInstanceOf(WasmLimitError);
    expect(thrown).toBeInstanceOf(LirError); // main.ts prints it as it prints the LIR's errors
    const e = thrown as WasmLimitError;
    expect(e.message).toMatch(/^1:\d+: the module passes 50,000 bytes here, the most a module may have, so no JavaScript engine would load it\. Run the program with a native tier/);
    // The program up to there makes a module just under the limit (less what the test leaves for
    // the sections that are written at the end).
    expect(formatPos(e.pos)).toBe(`1:${e.pos.offset + 1}`);
    const before = lirToWasm(optimize(lower(parse(source.slice(0, e.pos.offset)))).lir).bytes.length;
    expect(before).toBeLessThanOrEqual(50_000);
    expect(before).toBeGreaterThan(48_000);
  });

  test("one function too many: a WasmLimitError at the loop that would be it", () => {
    // Every outer loop holds a loop, so its body is a function: $out, $run, and one per loop.
    const source = "+[[.-]]".repeat(6);
    const lir = optimize(lower(parse(source))).lir;
    expect(() => lirToWasm(lir, { limits: { ...ENGINE_LIMITS, functions: 5 } })).toThrow(
      new WasmLimitError({ offset: 22, line: 1, column: 23 }, "the code from here would be function number 6 of the module, one more than a module may have"),
    );
    expect(lirToWasm(lir, { limits: { ...ENGINE_LIMITS, functions: 8 } }).bytes.length).toBeGreaterThan(0);
  });
});
// #endregion
