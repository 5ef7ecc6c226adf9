// Chapter 13, part 1: the WebAssembly encoder. LEB128, function bodies, modules, read back by the
// chapter's own decoder and by an independent toolchain (wabt), and accepted by the engine.
import { describe, expect, test } from "bun:test";
import wabtInit from "wabt";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { decodeInstructions, decodeModule, WasmDecodeError } from "../chapters/13-wasm-backend/decode.ts";
import { FunctionBody, WasmEncodeError } from "../chapters/13-wasm-backend/function-body.ts";
import { hexDump } from "../chapters/13-wasm-backend/hex-dump.ts";
import { LebDecodeError, LebRangeError, readSigned, readUnsigned, signed, unsigned } from "../chapters/13-wasm-backend/leb128.ts";
import { lirToWasm } from "../chapters/13-wasm-backend/lir-to-wasm.ts";
import { ModuleBuilder } from "../chapters/13-wasm-backend/module.ts";
import { toWat } from "../chapters/13-wasm-backend/wat.ts";
import { projectPrograms } from "./support/bf-programs.ts";
import { randomCases } from "./support/bf-random.ts";

const hex = (bytes: ArrayLike<number>) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
/** The message of the error `f` throws. */
function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  return "no error";
}

describe("LEB128", () => {
  test.each([
    [0, "00"],
    [1, "01"],
    [127, "7f"],
    [128, "80 01"],
    [12857, "b9 64"], // the example of the DWARF standard, where LEB128 comes from
    [624485, "e5 8e 26"],
    [65536, "80 80 04"],
    [2 ** 32 - 1, "ff ff ff ff 0f"],
  ])("unsigned %d is %s", (n, bytes) => {
    expect(hex(unsigned(n))).toBe(bytes);
    expect(readUnsigned(Uint8Array.from(unsigned(n)), 0)).toEqual({ value: n, next: unsigned(n).length });
  });

  test.each([
    [0, 32, "00"],
    [63, 32, "3f"],
    [64, 32, "c0 00"], // 0x40 would read back as -64: the sign bit needs a byte of its own
    [-1, 32, "7f"],
    [-64, 32, "40"],
    [-65, 32, "bf 7f"],
    [-123456, 32, "c0 bb 78"],
    [2 ** 31 - 1, 32, "ff ff ff ff 07"],
    [-(2 ** 31), 32, "80 80 80 80 78"],
    [2 ** 40, 64, "80 80 80 80 80 20"],
    [9007199254740991, 64, "ff ff ff ff ff ff ff 0f"],
    [-(2n ** 63n), 64, "80 80 80 80 80 80 80 80 80 7f"],
  ] as const)("signed %d (i%d) is %s", (n, bits, bytes) => {
    expect(hex(signed(n, bits))).toBe(bytes);
    expect(readSigned(Uint8Array.from(signed(n, bits)), 0, bits).value).toBe(BigInt(n));
  });

  test("out of range is an error, not a wrong number", () => {
    expect(errorOf(() => unsigned(-1))).toBe("LebRangeError: an unsigned LEB128 here holds a whole number from 0 to 2^32-1 (a u32), not -1");
    expect(() => unsigned(2 ** 32)).toThrow(LebRangeError);
    expect(() => unsigned(1.5)).toThrow(LebRangeError);
    expect(errorOf(() => signed(2 ** 31))).toBe("LebRangeError: a signed LEB128 of 32 bits holds a whole number from -2^31 to 2^31-1, not 2147483648");
    expect(() => signed(2n ** 63n, 64)).toThrow(LebRangeError);
    expect(errorOf(() => readUnsigned(Uint8Array.from([0x80, 0x80]), 0))).toBe("LebDecodeError: no unsigned LEB128 at byte 0: it runs past the end of the module");
    expect(() => readUnsigned(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 0)).toThrow(LebDecodeError);
    expect(() => readSigned(Uint8Array.from([0xff]), 0)).toThrow(LebDecodeError);
  });
});

/** The code a body holds after `build`, without the locals vector and the final end. */
function code(build: (f: FunctionBody) => void, params: number = 0): string {
  const f = new FunctionBody(Array.from({ length: params }, (_, i) => ({ name: `p${i}`, type: "i32" as const })));
  build(f);
  const { bytes } = f.finish();
  return hex(bytes.subarray(1, -1)); // a body with no locals starts with 00, its count of runs
}

describe("function bodies", () => {
  test.each<[string, (f: FunctionBody) => void]>([
    ["41 2a", (f) => f.emit("i32.const", 42)],
    ["41 7f", (f) => f.emit("i32.const", -1)],
    ["42 80 80 80 80 80 20", (f) => f.emit("i64.const", 2 ** 40)],
    ["20 01 21 00", (f) => f.emit("local.get", f.param(1)).emit("local.set", f.param(0))],
    ["20 00 2d 00 81 80 04", (f) => f.emit("local.get", f.param(0)).emit("i32.load8_u", 65537)], // align 2^0, offset
    ["41 00 41 07 3a 00 00", (f) => f.emit("i32.const", 0).emit("i32.const", 7).emit("i32.store8", 0)],
    ["6a 6b 6c 71 72 45 46 47 49 4f 50 7d 1a 0f 00", (f) => {
      for (const op of ["i32.add", "i32.sub", "i32.mul", "i32.and", "i32.or", "i32.eqz", "i32.eq", "i32.ne", "i32.lt_u", "i32.ge_u", "i64.eqz", "i64.sub", "drop", "return", "unreachable"] as const) f.emit(op);
    }],
    // A branch names its target by depth, counted from the innermost construct: 0, then 1.
    ["02 40 03 40 0d 00 0d 01 0b 0b", (f) => {
      const outer = f.block();
      const inner = f.loop();
      f.emit("br_if", inner).emit("br_if", outer);
      f.end().end();
    }],
    ["04 40 0c 00 05 0b", (f) => {
      const then = f.if();
      f.emit("br", then);
      f.else().end();
    }],
  ])("%s", (bytes, build) => {
    expect(code(build, 2)).toBe(bytes);
  });

  test("locals are declared in runs of one type, after the parameters", () => {
    const f = new FunctionBody([{ name: "a", type: "i32" }]);
    const [x, y, z] = [f.local("i32", "x"), f.local("i32", "y"), f.local("i64", "z")];
    expect([x.index, y.index, z.index]).toEqual([1, 2, 3]);
    const body = f.emit("local.get", z).emit("drop").finish();
    expect(hex(body.bytes)).toBe("02 02 7f 01 7e 20 03 1a 0b");
    expect(body.localNames).toEqual(["a", "x", "y", "z"]);
  });

  test("comments are kept by offset in the body, for the disassembly", () => {
    const f = new FunctionBody([]);
    f.local("i32", "x");
    f.comment("one").emit("i32.const", 1).comment("two").comment("three").emit("drop");
    expect([...f.finish().comments]).toEqual([[3, ["one"]], [5, ["two", "three"]]]);
  });

  test("misuse is an error that says what to do", () => {
    const f = new FunctionBody([]);
    expect(errorOf(() => f.end())).toBe("WasmEncodeError: end() with nothing open: the function's own end is added by finish()");
    expect(errorOf(() => f.else())).toContain("else() with no if() open");
    expect(errorOf(() => f.param(0))).toBe("WasmEncodeError: this function has no parameter 0");
    const closed = f.block();
    f.end();
    expect(errorOf(() => f.emit("br", closed))).toBe("WasmEncodeError: br to a label that is not open here: a branch can only leave constructs it is inside");
    expect(errorOf(() => (f.emit as (name: string) => unknown)("loop"))).toBe("WasmEncodeError: 'loop' opens a construct: call body.loop(), which returns its label");
    f.block();
    expect(() => f.finish()).toThrow(WasmEncodeError);
  });

});

// #region known-good
/** The smallest useful module: `(func (export "answer") (result i32) i32.const 42)`, by hand from the spec. */
const ANSWER = [
  "00 61 73 6d 01 00 00 00", // magic and version
  "01 05 01 60 00 01 7f", //    type section: 1 type, func () -> (i32)
  "03 02 01 00", //             function section: 1 function, of type 0
  "07 0a 01 06 61 6e 73 77 65 72 00 00", // export section: "answer", a function, index 0
  "0a 06 01 04 00 41 2a 0b", // code section: 1 body of 4 bytes: no locals, i32.const 42, end
].join(" ");
// #endregion

describe("modules", () => {
  test("a module, byte for byte as the specification lays it out", () => {
    const m = new ModuleBuilder();
    const { ref, body } = m.func("answer", { params: [], results: ["i32"] });
    body.emit("i32.const", 42);
    m.exportFunction("answer", ref);
    const { bytes } = m.encode({ names: false });
    expect(hex(bytes)).toBe(ANSWER);
    const answer = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)).exports.answer as () => number;
    expect(answer()).toBe(42);
  });

  test("imports, globals and the name section", () => {
    const m = new ModuleBuilder();
    m.importMemory("host", "memory", { min: 1, max: 2 });
    const log = m.importFunction("host", "log", { params: ["i32"], results: [] });
    const count = m.global("count", "i64", 5);
    const { ref, body } = m.func("tick", { params: ["i32"], results: [] }, ["n"]);
    body.emit("local.get", body.param(0)).emit("call", log).emit("global.get", count).emit("i64.const", 1).emit("i64.sub").emit("global.set", count);
    m.exportFunction("tick", ref);
    m.exportGlobal("count", count);
    const { bytes } = m.encode();
    const logged: number[] = [];
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), { host: { memory, log: (n: number) => logged.push(n) } }).exports;
    (exports.tick as (n: number) => void)(7);
    expect([logged, (exports.count as WebAssembly.Global).value]).toEqual([[7], 4n]);
    const decoded = decodeModule(bytes);
    expect(decoded.imports).toEqual([
      { module: "host", name: "memory", kind: "memory", limits: { min: 1, max: 2 } },
      { module: "host", name: "log", kind: "func", type: 0 },
    ]);
    expect(decoded.globals).toEqual([{ type: "i64", mutable: true, init: 5n }]);
    expect([...decoded.functionNames]).toEqual([[0, "log"], [1, "tick"]]);
    expect([...decoded.localNames.get(1)!]).toEqual([[0, "n"]]);
  });

  test("function types are shared; imports must come first; one memory", () => {
    const m = new ModuleBuilder();
    m.importFunction("a", "f", { params: ["i32"], results: [] });
    m.importFunction("a", "g", { params: ["i32"], results: [] });
    m.importMemory("a", "memory", { min: 1 });
    expect(errorOf(() => m.importMemory("a", "other", { min: 1 }))).toBe("WasmEncodeError: a module has at most one memory: a.other would be the second");
    m.func("h", { params: ["i32"], results: [] });
    expect(decodeModule(m.encode().bytes).types).toEqual([{ params: ["i32"], results: [] }]);
    expect(errorOf(() => m.importFunction("a", "late", { params: [], results: [] }))).toBe(
      "WasmEncodeError: import a.late before defining functions: imported functions take the first indices",
    );
    expect(() => m.func("k", { params: ["i32"], results: [] }, [])).toThrow("k has 1 parameters but 0 names for them");
  });
});

describe("reading modules back", () => {
  const echo = () => lirToWasm(optimize(lower(parse(",[->+<]>."))).lir, { fuel: true, comments: true });

  test("sections in order, each with its size", () => {
    const bytes = echo();
    expect(decodeModule(bytes.bytes).sections.map((s) => s.name)).toEqual(["type", "import", "function", "global", "export", "code", "name"]);
  });

  test("the text form: every instruction, with the LIR it came from", () => {
    const bytes = echo();
    const wat = toWat(bytes.bytes, bytes.comments);
    expect(wat).toStartWith('(module\n  (type (;0;) (func (param i32)))\n');
    expect(wat).toContain('  (import "host" "memory" (memory (;0;) 2))\n  (import "host" "flush" (func $flush (type 0)))\n');
    expect(wat).toContain("  (func $run (type 2) (param $p i32) (param $tapeSize i32) (result i32)\n    (local $site i32) (local $fuel i64)\n");
    expect(wat).toContain("      ;; in [0]\n      local.get $p\n      local.get $p\n      i32.load8_u offset=65536\n      call $input\n      i32.store8 offset=65536\n");
    expect(wat).toContain('  (export "run" (func $run))\n  (export "outLen" (global $outLen))\n  (export "fuel" (global $fuel))\n');
    expect(toWat(lirToWasm(optimize(lower(parse(",[->+<]>."))).lir, { fuel: true }).bytes)).toBe(wat.replace(/^ *;;.*\n/gm, ""));
  });

  test("a hex dump: sixteen bytes a line, each section on a line of its own", () => {
    const bytes = echo();
    const dump = hexDump(bytes.bytes).split("\n");
    expect(dump[0]).toBe('00000000  00 61 73 6d 01 00 00 00                          header: "\\0asm", version 1');
    expect(dump[1]).toMatch(/^00000008  01 [0-9a-f]{2} 03 60 01 7f 00 .* {2}type section \(id 1\), \d+ bytes$/);
    expect(dump.filter((l) => l.includes("section")).map((l) => l.replace(/.*  /, "").replace(/,.*/, ""))).toEqual([
      "type section (id 1)",
      "import section (id 2)",
      "function section (id 3)",
      "global section (id 6)",
      "export section (id 7)",
      "code section (id 10)",
      'custom section "name" (id 0)',
    ]);
  });

  test("what is not a module says so", () => {
    const bytes = echo();
    expect(errorOf(() => decodeModule(Uint8Array.from([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])))).toBe(
      'WasmDecodeError: not a WebAssembly module: it must start with 00 61 73 6d 01 00 00 00 ("\\0asm", version 1)',
    );
    const truncated = Uint8Array.from([...bytes.bytes.subarray(0, 8), 1, 0x7f, 0]);
    expect(errorOf(() => decodeModule(truncated))).toBe("WasmDecodeError: section 1 at byte 8 claims 127 bytes, past the end of the module");
    expect(() => decodeInstructions(Uint8Array.from([0xfd, 0x0b]), 0, 2)).toThrow("0xfd at byte 0 is not an instruction this backend emits");
    expect(() => decodeModule(Uint8Array.from([...bytes.bytes.subarray(0, 8), 4, 0]))).toThrow(WasmDecodeError);
  });
});

describe("checked by an independent toolchain: wabt's assembler turns the text form back into the same bytes", () => {
  const sources = [...projectPrograms().filter((c) => !c.expectedError || c.expectedError.name !== "BrainfuckSyntaxError").map((c) => c.source), ...randomCases(100).map((c) => c.source)];

  test(`${sources.length} programs, optimized and not, with fuel and without`, async () => {
    const wabt = await wabtInit();
    for (const source of sources) {
      for (const lir of [lower(parse(source)), optimize(lower(parse(source))).lir]) {
        for (const fuel of [false, true]) {
          const { bytes, comments } = lirToWasm(lir, { fuel, comments: true });
          expect(WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)).toBe(true);
          const module = wabt.parseWat("program.wat", toWat(bytes, comments));
          module.validate();
          // wabt writes its own name section; everything before it must be identical.
          const names = decodeModule(bytes).sections.find((s) => s.name === "name")!;
          expect(hex(module.toBinary({}).buffer)).toBe(hex(bytes.subarray(0, names.start)));
          module.destroy();
        }
      }
    }
  }, 120_000);

  test("wabt reads the name section: the disassembly names functions and locals as we do", async () => {
    const wabt = await wabtInit();
    const { bytes } = lirToWasm(lower(parse("+[>[-]<-]")));
    const module = wabt.readWasm(bytes, { readDebugNames: true });
    module.applyNames();
    const text = module.toText({});
    expect(text).toContain("(func $run (type 2) (param $p i32) (param $tapeSize i32) (result i32)");
    expect(text).toContain("call $loop@1:2");
    module.destroy();
  });
});
