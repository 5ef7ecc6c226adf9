// The book's own Brainfuck workloads (chapters/06-interpreter/programs): each produces exactly its
// .out from its .in, whatever the end of input does; and each generated one is what bfgen makes of
// its spec, byte for byte. The heavy one runs through chapter 9's optimizing JIT, in a child.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { generateFile, SpecError } from "../shared/bfgen/bfgen.ts";
import { commentText } from "../shared/bfgen/generate.ts";
import { runBun } from "../shared/child.ts";
import { runBatch } from "./support/bf-native.ts";
import { bookPrograms, checkCase, ROOT, runCase } from "./support/bf-programs.ts";

setDefaultTimeout(120_000);

const DIR = resolve(ROOT, "chapters/06-interpreter/programs");

/** The book's programs as the catalogue (shared/programs.ts) names them; collatz is the heavy one here. */
const cases = bookPrograms().map((c) => ({ ...c, heavy: c.interpreterSeconds > 1 }));
const PROGRAMS = cases.map((c) => ({ name: c.name }));

const specs = readdirSync(DIR)
  .filter((f) => f.endsWith(".bfs"))
  .map((f) => f.slice(0, -".bfs".length))
  .sort();

test("the folder holds these programs and no others, each with its .out, and a README that lists them", () => {
  const onDisk = readdirSync(DIR)
    .filter((f) => f.endsWith(".b"))
    .map((f) => f.slice(0, -2))
    .sort();
  expect(onDisk).toEqual(PROGRAMS.map((p) => p.name).sort());
  const readme = readFileSync(resolve(DIR, "README.md"), "utf8");
  for (const p of PROGRAMS) expect(readme).toContain(`| \`${p.name}\``);
});

describe("with the reference interpreter: the expected output, byte for byte", () => {
  test.each(cases.filter((c) => !c.heavy).map((c) => [c.name, c] as const))("%s", (_n, c) => {
    expect(checkCase(c, runCase(c, interpret))).toBeNull();
  });

  test("a program that reads stops at its own terminator: the same output whatever EOF does", () => {
    const readers = cases.filter((c) => !c.heavy && c.source.includes(","));
    expect(readers.length).toBeGreaterThan(0);
    for (const c of readers) {
      for (const eof of ["zero", "max"] as const) expect(checkCase(c, runCase(c, (p, o) => interpret(p, { ...o, eof })))).toBeNull();
    }
  });
});

describe("with the optimizing JIT, in a child: the heavy ones", () => {
  const heavy = cases.filter((c) => c.heavy);
  test.each(heavy.map((c) => [c.name, c] as const))("%s", async (_n, c) => {
    const [outcome] = await runBatch("opt", [{ name: c.name, source: c.source, options: c.options }], {
      label: `book programs, ${c.name}`,
      timeoutMs: 100_000,
      coverage: false,
    });
    expect(outcome!.thrown).toBeNull();
    expect(checkCase(c, outcome!.result!)).toBeNull();
  });
});

describe("bfgen", () => {
  test.each(specs.map((s) => [s] as const))("%s: its spec generates the committed program", (name) => {
    const spec = resolve(DIR, `${name}.bfs`);
    const { bf } = generateFile(spec, readFileSync(spec, "utf8"));
    expect(bf).toBe(readFileSync(resolve(DIR, `${name}.b`), "utf8"));
  });

  test("the command line writes the same program, and --help says how to use it", async () => {
    expect(specs.length).toBeGreaterThanOrEqual(4);
    const r = await runBun("shared/bfgen/main.ts", [resolve(DIR, "pascal.bfs")]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(readFileSync(resolve(DIR, "pascal.b"), "utf8"));
    const help = await runBun("shared/bfgen/main.ts", ["--help"]);
    expect(help.stdout).toContain("usage: bun shared/bfgen/main.ts SPEC");
  });

  const run = (spec: string, input = ""): string => {
    const { bf } = generateFile("t.bfs", spec);
    const r = interpret(parse(bf), { input: new TextEncoder().encode(input) });
    if (r.error) throw r.error;
    return new TextDecoder().decode(r.output);
  };

  test("cells, copies, multiply loops, if/else, macros and compile-time loops do what they say", () => {
    const spec = [
      "var a b c[3]",
      "def twice(x, n) {",
      "  x += n * 2",
      "}",
      "a = 'A'",
      "b = a",
      "b += 2",
      "out a",
      "out b",
      "for i = 0 to 2 {",
      "  c[i] = i",
      "  twice(c[i], 1)",
      "  c[i] += '0'",
      "  out c[i]",
      "}",
      "move a to c[0], c[1] * 2",
      "if a {",
      '  print "no"',
      "} else {",
      '  print "!"',
      "}",
      "in a",
      "while a {",
      "  out a",
      "  in a",
      "}",
    ].join("\n");
    // c[0] is '2' + 65 = 115 's', c[1] is '3' + 130 = 181: moved, not copied
    expect(run(spec, "xy\0")).toBe("AC234!xy");
  });

  test("comments keep none of the eight commands: the text is copied with look-alikes", () => {
    expect(commentText("x += y[1], z -= 2. <>")).toBe("x ＋= y［1］， z －= 2． ＜＞");
    const { bf } = generateFile("t.bfs", "# a, b. [c] <d> +e -f\nvar x\nx += 3\n");
    expect(bf).toBe("# a， b． ［c］ ＜d＞ ＋e －f\nvar x\nx ＋= 3\n+++\n");
  });

  test("a mistake in a spec is a SpecError that names file, line and column", () => {
    const err = (spec: string): string => {
      try {
        generateFile("t.bfs", spec);
      } catch (e) {
        expect(e).toBeInstanceOf(SpecError);
        return (e as Error).message;
      }
      throw new Error("no error");
    };
    expect(err("var a\nb = 1\n")).toBe("t.bfs:2:1: 'b' is not declared: declare it with var or temp");
    expect(err("var a[2]\na[2] = 1\n")).toBe("t.bfs:2:1: a[2] is outside a, which has 2 cells");
    expect(err("var a\nwhile a {\n")).toBe("t.bfs:3:1: missing '}'");
    expect(err("var a\nf(a)\n")).toContain("t.bfs:2:1: no macro named 'f'");
    expect(err('print "x\n')).toBe("t.bfs:1:7: unterminated string literal");
    expect(err("var a\na += a\n")).toContain("t.bfs:2:1: a cell cannot be added to itself");
  });
});
