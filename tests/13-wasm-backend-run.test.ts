// Chapter 13, part 2: the WebAssembly backend runs programs exactly as chapter 6's interpreter does:
// output, tape, pointer and errors at the same line:column, with fuel counted as chapter 8 counts it.
// The engine's WebAssembly cannot crash the process, so this runs in-process; fuel keeps every run
// bounded.
import { describe, expect, test } from "bun:test";
import { StepLimitError, TapeBoundsError } from "../chapters/06-interpreter/errors.ts";
import { interpret, interpretWithStats } from "../chapters/06-interpreter/interpreter.ts";
import { parse, type Program } from "../chapters/06-interpreter/parser.ts";
import { describeDifference, type EofBehavior, type RunOptions } from "../chapters/06-interpreter/semantics.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { interpretLir } from "../chapters/08-lir/interpret-lir.ts";
import type { Lir } from "../chapters/08-lir/lir.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { OUTPUT_SIZE } from "../chapters/13-wasm-backend/layout.ts";
import { lirToWasm } from "../chapters/13-wasm-backend/lir-to-wasm.ts";
import { KEEP_PAGES, pooledMemories } from "../chapters/13-wasm-backend/memory-pool.ts";
import { PAGE_SIZE } from "../chapters/13-wasm-backend/module.ts";
import { WasmProgram } from "../chapters/13-wasm-backend/wasm-program.ts";
import { compileToWasm, wasmTier } from "../chapters/13-wasm-backend/wasm-tier.ts";
import { toWat } from "../chapters/13-wasm-backend/wat.ts";
import { benchPrograms, checkCase, projectPrograms, runCase } from "./support/bf-programs.ts";
import { randomCases, Rng } from "./support/bf-random.ts";

const wasm = (source: string, optimized = true) => compileToWasm(parse(source), { optimize: optimized });

/**
 * The code of the last top-level op of `lir` in $run, one line, without comments: the ops before it
 * are only there to make it verify.
 */
function codeOf(lir: string): string {
  const { bytes, comments } = lirToWasm(parseLir(lir), { comments: true });
  const run = toWat(bytes, comments).split("  (func $run")[1]!.split("\n  (")[0]!.split("\n");
  const last = run.findLastIndex((l) => l.startsWith("      ;; "));
  const end = run.findIndex((l, i) => i > last && l === "    end");
  const code = run.slice(last + 1, end).filter((l) => !l.includes(";;")).map((l) => l.trim()).join(" ");
  return code.replace(/ ?local\.get \$p return$/, ""); // the end of run(): it returns the pointer
}

const EXIT = (site: number, label: string) => `if ${label} i32.const ${site} local.set $site br $b0 end`;
/** A bounds test; when it fails, the host may grow the tape to hold p + hi, and the test runs again before the exit. */
const TESTED = (test: string, hi: number, site: number, label: number) =>
  `${test} if $i${label} local.get $p i32.const ${hi} i32.add call $grow local.set $tapeSize ${test} ${EXIT(site, `$i${label + 1}`)} end`;
const OFF = (o: number) => `local.get $p i32.const ${o} i32.add local.get $tapeSize i32.ge_u`;
const CHECK_1 = TESTED(OFF(1), 1, 1, 1);

describe("each LIR op, lowered", () => {
  // #region op-table
  test.each([
    ["set [0] 7", "local.get $p i32.const 7 i32.store8 offset=65536"],
    ["check 1 add [1] 3", "local.get $p local.get $p i32.load8_u offset=65537 i32.const 3 i32.add i32.store8 offset=65537"],
    ["add [0] -1", "local.get $p local.get $p i32.load8_u offset=65536 i32.const -1 i32.add i32.store8 offset=65536"],
    ["check 1 muladd [1] += [0] * 3", "local.get $p local.get $p i32.load8_u offset=65537 local.get $p i32.load8_u offset=65536 i32.const 3 i32.mul i32.add i32.store8 offset=65537"],
    ["check 1 muladd [1] += [0] * 1", "local.get $p local.get $p i32.load8_u offset=65537 local.get $p i32.load8_u offset=65536 i32.add i32.store8 offset=65537"],
    ["check 1 muladd [1] += [0] * -1", "local.get $p local.get $p i32.load8_u offset=65537 local.get $p i32.load8_u offset=65536 i32.sub i32.store8 offset=65537"],
    ["in [0]", "local.get $p local.get $p i32.load8_u offset=65536 call $input i32.store8 offset=65536"],
    ["out [0]", "local.get $p i32.load8_u offset=65536 call $out"],
    // One unsigned compare covers both ends of the tape: below 0 wraps to above any tape size.
    ["move 2", `${TESTED(OFF(2), 2, 1, 1)} local.get $p i32.const 2 i32.add local.set $p`],
    ["move -1", `${TESTED(OFF(-1), -1, 1, 1)} local.get $p i32.const -1 i32.add local.set $p`],
    ["check 1", CHECK_1],
    ["check -1 1 2", TESTED(`${OFF(-1)} ${OFF(2)} i32.or`, 2, 1, 1)],
    ["in [0] scan 2", `block $b1 loop $l2 local.get $p i32.load8_u offset=65536 i32.eqz br_if $b1 ${TESTED(OFF(2), 2, 1, 3)} local.get $p i32.const 2 i32.add local.set $p br $l2 end end`],
    // An innermost loop stays inline: the test of its '[', then the body and the test of its ']'.
    ["in [0] loop [0] { in [0] }", "local.get $p i32.load8_u offset=65536 if $i1 loop $l2 local.get $p local.get $p i32.load8_u offset=65536 call $input i32.store8 offset=65536 local.get $p i32.load8_u offset=65536 br_if $l2 end end"],
    // A loop with loops inside, at the top level: its body is a function, called on every iteration.
    // It returns the pointer, or -1 when it stopped at a site: then run() stops too.
    ["in [0] loop [0] { loop [0] { in [0] } }", "local.get $p i32.load8_u offset=65536 if $i1 loop $l2 local.get $p local.get $tapeSize call $loop@1:8 local.tee $p i32.const 0 i32.lt_s if $i3 i32.const -1 return end local.get $p i32.load8_u offset=65536 br_if $l2 end end"],
    ["guard -1..2 { set [0] 1 } else { set [0] 2 }", "local.get $p i32.const -1 i32.add local.get $tapeSize i32.lt_u local.get $p i32.const 2 i32.add local.get $tapeSize i32.lt_u i32.and if $i1 local.get $p i32.const 1 i32.store8 offset=65536 else local.get $p i32.const 2 i32.store8 offset=65536 end"],
    ["guard 0..0 { set [0] 1 } else { set [0] 2 }", "local.get $p i32.const 1 i32.store8 offset=65536"], // [0] is always on the tape
  ])("%s", (lir, expected) => {
    expect(codeOf(lir)).toBe(expected);
  });
  // #endregion

  test("toWat with maxLines is the text's first lines, and a last line saying it was cut there", () => {
    const { bytes, comments } = lirToWasm(parseLir("in [0] loop [0] { loop [0] { loop [0] { in [0] } } } out [0]"), { comments: true });
    const whole = toWat(bytes, comments).split("\n");
    expect(toWat(bytes, comments, 12)).toBe([...whole.slice(0, 12), ";; ... cut here, after 12 lines", ""].join("\n"));
    expect(toWat(bytes, comments, whole.length + 5)).toBe(whole.join("\n"));
  });

  test("deeper down, a loop with loops inside is a function of its own, called on every entry", () => {
    const wat = toWat(lirToWasm(parseLir("in [0] loop [0] { loop [0] { loop [0] { in [0] } } }")).bytes);
    const fn = (name: string) => wat.split(`  (func ${name} (type 2) (param $p i32) (param $tapeSize i32) (result i32)\n`)[1]!.split("\n  (")[0]!.split("\n").map((l) => l.trim());
    const body = fn("$loop@1:8"); // the top-level loop's body: it calls the middle loop
    expect(body).toContain("call $loop@1:19");
    expect(body.filter((l) => l.startsWith("loop "))).toEqual([]);
    const middle = fn("$loop@1:19"); // the middle loop: the loop itself, with the innermost inline
    expect(middle.filter((l) => l.startsWith("loop ") || l.startsWith("br_if $l"))).toEqual(["loop $l1", "loop $l3", "br_if $l3", "br_if $l1"]);
    // At its end it returns the pointer; a site leaves the block to say where it stopped, and -1.
    expect(middle.slice(-8)).toEqual(["local.get $p", "return", "end", "local.get $p", "global.set $pointer", "local.get $site", "global.set $site", "i32.const -1)"]);
  });

  test("a scan by one cell first skips eight at a time, unless fuel counts every test", () => {
    const text = (lir: string, fuel: boolean) => toWat(lirToWasm(parseLir(lir), { fuel }).bytes);
    const right = text("in [0] scan 1", false);
    expect(right).toContain("i64.load offset=65536 align=1"); // cells p..p+7, loaded as one word
    expect(right).toContain("i64.ctz"); // the lowest byte that is 0 is the first going right
    const left = text("in [0] scan -1", false);
    expect(left).toContain("i64.load offset=65529 align=1"); // cells p-7..p
    expect(left).toContain("i64.clz");
    expect(text("in [0] scan 1", true)).not.toContain("i64.load");
    expect(text("in [0] scan 2", false)).not.toContain("i64.load");
  });

  test("skipping eight at a time ends, or fails, exactly where the scan would", () => {
    for (const tapeSize of [7, 8, 9, 16, 17, 40]) {
      for (let filled = 0; filled <= tapeSize; filled++) {
        for (let start = 0; start < Math.max(filled, 1); start += 3) {
          // Cells 0..filled-1 are not 0; scan right from `start`, then left from the far end.
          const fill = "+>".repeat(filled) + "<".repeat(Math.max(filled - start, 0));
          for (const source of [fill + "[>]+.", "+>".repeat(filled - 1 > 0 ? filled - 1 : 0) + "+[<]+."]) {
            if (filled === tapeSize && source.startsWith("+>".repeat(filled))) continue; // the fill itself leaves the tape
            const expected = interpret(parse(source), { tapeSize });
            const diff = describeDifference(expected, wasm(source).run({ tapeSize }));
            if (diff !== null) throw new Error(`tape ${tapeSize}: ${source}\n${diff}`);
          }
        }
      }
    }
  });

  test("with fuel, every loop test uses one, and leaves at a site of its own when there is none", () => {
    const fuel = "local.get $fuel i64.eqz if $i1 i32.const 1 local.set $site br $b0 end local.get $fuel i64.const 1 i64.sub local.set $fuel";
    // Fuel is a local while a function runs, and the global $fuel between functions and the host.
    const { bytes } = lirToWasm(parseLir("in [0] loop [0] { }"), { fuel: true });
    expect(toWat(bytes).split("\n").map((l) => l.trim()).join(" ")).toContain(`${fuel} local.get $p i32.load8_u offset=65536 if $i2`);
  });

  test("the tape starts below the most negative offset, so an access's offset never is", () => {
    expect(lirToWasm(parseLir("move 5 check -6")).layout.tape).toBe(65536);
    expect(lirToWasm(parseLir("check -70000")).layout.tape).toBe(65536); // a check reads nothing
    const deep = lirToWasm(parseLir("loop [0] { move 70000 guard -70000..0 { set [-70000] 1 } else { } }"));
    expect(deep.layout.tape).toBe(70000);
  });

  test("sites are numbered in the order the code meets them", () => {
    const { sites } = lirToWasm(parseLir("move 1 check 1 in [0] loop [0] { move -1 scan 2 }"), { fuel: true });
    expect(sites.map((s) => `${s.op.kind} ${s.why}`)).toEqual(["move off-tape", "check off-tape", "loop fuel", "move off-tape", "scan fuel", "scan off-tape", "loop fuel-end"]);
  });
});

describe("the module's interface with its host", () => {
  test("imports a memory, flush, input and grow; exports run and the globals the host reads", () => {
    const module = new WebAssembly.Module(wasm("+.").bytes() as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.imports(module)).toEqual([
      { module: "host", name: "memory", kind: "memory" },
      { module: "host", name: "flush", kind: "function" },
      { module: "host", name: "input", kind: "function" },
      { module: "host", name: "grow", kind: "function" },
    ]);
    expect(WebAssembly.Module.exports(module)).toEqual([
      { name: "run", kind: "function" },
      ...["outLen", "fuel", "site", "pointer"].map((name) => ({ name, kind: "global" as const })),
    ]);
  });

  test("each variant is compiled once, on first use, and its bytes validate", () => {
    const p = wasm("+[.-]");
    expect(p.variant(false)).toBe(p.variant(false));
    expect(p.variant(true).code.fuel).toBe(true);
    expect(p.bytes(true).length).toBeGreaterThan(p.bytes(false).length);
    expect(WebAssembly.validate(p.bytes() as Uint8Array<ArrayBuffer>)).toBe(true);
    expect(p.wat()).toContain(";; out [0]");
    expect(wasmTier.name).toBe("wasm");
    expect(wasmTier.compile(parse("+.")).run().output).toEqual(Uint8Array.of(1));
  });
});

describe("errors at the interpreter's exact position, with its output, tape and pointer", () => {
  test.each([
    ["<", 10, "TapeBoundsError 1:1", 0],
    [">>>", 2, "TapeBoundsError 1:2", 1],
    ["+.>\n+.>+.>", 2, "TapeBoundsError 2:3", 1],
    ["+[>+]", 5, "TapeBoundsError 1:3", 4], // a loop that walks right forever
    ["+>+>+>+[>]", 4, "TapeBoundsError 1:9", 3], // a scan that finds no 0
    ["+>+>+[<]", 4, "TapeBoundsError 1:7", 0],
    ["+>>+>>+>>+[>>]", 8, "TapeBoundsError 1:13", 7], // by two: the first '>' is still on the tape, the second is not
    ["+>>+>>+>>+[>>]", 7, "TapeBoundsError 1:12", 6],
    [">+<<", 5, "TapeBoundsError 1:4", 0],
    [",[->+<]", 1, "TapeBoundsError 1:4", 0], // the multiply loop's guard fails: the loop runs as written
    ["+[>+<-]>[>>>+<<<-]", 4, "TapeBoundsError 1:12", 3],
  ])("%j on %d cells: %s, pointer on cell %d", (source, tapeSize, expected, pointer) => {
    const opts: RunOptions = { tapeSize, input: Uint8Array.of(5) };
    for (const optimized of [true, false]) {
      const result = wasm(source, optimized).run(opts);
      expect(`${result.error?.name} ${result.error?.pos ? formatPos(result.error.pos) : ""}`).toBe(expected);
      expect(result.pointer).toBe(pointer);
      expect(describeDifference(interpret(parse(source), opts), result)).toBeNull();
    }
    expect(wasm(source).run(opts).error).toBeInstanceOf(TapeBoundsError);
  });
});

describe("end of input", () => {
  test.each<[EofBehavior, number[]]>([
    ["unchanged", [65, 65, 0]],
    ["zero", [65, 0, 0]],
    ["max", [65, 255, 255]],
  ])("eof %s", (eof, output) => {
    const source = ",.,.>,.";
    const result = wasm(source).run({ input: Uint8Array.of(65), eof });
    expect([...result.output]).toEqual(output);
    expect(describeDifference(interpret(parse(source), { input: Uint8Array.of(65), eof }), result)).toBeNull();
  });

  test("input is read through the import, one byte per ','", () => {
    const { result, stats } = wasm(",[.,]").runWithStats({ input: new TextEncoder().encode("meow"), eof: "zero" });
    expect(new TextDecoder().decode(result.output)).toBe("meow");
    expect(stats.reads).toBe(5);
  });
});

describe("fuel: loop tests, counted as chapter 8 counts them", () => {
  test.each([
    ["+[]", 5000, "1:3"], // the test of the ']' runs out
    ["+[]", 0, "1:2"], // not even the '[' is tested
    ["+>+>+>+<<<[>]", 3, "1:13"], // optimized it is a scan, where each cell tested is one step
    ["+++[>+<-]", 1, "1:9"],
  ])("%j with %d steps stops at %s, where chapter 8's LIR interpreter does", (source, maxSteps, at) => {
    const opts = { maxSteps, tapeSize: 10 };
    for (const lir of [lower(parse(source)), optimize(lower(parse(source))).lir]) {
      expect(describeDifference(interpretLir(lir, opts), new WasmProgram(lir).run(opts))).toBeNull();
    }
    const { error } = wasm(source, false).run(opts);
    expect(error).toBeInstanceOf(StepLimitError);
    expect(formatPos(error!.pos!)).toBe(at);
  });

  test("stats count the loop tests of a run with fuel", () => {
    expect(wasm("+++[-]", false).runWithStats({ maxSteps: 100 }).stats.steps).toBe(4);
    expect(wasm("+++[-]", false).runWithStats().stats.steps).toBeNull();
  });

  test("random programs with too little fuel stop where chapter 8's LIR interpreter stops", () => {
    const rng = new Rng(13);
    for (const c of randomCases(300, 5000)) {
      const lir = optimize(lower(parse(c.source))).lir;
      const opts = { ...c.options, maxSteps: rng.int(0, 60) };
      const diff = describeDifference(interpretLir(lir, opts), new WasmProgram(lir).run(opts));
      if (diff !== null) throw new Error(`seed ${c.seed}, maxSteps ${opts.maxSteps}: ${JSON.stringify(c.source)}\n${diff}`);
    }
  });
});

describe("output", () => {
  // 8^6 = 262,144 bytes: four full buffers.
  const BIG = "++++++++[>++++++++[>++++++++[>++++++++[>++++++++[>++++++++[>.<-]<-]<-]<-]<-]<-]";

  test("is buffered in linear memory and handed to the host when the buffer is full", () => {
    const { result, stats } = wasm(BIG).runWithStats();
    expect(result.output.length).toBe(8 ** 6);
    expect(stats.flushes).toBe(8 ** 6 / OUTPUT_SIZE);
  });

  test("goes to io.write as it is flushed, when there is one", () => {
    const chunks: number[] = [];
    const result = wasm(BIG + "+.").run({}, { write: (bytes) => chunks.push(bytes.length) });
    expect(chunks).toEqual([OUTPUT_SIZE, OUTPUT_SIZE, OUTPUT_SIZE, OUTPUT_SIZE, 1]);
    expect(result.output.length).toBe(0);
  });

  test("a run inside another run's output (re-entry) gets memory of its own", () => {
    const inner = wasm("++++++++[>++++++++<-]>+.");
    let nested = "";
    const outer = inner.run({}, { write: () => (nested = new TextDecoder().decode(inner.run().output)) });
    expect([nested, outer.output.length]).toEqual(["A", 0]);
  });
});

describe("memory", () => {
  test("runs borrow memory from a pool and give it back; a huge tape's is not kept", () => {
    wasm("+").run();
    const pooled = pooledMemories();
    expect(pooled).toBeGreaterThan(0);
    wasm("+").run();
    expect(pooledMemories()).toBe(pooled);
    const tapeSize = KEEP_PAGES * PAGE_SIZE;
    const result = wasm(">+[<+]", false).run({ tapeSize, maxSteps: 1000 });
    expect([result.tape.length, result.tape[0]]).toEqual([tapeSize, 1]);
    expect(pooledMemories()).toBe(pooled - 1);
  });

  test("a reused memory is a fresh tape", () => {
    const dirty = wasm("+>+>+>+>+");
    dirty.run({ tapeSize: 10 });
    const clean = wasm(">.");
    expect([...clean.run({ tapeSize: 10 }).output]).toEqual([0]);
  });
});

/** The reference result for a random case, and the steps it took. */
function reference(program: Program, options: RunOptions) {
  return interpretWithStats(program, options);
}

describe("differential: 2,000 random programs, the same result as the interpreter", () => {
  const cases = randomCases(2000).map((c) => ({ ...c, program: parse(c.source) }));

  function check(name: string, lirOf: (p: Program) => Lir): void {
    for (const c of cases) {
      const { result: expected, steps } = reference(c.program, c.options);
      const program = new WasmProgram(lirOf(c.program));
      // With exactly the interpreter's steps as fuel first: a backend bug cannot hang the test. Then
      // the code without fuel, which is the same code less the counting.
      for (const opts of [{ ...c.options, maxSteps: steps }, c.options]) {
        const diff = describeDifference(expected, program.run(opts));
        if (diff !== null) throw new Error(`${name}, seed ${c.seed}${opts.maxSteps === undefined ? "" : `, fuel ${opts.maxSteps}`}: ${JSON.stringify(c.source)}\n${diff}`);
      }
    }
  }

  test("optimized (chapter 9's pipeline)", () => check("optimized", (p) => optimize(lower(p)).lir), 120_000);
  test("lowered, not optimized", () => check("lowered", lower), 120_000);
});

describe("conformance", () => {
  // Not the programs that do not parse: chapter 6's parser reports those, before any backend.
  const runnable = projectPrograms().filter((c) => c.expectedError?.name !== "BrainfuckSyntaxError");
  test.each(runnable.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    for (const optimized of [true, false]) {
      expect(checkCase(c, runCase(c, (program, opts) => compileToWasm(program, { optimize: optimized }).run(opts)))).toBeNull();
    }
  });

  test("a program nested 1,000 loops deep: a thousand functions, each calling the next", () => {
    const source = "+>>>" + "[>+<".repeat(1000) + "-" + "]".repeat(1000) + ",[-]";
    expect(describeDifference(interpret(parse(source)), wasm(source).run())).toBeNull();
  });

  const bench = benchPrograms();
  if (bench.skipReason !== null) test.skip(`the conformance set: ${bench.skipReason}`, () => {});
  // Fuel far beyond what any of them needs keeps a backend bug from hanging the run.
  test.each(bench.programs.map((c) => [c.name, c] as const))("%s, optimized", (_name, c) => {
    expect(checkCase(c, runCase(c, (program, opts) => compileToWasm(program).run({ maxSteps: 1e11, ...opts })))).toBeNull();
  }, 120_000);
});
