// The site's parts, each as a specification: the highlighter, the output normalizer and listing
// formatter, the figures, the search, the link checker, the cache key, live results, the server and
// the playground's pipeline. The whole build is tests/site-build.test.ts; a real browser,
// tests/site-browser.test.ts.
import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decoder, DecoderOptions, Formatter, FormatterSyntax, MemorySizeOptions } from "iced-x86";
import { TapeBoundsError } from "../chapters/06-interpreter/errors.ts";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { print } from "../chapters/08-lir/print.ts";
import { optToX86 } from "../chapters/09-optimizer/codegen-opt.ts";
import { DEFAULT_PIPELINE, optimize } from "../chapters/09-optimizer/optimize.ts";
import { CHAPTERS, chapter } from "../shared/chapters.ts";
import { ROOT, runBun } from "../shared/child.ts";
import { benchChartSvg, BenchFormatError, formatMs, parseBench, type BenchFile } from "../site/bench-chart.ts";
import { search, snippet } from "../site/client/search.ts";
import { FIGURE_NAMES, figureOf, FigureError, renderFigure } from "../site/figures.ts";
import { highlight, tokenize } from "../site/highlight.ts";
import { escapeHtml, slugify, stripAnsi } from "../site/html.ts";
import { InputHasher } from "../site/inputs.ts";
import { checkLinks } from "../site/links.ts";
import { parseDisasmLine, renderOutput, visibleBytes } from "../site/listing.ts";
import { forEachConcurrently, runLive } from "../site/live.ts";
import { ChapterError, declares, glossaryTerm, lineNumbers, renderBookPage, renderChapter, resolveLink, type RenderContext } from "../site/markdown.ts";
import { BOOK_PAGES, bookPageFile, readGlossary, renderBookPages } from "../site/book.ts";
import { normalizeAddresses, normalizeOutput, normalizeTimings } from "../site/normalize.ts";
import { diffLines } from "../site/playground/diff.ts";
import { bundle } from "../site/bundles.ts";
import { ENGINE_LIMITS } from "../chapters/13-wasm-backend/limits.ts";
import { bookError, MAX_LIR_COMMANDS, MAX_LIR_LINES, MAX_OUTPUT_BYTES, MAX_WAT_LINES, PlaygroundLimitError, runPipeline, STAGES } from "../site/playground/pipeline.ts";
import { indexPage } from "../site/pages.ts";
import type { PipelineReport, X86Line } from "../site/playground/protocol.ts";
import { hex, MAX_X86_LINES, MAX_X86_OPS, PLACEHOLDER_IMPORTS, x86Listing } from "../site/playground/x86.ts";
import { currentProvenance, provenanceLine } from "../site/provenance.ts";
import { EXAMPLE, rexModrmSibSvg } from "../site/rex-modrm-sib.ts";
import { pageTableBits, PERMISSION_STEPS } from "../site/figures/address-space.ts";
import { contextFields, fieldRoles } from "../site/figures/context-block.ts";
import { passSteps, SAMPLE } from "../site/figures/pipeline.ts";
import { chapter9Rows, fastRows, kindOf } from "../site/figures/register-loop.ts";
import { FRAMES, slotsOf } from "../site/figures/stack-frame.ts";
import { FirstOutputError, osrCrossings, parseFirstOutput } from "../site/figures/tiering.ts";
import { FuelFigureError, fuelListing, fuelRoles } from "../site/figures/fuel.ts";
import { FUEL_CTX } from "../chapters/12-hostile-programs/fuel.ts";
import type { FirstOutputFile } from "../chapters/11-tiering/figures.ts";
import { wasmSections } from "../site/figures/wasm-sections.ts";
import { PROT } from "../chapters/01-pages/pages.ts";
import { CONTEXT_SIZE, CTX, REG } from "../chapters/07-template-jit/context.ts";
import { countOps } from "../chapters/08-lir/lir.ts";
import { decodeModule } from "../chapters/13-wasm-backend/decode.ts";
import { lirToWasm } from "../chapters/13-wasm-backend/lir-to-wasm.ts";
import { SECTION } from "../chapters/13-wasm-backend/module.ts";
import { fileFor, portFrom, serveSite } from "../site/serve.ts";

const classes = (code: string, lang: string) => tokenize(code, lang).filter((t) => t.cls).map((t) => [t.cls, t.text]);

describe("highlighter", () => {
  test.each([
    ["const x = 1;", [["kw", "const"], ["num", "1"]]],
    ['call("a // b") // c', [["fn", "call"], ["str", '"a // b"'], ["com", "// c"]]],
    ["const r = /\"[^\"]*\"/g;", [["kw", "const"], ["re", '/"[^"]*"/g']]],
    ["a / b / c", []],
    ["new CodeBuffer(4096n)", [["kw", "new"], ["type", "CodeBuffer"], ["num", "4096n"]]],
  ] as const)("typescript %p", (code, expected) => {
    expect(classes(code, "typescript")).toEqual(expected.map((e) => [...e]));
  });

  test.each([
    ["mov rax, qword [rbx + 8]", [["mn", "mov"], ["reg", "rax"], ["kw", "qword"], ["reg", "rbx"], ["num", "8"]]],
    ["loop: dec r12d ; count down", [["lbl", "loop:"], ["mn", "dec"], ["reg", "r12d"], ["com", "; count down"]]],
    ["rep movsb", [["mn", "rep movsb"]]],
  ] as const)("asm %p", (code, expected) => {
    expect(classes(code, "asm")).toEqual(expected.map((e) => [...e]));
  });

  test("brainfuck commands are classified and everything else is a comment", () => {
    expect(classes("add: ++[>.<-]", "brainfuck")).toEqual([
      ["com", "add: "], ["bf-arith", "++"], ["bf-loop", "["], ["bf-move", ">"], ["bf-io", "."], ["bf-move", "<"], ["bf-arith", "-"], ["bf-loop", "]"],
    ]);
  });

  test("no span crosses a line break, and text is escaped", () => {
    const html = highlight("/* a\n<b> */ x", "typescript");
    for (const line of html.split("\n")) expect(line.match(/<span/g)?.length ?? 0).toBe(line.match(/<\/span>/g)?.length ?? 0);
    expect(html).toContain("&lt;b&gt;");
    expect(highlight("<plain>", "nope")).toBe("&lt;plain&gt;");
  });
});

describe("html helpers", () => {
  test.each([
    ["The REX prefix, at last", "the-rex-prefix-at-last"],
    ["W^X", "w-x"],
    ["Ça marche", "ca-marche"],
    ["!!!", "section"],
  ])("slugify %p", (text, slug) => expect(slugify(text)).toBe(slug));

  test("ANSI colour codes are stripped", () => expect(stripAnsi("\u001b[32m✓\u001b[0m ok")).toBe("✓ ok"));
});

describe("normalizing live output", () => {
  test("addresses are rebased, keeping distances within a mapping and the text's own style", () => {
    const out = normalizeAddresses("code at 0x7f45ab3c2010, page 0x7f45ab3c2000, end 0x7F45AB3C4000\n7f45ab3c2000-7f45ab3c4000 r-xp\nheap 0x55d0c0a01000");
    expect(out).toBe("code at 0x7f0100000010, page 0x7f0100000000, end 0x7F0100002000\n7f0100000000-7f0100002000 r-xp\nheap 0x7f0200000000");
  });

  test("a qemu guest's shorter addresses: the 0x form and the maps range alike", () => {
    expect(normalizeAddresses("the code ran from 0x57324d2000: 57324d2000-57324d3000 rwxp (anonymous)")).toBe(
      "the code ran from 0x7f0100000000: 7f0100000000-7f0100001000 rwxp (anonymous)",
    );
  });

  test("the same output always normalizes the same way, whatever ASLR chose", () => {
    const a = normalizeAddresses("p=0x7f1111111000 q=0x7f1111111008 ptr 139637976727552");
    const b = normalizeAddresses("p=0x7f2222222000 q=0x7f2222222008 ptr 139637976727552");
    expect(a).toBe(b.replace(/139637976727552/, "139637976727552"));
    expect(a).toContain("p=0x7f0100000000 q=0x7f0100000008");
  });

  test("small numbers, sizes and byte dumps are left alone", () => {
    const text = "size 4096 = 0x1000, bytes 48 89 f8 c3, imm 0x7fffffff, year 2026";
    expect(normalizeAddresses(text)).toBe(text);
  });

  test.each([
    ["took 12.3456 ms", "took 12 ms"],
    ["1.934 ns/call", "1.9 ns/call"],
    ["[24.00ms]", "[24ms]"],
    ["152.7 µs", "153 µs"],
    ["3 sizes, 4 s", "3 sizes, 4 s"],
  ])("timing %p -> %p", (text, expected) => expect(normalizeTimings(text)).toBe(expected));

  test("normalizeOutput does both", () => expect(normalizeOutput("0x7f45ab3c2010 in 1.2345 ms")).toBe("0x7f0100000010 in 1.2 ms"));
});

describe("program output on the page", () => {
  test("disassembly lines are split into offset, bytes and instruction", () => {
    expect(parseDisasmLine("   3:\t48 83 c0 04          \tadd    rax,0x4")).toEqual({ indent: "   ", offset: "3:", bytes: "48 83 c0 04", gap: "          \t", asm: "add rax,0x4" });
    expect(parseDisasmLine("48 01 d8   add rax, rbx")).toEqual({ indent: "", offset: null, bytes: "48 01 d8", gap: "   ", asm: "add rax, rbx" });
    expect(parseDisasmLine("page size: 4096 bytes")).toBeNull();
  });

  test("output that is already aligned keeps its columns", () => {
    const text = "  48 89 f8         mov rax, rdi\n  c3               ret";
    expect(renderOutput(text).replace(/<[^>]+>/g, "")).toBe(text);
  });

  test("a block of disassembly is aligned into columns", () => {
    const html = renderOutput("0: b8 2a 00 00 00  mov eax, 42\n5: c3  ret\n");
    const text = html.replace(/<[^>]+>/g, "");
    expect(text).toBe("0:  b8 2a 00 00 00   mov eax, 42\n5:  c3               ret");
    expect(html).toContain('<span class="dis-hex">');
  });

  test("bytes that print nothing are shown as \\xNN", () => {
    expect(visibleBytes("A\u0002<\n\t\u007f")).toBe('A<span class="ctl">\\x02</span>&lt;\n\t<span class="ctl">\\x7f</span>');
  });

  test("other text is escaped, and hex dumps are tinted", () => {
    expect(renderOutput("a <b> & c")).toBe("a &lt;b&gt; &amp; c");
    expect(renderOutput("0000: 48 89 f8 c3")).toBe('0000: <span class="dis-hex">48 89 f8 c3</span>');
  });
});

describe("figures", () => {
  test("the REX/ModRM/SIB example is the instruction it claims to be", () => {
    const decoder = new Decoder(64, Uint8Array.from(EXAMPLE.bytes), DecoderOptions.None);
    const formatter = new Formatter(FormatterSyntax.Intel);
    formatter.hexPrefix = "0x";
    formatter.hexSuffix = "";
    formatter.spaceAfterOperandSeparator = true;
    formatter.spaceBetweenMemoryAddOperators = true;
    formatter.memorySizeOptions = MemorySizeOptions.Always;
    const instr = decoder.decode();
    expect(instr.length).toBe(EXAMPLE.bytes.length);
    expect(formatter.format(instr).replace(" ptr", "")).toBe(EXAMPLE.asm);
  });

  test("the diagram shows every bit of REX, ModRM and SIB", () => {
    const svg = rexModrmSibSvg();
    const bits = [...svg.matchAll(/<text[^>]*class="fig-mono"[^>]*>([01])<\/text>/g)].map((m) => m[1]).join("");
    const expected = [0x48, 0x44, 0xcb].map((b) => b.toString(2).padStart(8, "0")).join("");
    expect(bits).toBe(expected);
    for (const label of ["R extends ModRM.reg", "X extends SIB.index", "ModRM", "SIB", "displacement"]) expect(svg).toContain(label);
    // The fields' registers, named by chapter 4's table: reg = rax, index = rcx, base = rbx, scale ×8.
    for (const meaning of ["rax", "rcx", "rbx", "×8"]) expect(svg).toContain(`>${meaning}</text>`);
  });

  test("figure fences name a known figure", () => {
    expect(figureOf("figure rex-modrm-sib", "", 3)).toEqual({ kind: "figure", line: 3, name: "rex-modrm-sib", body: "" });
    expect(figureOf("ts", "", 3)).toBeNull();
    expect(() => figureOf("figure nope", "", 7)).toThrow(FigureError);
    expect(() => figureOf("figure nope", "", 7)).toThrow("line 7: there is no figure 'nope'");
  });

  // #region chapter-figures
  /** A figure with no input, as a chapter's fence places it. */
  const drawn = (name: string) => renderFigure({ kind: "figure", line: 1, name, body: "" }, () => null);
  const DRAWN = FIGURE_NAMES.filter((n) => n !== "bench-chart" && n !== "first-output");

  test.each(DRAWN)("%s is an accessible SVG with a caption", (name) => {
    const html = drawn(name);
    expect(html).toMatch(/^<figure class="drawing" id="figure-[\w-]+"><svg class="figure-svg[^"]*" viewBox="0 0 \d+(\.\d+)? \d+(\.\d+)?"/);
    expect(html).toContain('role="img"');
    expect(html).toMatch(/<title>[^<]{40,}<\/title>/);
    expect(html).toMatch(/<figcaption>.+<\/figcaption><\/figure>$/);
    expect(html).not.toMatch(/NaN|undefined/);
  });

  test("every figure is placed in some chapter's README", () => {
    const readmes = CHAPTERS.map((c) => readFileSync(join(import.meta.dir, "..", "chapters", c.slug, "README.md"), "utf8")).join("\n");
    for (const name of FIGURE_NAMES) expect(readmes).toContain("```figure " + name + "\n");
  });

  test("chapter 1's page permissions follow PROT: a present page is readable, W sets R/W, X clears NX", () => {
    expect(pageTableBits(PROT.READ | PROT.WRITE)).toEqual({ P: true, RW: true, NX: true });
    expect(pageTableBits(PROT.READ | PROT.EXEC)).toEqual({ P: true, RW: false, NX: false });
    expect(pageTableBits(PROT.NONE).P).toBe(false);
    const svg = drawn("page-permissions");
    for (const s of PERMISSION_STEPS) expect(svg).toContain(escapeHtml(s.call));
    for (const perms of ["rw-p", "r--p", "r-xp"]) expect(svg).toContain(perms);
    expect(drawn("address-space")).toContain("[heap]");
  });

  test("chapter 3's dual mapping shows a shared RW view and a shared RX view", () => {
    const svg = drawn("dual-mapping");
    for (const label of ["writeAddress", "execAddress", "rw-s", "r-xs", "MFD_CLOEXEC"]) expect(svg).toContain(label);
  });

  test("chapter 5's frames are what Frame computes, and rsp is a multiple of 16 in every body", () => {
    for (const { frame } of FRAMES) {
      const slots = slotsOf(frame);
      expect(slots.reduce((n, s) => n + s.bytes, 0)).toBe(8 + frame.size);
      expect((8 + frame.size) % 16).toBe(0);
      expect(slots.filter((s) => s.label.startsWith("saved ")).map((s) => s.label.slice(6))).toEqual(frame.saved.map((r) => r.name));
    }
    const svg = drawn("stack-frame");
    expect(svg.match(/body: rsp mod 16 = 0/g)?.length).toBe(FRAMES.length);
    expect(svg).toContain("entry: rsp mod 16 = 8");
  });

  test("chapter 7's context block shows every field context.ts exports, at its offset, and every register", () => {
    const svg = drawn("context-block");
    const fields = contextFields();
    expect(fields.map((f) => f.name).sort()).toEqual(Object.keys(CTX).sort());
    for (const f of fields) {
      expect(svg).toContain(`>${f.name}</text>`);
      expect(svg).toContain(`>${f.offset}</text>`);
    }
    for (const r of Object.values(REG)) expect(svg).toContain(`>${r.name}</text>`);
    expect(svg).toContain(`context block (${CONTEXT_SIZE} bytes)`);
    // Roles come from the comments: the tape's address is the host's, the site the code's.
    const roles = fieldRoles();
    expect(roles.get("tape")).toBe("in");
    expect(roles.get("site")).toBe("out");
    expect(roles.get("outCursor")).toBe("in/out");
  });

  test("the passes figure follows optimize(): the last panel is the pipeline's output", () => {
    const steps = passSteps();
    const whole = optimize(lower(parse(SAMPLE)));
    expect(print(steps[steps.length - 1]!.lir)).toBe(print(whole.lir));
    expect(steps.map((s) => s.ops)).toEqual(whole.stats.map((s) => s.ops));
    expect(steps[0]!.ops).toBe(countOps(lower(parse(SAMPLE)).ops));
    const pipeline = drawn("opt-pipeline");
    let at = 0;
    for (const p of DEFAULT_PIPELINE) {
      const i = pipeline.indexOf(`. ${p}<`, at);
      expect(i).toBeGreaterThan(at);
      at = i;
    }
    expect(drawn("lir-pipeline")).not.toContain("optimize()");
  });

  test("chapter 10's register loop is the two backends' code: memory every turn in chapter 9, registers only in the fast tier", () => {
    expect(["sub byte ptr [rbx], 2", "lea rax, [rbx+1]", "cmp rax, r13", "jae off_tape_0", "nop word ptr [rax+rax*1]", "sub sil, 2", "loop_1_11:"].map(kindOf)).toEqual([
      "memory",
      "bounds",
      "bounds",
      "bounds",
      "padding",
      "register",
      "label",
    ]);
    const turn = (rows: ReturnType<typeof fastRows>) => rows.filter((r) => r.inLoop);
    const ch9 = turn(chapter9Rows());
    expect(ch9.some((r) => r.kind === "memory")).toBe(true);
    expect(ch9.some((r) => r.kind === "bounds")).toBe(true);
    const fast = fastRows();
    expect(turn(fast).length).toBeGreaterThan(0);
    expect(turn(fast).every((r) => r.kind === "register")).toBe(true);
    expect(turn(fast).at(-1)!.asm).toMatch(/^jne regs_/);
    // Outside the loop: one bounds test and the loads before it, the stores after it.
    const before = fast.slice(0, fast.findIndex((r) => r.inLoop));
    expect(before.filter((r) => r.asm.startsWith("movzx")).length).toBe(2);
    expect(before.some((r) => r.kind === "bounds")).toBe(true);
    expect(turn(fast).length).toBeLessThan(ch9.length);
    expect(fast.slice(fast.findLastIndex((r) => r.inLoop) + 1).map((r) => r.asm)).toEqual(["mov byte ptr [rbx], sil", "mov byte ptr [rbx+1], dil"]);
    const svg = drawn("register-loop");
    expect(svg).toContain("sub sil, 2");
    expect(svg).toContain(`each turn: ${turn(fast).length} instructions`);
  });

  test("chapter 11's OSR figure reads what NativeLoop.run hands over", () => {
    const crossings = osrCrossings();
    expect(crossings.map((c) => [c.field, c.machine])).toEqual([["pointer", "p"], ["outCursor", "outLength"]]);
    const svg = drawn("osr-state");
    for (const c of crossings) expect(svg).toContain(`CTX.${c.field}`);
    expect(osrCrossings("run(m: NativeMachine) { switch (status) {} }")).toEqual([]);
  });

  test("chapter 11's first-output picture draws the process timings figures.ts wrote, and refuses what it did not", () => {
    const timings: FirstOutputFile = {
      program: "busy.b",
      rows: [
        { tier: "interpreter", firstMs: 90, totalMs: 1200, compileMs: 0 },
        { tier: "opt", firstMs: 300, totalMs: 310, compileMs: 210 },
        { tier: "tiered", firstMs: 95, totalMs: 450, compileMs: 150 },
      ],
    };
    const f = figureOf("figure first-output", ".cache/bench/t.json\n", 4)!;
    const html = renderFigure(f, (p) => (p === ".cache/bench/t.json" ? JSON.stringify(timings) : null));
    expect(html).toMatch(/^<figure class="drawing" id="figure-first-output"><svg class="figure-svg fig-first-output"/);
    expect(html).toContain("<title>Time to first output against time to the end, for busy.b");
    expect(html).toContain("tiered, first byte after 95 ms, end after 450 ms, 150 ms compiling");
    for (const r of timings.rows) expect(html).toContain(`>${r.tier}</text>`);
    expect(html).not.toMatch(/NaN|undefined|Infinity/);
    expect(() => renderFigure(figureOf("figure first-output", ".cache/bench/none.json\n", 4)!, () => null)).toThrow("line 4: figure first-output reads .cache/bench/none.json, which does not exist");
    expect(() => parseFirstOutput({ program: "x.b", rows: [{ tier: "opt", firstMs: "soon" }] }, "t.json")).toThrow(FirstOutputError);
  });

  test("chapter 12's fuel figure is the fueled code's own loop test, stub and fields", () => {
    const { loop, stub } = fuelListing();
    const fuelAt = `[${REG.ctx.name}+${FUEL_CTX.fuel}]`;
    const i = loop.findIndex((l) => l.text === `sub qword ptr ${fuelAt}, 1`);
    expect(i).toBeGreaterThan(0);
    expect(loop[i]!.field).toBe("FUEL_CTX.fuel");
    expect(loop[i + 1]!.text).toMatch(/^jb fuel_\d+$/);
    expect(stub[0]!.text).toBe(`${loop[i + 1]!.text.slice(3)}:`);
    expect(stub.some((l) => l.field === "CTX.site")).toBe(true);
    expect([...fuelRoles().keys()]).toEqual(Object.keys(FUEL_CTX));
    const svg = drawn("fuel-check");
    for (const name of Object.keys(FUEL_CTX)) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain(escapeHtml(`sub qword ptr ${fuelAt}, 1`));
    expect(() => fuelListing("+++")).toThrow(FuelFigureError);
  });

  test("chapter 13's sections are the module's, in its order", () => {
    const { total, rows } = wasmSections();
    const bytes = lirToWasm(optimize(lower(parse(SAMPLE))).lir).bytes;
    expect(total).toBe(bytes.length);
    expect(rows.map((r) => r.id)).toEqual(decodeModule(bytes).sections.map((s) => s.id));
    expect(rows.map((r) => r.name)).toEqual(["type", "import", "function", "global", "export", "code", 'custom "name"']);
    expect(8 + rows.reduce((n, r) => n + r.bytes, 0)).toBe(bytes.length);
    expect(rows.every((r) => Object.values(SECTION).includes(r.id as never))).toBe(true);
  });
  // #endregion chapter-figures

  test("a bench chart reads the file a live command left, and says so when there is none", () => {
    const f = figureOf("figure bench-chart", ".cache/bench/none.json\n", 9)!;
    expect(() => renderFigure(f, () => null)).toThrow("line 9: figure bench-chart reads .cache/bench/none.json, which does not exist");
    const html = renderFigure(f, (p) => (p === ".cache/bench/none.json" ? JSON.stringify(SAMPLE_BENCH) : null));
    expect(html).toContain('class="figure-svg bench-chart"');
    expect(html).toContain("<th>hello</th>");
  });
});

// #region bench-sample
/** What the BF benchmark writes to .cache/bench/bf.json. */
export const SAMPLE_BENCH: BenchFile = {
  format: "jit-bench/1",
  measure: "median of 5 runs, wall time",
  tiers: ["interpreter", "template JIT", "LIR JIT", "optimized JIT"],
  programs: ["hello", "mandelbrot"],
  results: [
    { program: "hello", tier: "interpreter", ms: 0.12 },
    { program: "hello", tier: "template JIT", ms: 0.05 },
    { program: "hello", tier: "optimized JIT", ms: 0.04 },
    { program: "mandelbrot", tier: "interpreter", ms: 21500 },
    { program: "mandelbrot", tier: "template JIT", ms: 1900 },
    { program: "mandelbrot", tier: "LIR JIT", ms: 1400 },
    { program: "mandelbrot", tier: "optimized JIT", ms: 610 },
  ],
  machine: "Bun 1.4.5 · Linux 6.18 x86_64 · Intel Xeon",
};
// #endregion

describe("the benchmark chart", () => {
  test("the sample is a valid BenchFile", () => expect(parseBench(JSON.parse(JSON.stringify(SAMPLE_BENCH)))).toEqual(SAMPLE_BENCH));

  test.each([
    [{ ...SAMPLE_BENCH, format: "jit-bench/0" }, 'format is "jit-bench/0"'],
    [{ ...SAMPLE_BENCH, tiers: [] }, "tiers must be a non-empty array of strings"],
    [{ ...SAMPLE_BENCH, results: [{ program: "hello", tier: "jit", ms: 1 }] }, 'names tier "jit", which is not in tiers'],
    [{ ...SAMPLE_BENCH, results: [{ program: "hello", tier: "LIR JIT", ms: 0 }] }, "ms must be a positive number"],
    [null, "not a JSON object"],
  ])("a malformed file is refused (%#)", (data, message) => {
    expect(() => parseBench(data, "bf.json")).toThrow(BenchFormatError);
    expect(() => parseBench(data, "bf.json")).toThrow(message);
  });

  test("one bar per result, log-scale decades, and the missing pair marked", () => {
    const svg = benchChartSvg(SAMPLE_BENCH);
    expect(svg.match(/<rect x="150"[^>]*height="13" class="bench-s\d"/g)?.length).toBe(SAMPLE_BENCH.results.length);
    for (const tick of ["10 µs", "100 µs", "1 ms", "10 ms", "100 ms", "1 s", "10 s", "100 s"]) expect(svg).toContain(`>${tick}<`);
    expect(svg).toContain(">not run<");
  });

  test("bars are proportional to the logarithm of the time", () => {
    const widths = [...benchChartSvg(SAMPLE_BENCH).matchAll(/<rect x="150" y="[\d.]+" width="([\d.]+)" height="13"/g)].map((m) => Number(m[1]));
    // mandelbrot: 21500 ms vs 610 ms differ by log10(21500/610) = 1.547 decades; 520 px span 7 decades.
    const [interp, , , optimized] = widths.slice(3);
    expect((interp! - optimized!) / (520 / 7)).toBeCloseTo(Math.log10(21500 / 610), 2);
  });

  test.each([
    [0.00042, "420 ns"],
    [0.5, "500 µs"],
    [12.34, "12 ms"],
    [1900, "1.9 s"],
  ])("formatMs(%p) = %p", (ms, text) => expect(formatMs(ms)).toBe(text));
});

describe("search", () => {
  const index = [
    { href: "01-pages.html#mmap", page: "1. Pages", heading: "Asking with mmap", text: "mmap returns a page-aligned mapping; MAP_FAILED comes back as a BigInt." },
    { href: "03-w-xor-x.html", page: "3. W^X", heading: "W^X", text: "Never map a page writable and executable at once; mprotect flips it. mmap is where it starts." },
    { href: "04-encoder.html#rex", page: "4. An x86-64 encoder", heading: "The REX prefix", text: "REX.W selects 64-bit operands." },
  ];

  test.each([
    ["mmap", ["01-pages.html#mmap", "03-w-xor-x.html"]],
    ["rex", ["04-encoder.html#rex"]],
    ["page mprotect", ["03-w-xor-x.html"]],
    ["MMAP bigint", ["01-pages.html#mmap"]],
    ["nothing-like-this", []],
    ["   ", []],
  ])("%p finds %p", (q, hrefs) => expect(search(index, q).map((h) => h.entry.href)).toEqual(hrefs));

  test("snippets mark the words and escape the rest", () => {
    expect(snippet("a <b> mmap c", ["mmap"])).toBe("a &lt;b&gt; <mark>mmap</mark> c");
  });
});

describe("links", () => {
  const site = mkdtempSync(join(tmpdir(), "jit-site-links-"));
  mkdirSync(join(site, "assets"));
  writeFileSync(join(site, "assets/style.css"), "body { background: url(missing.png) }");
  writeFileSync(
    join(site, "index.html"),
    `<link rel="stylesheet" href="assets/style.css"><h2 id="a">A</h2><a href="#a">ok</a><a href="#b">no id</a>` +
      `<a href="other.html">missing</a><a href="https://example.org/">reading elsewhere is fine</a>` +
      `<script src="https://cdn.example.org/x.js"></script><img src="/abs.png"><script>const s = "<a href='nowhere.html'>"</script>`,
  );

  test("the checker finds broken links, missing anchors, remote loads and absolute paths", () => {
    const problems = checkLinks(site).map((p) => `${p.page} ${p.link}: ${p.problem}`);
    expect(problems).toEqual([
      "assets/style.css missing.png: no such file in the site (assets/missing.png)",
      'index.html #b: index.html has no id "b"',
      "index.html other.html: no such file in the site (other.html)",
      "index.html https://cdn.example.org/x.js: loads a resource from another host: the site must work offline",
      "index.html /abs.png: an absolute path: it breaks when the site is opened from disk; use a relative link",
    ]);
  });

  test("README links become site links", () => {
    const from = "chapters/06-interpreter/README.md";
    expect(resolveLink("../04-encoder/README.md#rex", from, CHAPTERS)).toBe("04-encoder.html#rex");
    expect(resolveLink("../01-pages/", from, CHAPTERS)).toBe("01-pages.html");
    expect(resolveLink("parser.ts", from, CHAPTERS)).toBe("source/chapters/06-interpreter/parser.ts.html");
    expect(resolveLink("../../README.md", from, CHAPTERS)).toBe("index.html");
    expect(resolveLink("https://example.org", from, CHAPTERS)).toBeNull();
    expect(resolveLink("#here", from, CHAPTERS)).toBeNull();
    expect(resolveLink("no-such-file.ts", from, CHAPTERS)).toBeNull();
    expect(resolveLink("../../site/book/measuring.md", from, CHAPTERS)).toBe("measuring.html");
    expect(resolveLink("../../site/book/glossary.md#leb128", from, CHAPTERS)).toBe("glossary.html#leb128");
    expect(resolveLink("measuring.md", "site/book/preface.md", CHAPTERS)).toBe("measuring.html");
    expect(resolveLink("../../site/book/no-such-page.md", from, CHAPTERS)).toBeNull();
  });
});

describe("a chapter's README as a page", () => {
  const provenance = { bun: "1.4.5 (a7733435)", os: "Linux 6.18 x86_64", cpu: "Xeon", commit: "3a8bf81", date: "2026-11-21 10:04 UTC" };
  const live = { command: "bun x.ts", stdout: "at 0x7f45ab3c2010\n", stderr: "", exitCode: 0, signal: null, durationMs: 12, provenance, artifacts: {}, reads: [] };
  const ctx: RenderContext = { chapter: chapter(6), chapters: CHAPTERS, live: (line) => (line === 9 ? live : undefined), artifacts: () => null };
  const readme = [
    "# Brainfuck", // 1
    "",
    "See [the encoder](../04-encoder/README.md#rex) and [the parser](parser.ts).", // 3
    "",
    "```include", // 5
    "tests/fixtures/regions.ts#outer",
    "```",
    "",
    "```run", // 9
    "bun x.ts",
    "```",
    "",
    "## Two words", // 13
    "",
    "```figure rex-modrm-sib",
    "```",
    "",
    "```ts",
    "const x = 1;",
    "```",
  ].join("\n");

  test("a figures run gives the prose its numbers: each {{name.key}} is the value the command printed", () => {
    const figures = { ...live, command: "bun f.ts", stdout: '{"mandelbrot":"16.6 s","cells":30000}\n' };
    const page = ["# Figures", "", "```run figures=interp", "bun f.ts", "```", "", "Mandelbrot takes {{interp.mandelbrot}} on {{interp.cells}} cells; `{{not.a-figure}}` is code."].join("\n");
    const fctx: RenderContext = { ...ctx, live: (line) => (line === 3 ? figures : undefined) };
    const html = renderChapter(page, fctx).html;
    expect(html).toMatch(/Mandelbrot takes <span class="figure-value" title="bun f.ts · [^"]+">16.6 s<\/span> on <span class="figure-value"[^>]*>30000<\/span> cells/);
    expect(html).toContain("<code>{{not.a-figure}}</code>");
    expect(html).toContain('<details class="figures">');
    expect(() => renderChapter(page.replace("{{interp.cells}}", "{{interp.cels}}"), fctx)).toThrow("no figure {{interp.cels}} (interp has mandelbrot, cells)");
  });

  test("directives become listings, live results and figures; links and headings are the site's", () => {
    const r = renderChapter(readme, ctx);
    expect(r.title).toBe("Brainfuck");
    expect(r.headings.map((h) => h.id)).toEqual(["brainfuck", "two-words"]);
    expect(r.html).toContain('<a href="04-encoder.html#rex">the encoder</a>');
    expect(r.html).toContain('<a href="source/chapters/06-interpreter/parser.ts.html">the parser</a>');
    expect(r.html).toContain('<a class="listing-path" href="source/tests/fixtures/regions.ts.html#L4">tests/fixtures/regions.ts</a>');
    expect(r.html).toContain('data-n="6"');
    expect(r.html).toContain("at 0x7f0100000010"); // normalized
    expect(r.html).toContain("Bun 1.4.5 (a7733435) · Linux 6.18 x86_64 · Xeon · commit 3a8bf81 · 2026-11-21 10:04 UTC · 12 ms");
    expect(r.html).toContain('id="figure-rex-modrm-sib"');
    expect(r.html).toContain('<span class="tok-kw">const</span>');
    expect(r.sources).toEqual(["chapters/06-interpreter/parser.ts", "tests/fixtures/regions.ts"]);
    expect(r.sections.map((s) => s.heading)).toEqual(["Brainfuck", "Two words"]);
  });

  test("a `run beside` block and the run before it are one pair of columns", () => {
    const two = (line: number) => (line === 1 || line === 5 ? { ...live, stdout: line === 1 ? "x86 listing\n" : "a64 listing\n" } : undefined);
    const page = "```run\nbun x.ts\n```\n\n```run beside\nbun y.ts\n```\n";
    const html = renderChapter(page, { ...ctx, live: two }).html;
    expect(html).toMatch(/^<div class="beside-pair"><figure class="live">.*x86 listing.*<\/figure><figure class="live">.*a64 listing.*<\/figure><\/div>\n$/s);
    const alone = "Text.\n\n```run beside\nbun y.ts\n```\n";
    expect(() => renderChapter(alone, { ...ctx, live: () => live })).toThrow("line 3: a `run beside` block goes right after another run block");
  });

  test.each([
    ["```include\ntests/fixtures/regions.ts#missing\n```", "chapters/06-interpreter/README.md line 1: include: tests/fixtures/regions.ts has no region 'missing'"],
    ["text\n\n```run\nbun never-ran.ts\n```", "chapters/06-interpreter/README.md line 3: run `bun never-ran.ts` has no result"],
    ["```figure nope\n```", "chapters/06-interpreter/README.md line 1: there is no figure 'nope'"],
  ])("a directive that does not resolve names the README line (%#)", (markdown, message) => {
    expect(() => renderChapter(markdown, ctx)).toThrow(ChapterError);
    expect(() => renderChapter(markdown, ctx)).toThrow(message);
  });

  test("an included region's lines keep their numbers in the file, nested markers skipped", () => {
    expect(lineNumbers("tests/fixtures/regions.ts", 4, "function f() {\n  const inner = 2;\n  return inner;\n}")).toEqual([4, 6, 8, 9]);
  });
});

describe("the book's own pages", () => {
  test("a book page is rendered like a chapter: headings, and links to chapters become their pages", () => {
    const r = renderBookPage("# Preface\n\n## Three ways\n\nSee [pages](../../chapters/01-pages/README.md#pitfalls) and the [glossary](glossary.html).\n\n```sh\nnpm ci\n```\n", "site/book/preface.md", CHAPTERS);
    expect(r.title).toBe("Preface");
    expect(r.headings.map((h) => h.id)).toEqual(["preface", "three-ways"]);
    expect(r.html).toContain('<a href="01-pages.html#pitfalls">pages</a>');
    expect(r.html).toContain('<a href="glossary.html">glossary</a>');
    expect(r.html).toContain('class="code-block"');
  });

  test("a directive in a book page is an error naming the file and line: only chapters run and include", () => {
    expect(() => renderBookPage("# P\n\n```run\nbun x.ts\n```\n", "site/book/preface.md", CHAPTERS)).toThrow("site/book/preface.md line 3: `run` works only in a chapter's README");
  });

  test("every page of the book's back matter exists and renders, with a title", () => {
    const pages = renderBookPages(CHAPTERS);
    expect([...pages.keys()].map((p) => p.slug)).toEqual(BOOK_PAGES.map((p) => p.slug));
    for (const [p, r] of pages) expect({ file: bookPageFile(p), title: r.title !== null }).toEqual({ file: bookPageFile(p), title: true });
  });

  test("every link of the book's pages to a chapter lands on one of its headings, and so does every glossary entry", () => {
    // A chapter's heading ids, without building the site: directives are what need a build, and they hold no headings.
    const ids = new Map<string, Set<string>>();
    for (const c of CHAPTERS) {
      const readme = readFileSync(join(ROOT, "chapters", c.slug, "README.md"), "utf8").replace(/^```(?:run|include|figure|workbook)\b[^\n]*\n[\s\S]*?^```$/gm, "");
      ids.set(`${c.slug}.html`, new Set(renderBookPage(readme, `chapters/${c.slug}/README.md`, CHAPTERS).headings.map((h) => h.id)));
    }
    const pages = renderBookPages(CHAPTERS);
    for (const [p, r] of pages) ids.set(`${p.slug}.html`, new Set(r.headings.map((h) => h.id)));
    const broken: string[] = [];
    let count = 0;
    for (const [p, r] of pages) {
      for (const m of r.html.matchAll(/href="([^"#:/]+\.html)(?:#([^"]*))?"/g)) {
        count++;
        const target = ids.get(m[1]!);
        if (!target || (m[2] && !target.has(m[2]))) broken.push(`${p.slug}.md: ${m[1]}${m[2] ? `#${m[2]}` : ""}`);
      }
    }
    for (const [term, href] of readGlossary()) {
      const [file, id] = href.split("#") as [string, string];
      if (!ids.get(file)?.has(id)) broken.push(`glossary term ${term}: ${href}`);
    }
    expect(broken).toEqual([]);
    expect(count).toBeGreaterThan(200);
  });

  test("the glossary's terms come from its ### headings, each spelling of a heading linking to the entry", () => {
    const g = readGlossary("# Glossary\n\n### site\n\nA number.\n\n### on-stack replacement / OSR\n\nA switch.\n\n### `W^X`\n");
    expect([...g]).toEqual([["site", "glossary.html#site"], ["on-stack replacement", "glossary.html#on-stack-replacement-osr"], ["osr", "glossary.html#on-stack-replacement-osr"], ["w^x", "glossary.html#w-x"]]);
    expect(() => readGlossary("### site\n\n### Site\n")).toThrow('the term "site" has two entries');
    expect(glossaryTerm("Sites", g)).toBe("site");
    expect(glossaryTerm("sitting", g)).toBeNull();
  });

  test("the book's glossary defines the terms the chapters coin", () => {
    const g = readGlossary();
    for (const term of ["site", "reach", "known range", "slice", "loop unit", "tier", "template", "lir", "pass", "guard", "osr entry", "w^x"]) expect(g.has(term)).toBe(true);
  });

  test("a term's first bold or italic use in a chapter links to its glossary entry, once per entry, never inside a link", () => {
    const glossary = readGlossary("### site\n\n### pass\n\n### callee-saved / caller-saved\n");
    const ctx: RenderContext = { chapter: chapter(7), chapters: CHAPTERS, live: () => undefined, artifacts: () => null, glossary };
    const r = renderChapter("# T\n\nEach **site** is a number; another **site** is not linked again. The *passes* run,\n[a **pass** in a link](../01-pages/README.md) stays a plain link, and **callee-saved** then **caller-saved** share one entry.\n", ctx);
    expect(r.html.match(/class="glossary-term"/g)?.length).toBe(3);
    expect(r.html).toContain('<a href="glossary.html#site" class="glossary-term" title="In the glossary"><strong>site</strong></a> is a number; another <strong>site</strong>');
    expect(r.html).toContain('<a href="glossary.html#pass" class="glossary-term" title="In the glossary"><em>passes</em></a>');
    expect(r.html).toContain('<a href="01-pages.html">a <strong>pass</strong> in a link</a>');
    expect(r.html).toContain('<a href="glossary.html#callee-saved-caller-saved" class="glossary-term" title="In the glossary"><strong>callee-saved</strong></a> then <strong>caller-saved</strong>');
  });
});

describe("the cache key of a live result", () => {
  const root = mkdtempSync(join(tmpdir(), "jit-site-inputs-"));
  const write = (path: string, text: string) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write("shared/x.ts", "1");
  write("chapters/01-pages/a.ts", "a");
  write("chapters/02-first-bytes/b.ts", "b");
  write("tests/programs/hello.b", "+.");
  const key = (command = "bun chapters/01-pages/a.ts tests/programs/hello.b", n = 1) => new InputHasher(root).keyFor(command, chapter(n), CHAPTERS);

  test.each([
    ["its own chapter changes", "chapters/01-pages/a.ts", true],
    ["shared/ changes", "shared/x.ts", true],
    ["a file named on the command line changes", "tests/programs/hello.b", true],
    ["a later chapter changes", "chapters/02-first-bytes/b.ts", false],
  ])("changes when %s: %p", (_what, file, changes) => {
    const before = key();
    write(file, "changed " + Math.random());
    expect(key() !== before).toBe(changes);
  });

  test("depends on the command and on earlier chapters", () => {
    expect(key("bun chapters/01-pages/a.ts")).not.toBe(key("bun chapters/01-pages/a.ts --x"));
    const ch2 = key("bun x", 2);
    write("chapters/01-pages/a.ts", "again " + Math.random());
    expect(key("bun x", 2)).not.toBe(ch2);
  });
});

describe("the workbook on the page", () => {
  test.each([
    ["export function checkSize(size: number): number {", "checkSize", true],
    ["  async seal(): Promise<void> {", "CodeBuffer.seal", true],
    ["  get size(): number {", "get CodeBuffer.size", true],
    ["export class LibcError extends Error {", "new LibcError", true],
    ["export const arrow = (s: string): string =>", "arrow", true],
    ["  #expect(state: State): void {", "CodeBuffer.#expect", true],
    ["  return checkSize(n);", "checkSize", false], // a call, not the declaration
    ["export function checkSizes(): void {", "checkSize", false],
  ])("declares(%p, %p) = %p", (source, label, yes) => {
    expect(declares(source, label)).toBe(yes);
  });
});

describe("live results", () => {
  const cacheDir = mkdtempSync(join(tmpdir(), "jit-site-cache-"));
  const job = (command: string, line: number, expectExit = 0) => ({ chapter: chapter(1), directive: { kind: "run" as const, line, command, expectExit, timeoutMs: 20_000, figures: null, beside: false } });
  const opts = { cacheDir, hasher: new InputHasher(), chapters: CHAPTERS, provenance: currentProvenance() };

  test("run once, then served from the cache", async () => {
    const jobs = [job(`bun -e "console.log('hi', Math.random())"`, 3), job(`bun -e "process.exit(2)"`, 5, 2)];
    const first = await runLive(jobs, opts);
    expect([first.misses, first.hits, first.failures]).toEqual([2, 0, []]);
    const second = await runLive(jobs, opts);
    expect([second.misses, second.hits]).toEqual([0, 2]);
    expect(second.results.get("01-pages:3")!.stdout).toBe(first.results.get("01-pages:3")!.stdout);
    expect(second.results.get("01-pages:3")!.cached).toBe(true);
  }, 30_000);

  test("a command that looked for an optional file runs again when the file appears, changes or goes", async () => {
    const optional = join(cacheDir, "optional.b");
    // What shared/programs.ts does for a classic program: note the path, then read it if it is there.
    const script = `import { noteRead } from "./shared/programs.ts"; import { existsSync, readFileSync } from "node:fs"; ` +
      `noteRead(${JSON.stringify(optional)}); console.log(existsSync(${JSON.stringify(optional)}) ? readFileSync(${JSON.stringify(optional)}, "utf8") : "absent")`;
    const jobs = [job(`bun -e '${script}'`, 7)];
    const absent = await runLive(jobs, opts);
    expect([absent.misses, absent.results.get("01-pages:7")!.stdout]).toEqual([1, "absent\n"]);
    expect((await runLive(jobs, opts)).hits).toBe(1);
    writeFileSync(optional, "+.");
    const present = await runLive(jobs, opts);
    expect([present.misses, present.results.get("01-pages:7")!.stdout]).toEqual([1, "+.\n"]);
    expect((await runLive(jobs, opts)).hits).toBe(1);
    writeFileSync(optional, "-.");
    expect((await runLive(jobs, opts)).results.get("01-pages:7")!.stdout).toBe("-.\n");
    rmSync(optional);
    expect((await runLive(jobs, opts)).results.get("01-pages:7")!.stdout).toBe("absent\n");
  }, 60_000);

  test("a failing command is reported with its chapter, README line and stderr", async () => {
    const r = await runLive([job(`bun -e "console.error('boom'); process.exit(3)"`, 42)], opts);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toContain("chapter 1 (chapters/01-pages/README.md line 42)");
    expect(r.failures[0]).toContain("exited with 3, expected exit 0");
    expect(r.failures[0]).toContain("boom");
  }, 30_000);

  test("at most `limit` jobs run at once", async () => {
    let running = 0;
    let peak = 0;
    await forEachConcurrently([1, 2, 3, 4, 5], 2, async () => {
      peak = Math.max(peak, ++running);
      await Bun.sleep(5);
      running--;
    });
    expect(peak).toBe(2);
  });

  test("provenance names Bun, the OS, the CPU, the commit and the date", () => {
    const line = provenanceLine(currentProvenance(new Date("2026-11-21T10:04:00Z")));
    expect(line).toMatch(/^Bun \d+\.\d+\.\d+ \(\w{8}\) · \w+ [\d.]+ \w+ · .+ · commit \S+ · 2026-11-21 10:04 UTC$/);
  });
});

describe("the server", () => {
  const dir = mkdtempSync(join(tmpdir(), "jit-site-serve-"));
  writeFileSync(join(dir, "index.html"), "<h1>home</h1>");
  writeFileSync(join(dir, "404.html"), "<h1>lost</h1>");

  test("serves the files of the site and nothing outside it", () => {
    expect(fileFor(dir, "/")).toBe(join(dir, "index.html"));
    expect(fileFor(dir, "/index.html")).toBe(join(dir, "index.html"));
    expect(fileFor(dir, "/../../etc/passwd")).toBeNull();
    expect(fileFor(dir, "/%2e%2e/%2e%2e/etc/passwd")).toBeNull();
    expect(fileFor(dir, "/missing.html")).toBeNull();
  });

  test("answers on loopback, and takes a free port when the one asked for is taken", async () => {
    const first = serveSite(dir, 0);
    const second = serveSite(dir, first.port);
    try {
      expect(first.url).toStartWith("http://127.0.0.1:");
      expect(second.port).not.toBe(first.port);
      expect(await (await fetch(first.url)).text()).toBe("<h1>home</h1>");
      const missing = await fetch(first.url + "nope.html");
      expect([missing.status, await missing.text()]).toEqual([404, "<h1>lost</h1>"]);
    } finally {
      first.stop();
      second.stop();
    }
  });

  test("--port, then $PORT, then 8080", () => {
    expect(portFrom("9000", { PORT: "7000" })).toBe(9000);
    expect(portFrom(undefined, { PORT: "7000" })).toBe(7000);
    expect(portFrom(undefined, {})).toBe(8080);
    expect(() => portFrom("http", {})).toThrow("--port must be a whole number from 0 to 65535, not 'http'");
  });

  test("refuses a folder with no built site", () => {
    const empty = mkdtempSync(join(tmpdir(), "jit-site-empty-"));
    expect(() => serveSite(empty, 0)).toThrow("has no index.html: build the site first with `npm run site`");
    rmSync(empty, { recursive: true });
  });
});

const HELLO_SOURCE = "++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.>>.<-.<.+++.------.--------.>>+.>++.";

describe("the playground pipeline", () => {
  const HELLO = HELLO_SOURCE;

  test("runs hello world", () => {
    const r = runPipeline({ source: HELLO, input: "", maxSteps: 1_000_000, eof: "unchanged" });
    expect(r.parse).toEqual({ ok: true, commands: 106, error: null });
    expect(r.run.ok && r.run.value.output).toBe("Hello World!\n");
    expect(r.run.ok && r.run.value.error).toBeNull();
  });

  test("reports a parse error at line:column and stops there", () => {
    const r = runPipeline({ source: "comment\n +[[", input: "", maxSteps: 1000, eof: "unchanged" });
    expect(r.parse.ok).toBe(false);
    expect(r.parse.error).toMatchObject({ line: 2, column: 3 });
    expect(r.parse.error!.message).toContain("unmatched '['");
    expect(r.run.ok).toBe(false);
  });

  test("a program that never stops is stopped by the step limit", () => {
    const r = runPipeline({ source: "+[]", input: "", maxSteps: 5000, eof: "unchanged" });
    expect(r.run.ok && r.run.value.error).toContain("after 5,000 loop tests");
  });

  test("the step limit's hint names the page's Step limit field, not the command line's --max-steps", () => {
    const deep = "+" + "[".repeat(1001) + "]".repeat(1001); // no LIR: the interpreter runs it
    for (const [source, unit] of [["+[]", "loop tests"], [deep, "steps"]] as const) {
      const r = runPipeline({ source, input: "", maxSteps: 5000, eof: "unchanged" });
      const error = r.run.ok ? r.run.value.error : null;
      expect(error).toStartWith(`StepLimitError: 1:${source === deep ? 1003 : 3}: stopped here after 5,000 ${unit}, the step limit:`);
      expect(error).toContain("raise the Step limit");
      expect(error).not.toContain("--max-steps");
    }
  });

  test("output is cut after MAX_OUTPUT_BYTES, and the report says how much there was: `,[.,]` leaving the cell at the end of input", () => {
    const r = runPipeline({ source: ",[.,]", input: "Just in Time", maxSteps: 1_000_000, eof: "unchanged" });
    if (!r.run.ok) throw new Error(r.run.reason);
    expect(r.run.value.output).toBe("Just in Time" + "e".repeat(MAX_OUTPUT_BYTES - 12));
    expect(r.run.value.outputBytes).toBe(1_000_000); // one byte per loop test, until the step limit
    expect(r.run.value.error).toStartWith("StepLimitError: 1:5: stopped here after 1,000,000 loop tests");
    const small = runPipeline({ source: ",[.,]", input: "abc", maxSteps: 10_000, eof: "zero" });
    expect(small.run.ok && [small.run.value.output, small.run.value.outputBytes]).toEqual(["abc", 3]);
  });

  test("lowers to the LIR and optimizes it pass by pass, with chapter 9's default pipeline", () => {
    const r = runPipeline({ source: "+++[-]>++<[->+<].", input: "", maxSteps: 1000, eof: "unchanged" });
    expect(r.lir.ok && r.lir.value.text).toStartWith("add [0] 3\nloop [0] {\n  add [0] -1\n}\n");
    if (!r.optimized.ok) throw new Error(r.optimized.reason);
    expect(r.optimized.value.passes.map((p) => p.name)).toEqual([...DEFAULT_PIPELINE]);
    const clear = r.optimized.value.passes.find((p) => p.name === "clear-loops")!;
    expect(clear.after).toBe(clear.before - 1); // `[-]` became one store
    expect(clear.text).toContain("set [0] 0");
    expect(r.optimized.value.text).toBe(r.optimized.value.passes.at(-1)!.text);
  });

  test("reads its input", () => {
    const r = runPipeline({ source: ",[.,]", input: "abc", maxSteps: 10_000, eof: "zero" });
    expect(r.run.ok && r.run.value.output).toBe("abc");
  });

  test("runs the program through the WebAssembly backend (chapter 13), and shows its module", () => {
    const r = runPipeline({ source: HELLO, input: "", maxSteps: 1_000_000, eof: "unchanged" });
    if (!r.run.ok || !r.wasm.ok) throw new Error("the backend should have run hello world");
    expect(r.run.value).toMatchObject({ tier: "the WebAssembly backend (chapter 13)", unit: "loop tests", output: "Hello World!\n" });
    expect(r.run.value.steps).toBeGreaterThan(0);
    expect(r.wasm.value.text).toStartWith("(module\n");
    expect(r.wasm.value.text).toContain("call $out");
    expect(r.wasm.value.functions).toBeGreaterThan(2);
    expect(STAGES.find((s) => s.name === "WebAssembly")?.ready).toBe(true);
  });

  test("the module's text is cut after MAX_WAT_LINES lines", () => {
    const r = runPipeline({ source: ",[>,]<[.<]".repeat(200), input: "", maxSteps: 1000, eof: "zero" });
    if (!r.wasm.ok) throw new Error(r.wasm.reason);
    const lines = r.wasm.value.text.split("\n");
    expect(lines.length).toBe(MAX_WAT_LINES + 2);
    expect(lines.at(-2)).toBe(`;; ... cut here, after ${MAX_WAT_LINES} lines`);
    expect(r.wasm.value.cut).toMatch(/^The text is cut after 3,000 lines; the module has [\d,]+ bytes in all\.$/);
  });

  test("code too big for one function runs in parts; a module past the engine's limits is the book's error at line:column", () => {
    const source = "+++++[" + ">+>++.<<".repeat(400) + "-]";
    const split = runPipeline({ source, input: "", maxSteps: 1_000_000, eof: "zero" }, { ...ENGINE_LIMITS, functionSize: 2048 });
    if (!split.wasm.ok) throw new Error(split.wasm.reason);
    expect(split.wasm.value.text).toContain("(func $part@");
    expect(split.run.ok && split.run.value).toMatchObject({ tier: "the WebAssembly backend (chapter 13)", error: null, output: new TextDecoder().decode(interpret(parse(source)).output) });
    const refused = runPipeline({ source: "+[[.-]]".repeat(6), input: "", maxSteps: 1000, eof: "zero" }, { ...ENGINE_LIMITS, functions: 5 });
    expect(!refused.wasm.ok && refused.wasm.reason).toStartWith("The WebAssembly backend (chapter 13) failed: WasmLimitError: 1:23: the code from here would be function number 6 of the module");
    expect(refused.run.ok && refused.run.value.tier).toBe("the reference interpreter (chapter 6)");
  });

  test("a program over every cap: each text stops at its cap and says where, and the run's output is right", () => {
    const source = "+>".repeat(12_000) + "<".repeat(12_000) + ".[-].";
    const r = runPipeline({ source, input: "", maxSteps: 1_000_000, eof: "zero" });
    if (!r.lir.ok || !r.optimized.ok || !r.x86.ok || !r.wasm.ok || !r.run.ok) throw new Error("a stage failed");
    expect(r.lir.value.text.split("\n").length).toBe(MAX_LIR_LINES + 1);
    expect(r.lir.value.cut).toMatch(/^The text is cut after 3,000 lines of [\d,]+: the next line is from 1:\d+\.$/);
    expect(r.optimized.value.cut).toStartWith("The text is cut after 3,000 lines of ");
    for (const pass of r.optimized.value.passes) expect(pass.text.split("\n").length).toBeLessThanOrEqual(MAX_LIR_LINES + 1);
    expect(r.x86.value.cut).toMatch(/^The optimized LIR has [\d,]+ ops, more than the 20,000 the page lists: this is the code for its first [\d,]+, up to the op from 1:\d+/);
    expect(r.x86.value.lines.length).toBeLessThanOrEqual(MAX_X86_LINES + 1);
    expect(r.wasm.value.cut).toStartWith("The text has no LIR ops as comments: the optimized LIR has ");
    expect(r.wasm.value.text.split("\n").length).toBe(MAX_WAT_LINES + 2);
    expect(r.run.value).toMatchObject({ tier: "the WebAssembly backend (chapter 13)", error: null, output: "\u0001\u0000" });
  });

  test("a program with a huge loop: the x86-64 listing stops before it, or is skipped with a note when it is the first op; off the tape is the book's error at line:column", () => {
    // The tape grows to the right: the program ends by walking one cell past the left end.
    const source = "+[" + ">+".repeat(20_000) + "<".repeat(20_000) + "-]" + ">+".repeat(40_000) + "<".repeat(40_001);
    const r = runPipeline({ source, input: "", maxSteps: 1_000_000, eof: "zero" });
    expect(r.x86.ok && r.x86.value.cut).toMatch(/^The optimized LIR has [\d,]+ ops, more than the 20,000 the page lists: this is the code for its first 1, up to the op from 1:2, /);
    const loop = x86Listing(parseLir(`loop [0] { ${"add [1] 1 ".repeat(MAX_X86_OPS)} }`));
    expect(!loop.ok && loop.reason).toBe("The x86-64 listing is skipped: the optimized LIR has 20,001 ops, more than the 20,000 the page lists, and its first op (from 1:1) alone has 20,001.");
    expect(r.run.ok && r.run.value.error).toStartWith("TapeBoundsError: 1:180005: '<' moved the pointer off the left end of the tape");
  });

  test("a program of many loops skips the optimizer and runs unoptimized; one of millions of commands is the interpreter's", () => {
    const loops = "+[->+<]>".repeat(8000) + ".";
    const r = runPipeline({ source: loops, input: "", maxSteps: 10_000_000, eof: "zero" });
    expect(!r.optimized.ok && r.optimized.reason).toStartWith("The optimizer is skipped: the LIR has 56,001 ops and 8,000 loops");
    expect(r.run.ok && r.run.value).toMatchObject({ tier: "the WebAssembly backend (chapter 13)", error: null, output: new TextDecoder().decode(interpret(parse(loops)).output) });
    const huge = "+>".repeat(MAX_LIR_COMMANDS / 2) + "+";
    const h = runPipeline({ source: huge, input: "", maxSteps: 10_000_000, eof: "zero" });
    expect(!h.lir.ok && h.lir.reason).toStartWith("Lowering is skipped: the program has 1,000,001 commands");
    expect(h.run.ok && h.run.value).toMatchObject({ tier: "the reference interpreter (chapter 6)", error: null }); // its 500,001 cells: the tape grew
  });

  test("what the engine throws reaches the page as the book's error", () => {
    const e = bookError("The optimizer (chapter 9)", new RangeError("Out of memory"));
    expect(e).toBeInstanceOf(PlaygroundLimitError);
    expect(e.message).toStartWith("The optimizer (chapter 9) is more than this browser's engine could do for this program (it said: Out of memory).");
    const own = new TapeBoundsError({ line: 1, column: 2, offset: 1 }, "left", 10);
    expect(bookError("x", own)).toBe(own);
  });

  test("with no LIR (nested deeper than it allows), the interpreter runs the program", () => {
    const r = runPipeline({ source: "+" + "[".repeat(1001) + "-" + "]".repeat(1001) + "+.", input: "", maxSteps: 1_000_000, eof: "unchanged" });
    expect(!r.wasm.ok && r.wasm.reason).toBe("There is no LIR to compile.");
    expect(r.run.ok && r.run.value).toMatchObject({ tier: "the reference interpreter (chapter 6)", unit: "steps", output: "\u0001" });
  });
});

describe("the index", () => {
  const book = (written: number) => ({ chapters: CHAPTERS, written: new Set(CHAPTERS.slice(0, written).map((c) => c.slug)) });

  test("while chapters are missing, it says how many are written; once all are, nothing about it", () => {
    expect(indexPage(book(3))).toContain(`3 of ${CHAPTERS.length} chapters written; the others are on their way.`);
    expect(indexPage(book(CHAPTERS.length))).not.toMatch(/chapters written|on their way/);
  });
});

describe("the playground's x86-64 panel", () => {
  const run = (source: string): PipelineReport => runPipeline({ source, input: "", maxSteps: 1_000_000, eof: "zero" });
  const x86 = (source: string) => {
    const r = run(source);
    if (!r.x86.ok) throw new Error(r.x86.reason);
    return r.x86.value;
  };
  const insns = (lines: readonly X86Line[]) => lines.filter((l) => l.kind === "insn");
  /** One line each: "; part", "label:", "op @pos" (indented by depth), or "offset  bytes  asm". */
  const text = (lines: readonly X86Line[]) =>
    lines.map((l) =>
      l.kind === "insn" ? `${l.offset.toString(16).padStart(4, "0")}  ${l.bytes}  ${l.asm}` : l.kind === "label" ? `${l.name}:` : l.kind === "op" ? `${"  ".repeat(l.depth)}${l.text} @${l.pos}` : `; ${l.text}`,
    );

  test("is chapter 9's machine code for the optimized LIR, byte for byte, ending in ret", () => {
    const v = x86(HELLO_SOURCE);
    const expected = optToX86(optimize(lower(parse(HELLO_SOURCE))).lir, PLACEHOLDER_IMPORTS).asm.finish();
    expect(insns(v.lines).map((l) => l.bytes).join(" ")).toBe(hex(expected));
    expect(v.size).toBe(expected.length);
    expect(insns(v.lines).map((l) => l.asm)).toContain("ret");
    expect(STAGES.find((s) => s.name === "x86-64 code")?.ready).toBe(true);
  });

  test("each line's bytes are one whole instruction, where iced-x86 finds it", () => {
    const lines = insns(x86(HELLO_SOURCE).lines);
    const bytes = Uint8Array.from(lines.flatMap((l) => l.bytes.split(" ").map((b) => parseInt(b, 16))));
    const decoder = new Decoder(64, bytes, DecoderOptions.None);
    const found: [number, number][] = [];
    while (decoder.canDecode) {
      const i = decoder.decode();
      found.push([Number(i.ip), i.length]);
    }
    expect(found).toEqual(lines.map((l) => [l.offset, l.bytes.split(" ").length]));
  });

  test("each op stands above the instructions it became, labels above their instruction", () => {
    const lines = text(x86("+.").lines);
    const ops = lines.indexOf("; the program's ops");
    expect(lines.slice(ops, ops + 5)).toEqual([
      "; the program's ops",
      "set [0] 1 @1:1",
      "0021  c6 03 01  mov byte ptr [rbx], 1",
      "out [0] @1:2",
      "0024  8a 03  mov al, byte ptr [rbx]",
    ]);
    expect(lines).toContain("put_byte:");
    expect(lines[lines.indexOf("put_byte:") + 1]).toMatch(/^[0-9a-f]{4} {2}41 88 07 {2}mov byte ptr \[r15\], al$/);
  });

  test("the ops are the optimized LIR's, in order, nested as it is, with a loop's `}` above its test", () => {
    const source = ",[.,]";
    const r = run(source);
    if (!r.optimized.ok || !r.x86.ok) throw new Error("no x86 for ,[.,]");
    const ops = r.x86.value.lines.flatMap((l) => (l.kind === "op" ? [`${"  ".repeat(l.depth)}${l.text}`] : []));
    expect(ops.join("\n") + "\n").toBe(print(optimize(lower(parse(source))).lir));
    const lines = text(r.x86.value.lines);
    expect(lines[lines.findIndex((l) => l.startsWith("} @1:5")) + 1]).toMatch(/cmp byte ptr \[rbx\], 0$/);
  });

  test("the parts of the code are named, and calls to libc show placeholder addresses", () => {
    const lines = text(x86(",.").lines);
    expect(lines.filter((l) => l.startsWith("; "))).toEqual([
      "; entry: save registers, load them from the context block (every program)",
      "; the program's ops",
      "; exits: flush the output, store the pointer back, return (every program)",
      "; routines: flush, and input or output when the program uses them",
    ]);
    expect(lines.some((l) => l.endsWith(`movabs rax, 0x${PLACEHOLDER_IMPORTS.write.toString(16)}`))).toBe(true);
    expect(lines.some((l) => l.endsWith(`movabs rax, 0x${PLACEHOLDER_IMPORTS.read.toString(16)}`))).toBe(true);
    expect(text(x86(">[-]<").lines)).toContain("; out of line: bounds-check stubs, and guards' slow paths");
  });

  test("the listing is cut after MAX_X86_LINES lines", () => {
    const lines = x86(",[>,]<[.<]".repeat(200)).lines;
    expect(lines.length).toBe(MAX_X86_LINES + 1);
    expect(lines.at(-1)).toEqual({ kind: "part", text: expect.stringMatching(/^\.\.\. and [\d,]+ more lines$/) });
    const report = run(",[>,]<[.<]".repeat(200));
    expect(report.x86.ok && report.x86.value.cut).toMatch(/^The listing is cut after 3,000 lines of [\d,]+, in the code of the op from 1:\d+\.$/);
  });

  test("with no optimized LIR, it says so", () => {
    const r = run("[".repeat(1001) + "]".repeat(1001));
    expect(!r.x86.ok && r.x86.reason).toBe("There is no optimized LIR to compile.");
  });

  test("the worker bundles for the browser: nothing it reaches imports bun:ffi or a Node builtin", async () => {
    const js = await bundle("site/playground/worker.ts");
    expect(js).not.toContain("bun:ffi");
    expect(js.length).toBeLessThan(400_000);
  }, 30_000);
});

describe("what a pass changed", () => {
  test.each([
    ["a\nb\nc\n", "a\nc\n", ["  a", "- b", "  c"]],
    ["a\nb\n", "a\nx\nb\n", ["  a", "+ x", "  b"]],
    ["loop\n  add -1\nend\n", "set 0\n", ["+ set 0", "- loop", "-   add -1", "- end"]],
    ["same\n", "same\n", ["  same"]],
  ])("diffLines(%p, %p)", (before, after, expected) => {
    const sign = { same: " ", removed: "-", added: "+" } as const;
    expect(diffLines(before, after).map((d) => `${sign[d.op]} ${d.text}`)).toEqual(expected);
  });
});

describe("a chapter's figures script prints every figure its prose quotes", () => {
  // The site build fails on a missing figure too, but only after minutes; this checks the scripts alone.
  // [chapter, figure set, arguments, whether it takes program names (and refuses one that is not there)]
  test.each([
    ["07-template-jit", "tjit", [], true],
    ["11-tiering", "tiering", ["--out", join(tmpdir(), `jit-tiering-${process.pid}.json`)], false],
    ["12-hostile-programs", "hostile", [], false],
    ["13-wasm-backend", "wasm", [], true],
  ] as const)("chapter %s: {{%s.*}}", async (slug, name, args, takesPrograms) => {
    const readme = readFileSync(join(ROOT, "chapters", slug, "README.md"), "utf8");
    const block = new RegExp("^```run figures=" + name + "\\b[^\\n]*\\n(.+)$", "m").exec(readme);
    expect(block?.[1]).toStartWith(`bun chapters/${slug}/figures.ts`);
    const quoted = [...new Set([...readme.matchAll(new RegExp(`\\{\\{${name}\\.([A-Za-z0-9_-]+)\\}\\}`, "g"))].map((m) => m[1]!))];
    expect(quoted.length).toBeGreaterThan(5);
    const r = await runBun(`chapters/${slug}/figures.ts`, [...args], { timeoutMs: 120_000 });
    expect(r.exitCode).toBe(0);
    const figures = JSON.parse(r.stdout) as Record<string, string>;
    expect(quoted.filter((k) => !(k in figures))).toEqual([]);
    expect(Object.entries(figures).filter(([, v]) => typeof v !== "string" || /NaN|Infinity|undefined/.test(v))).toEqual([]);
    if (!takesPrograms) return;
    const bad = await runBun(`chapters/${slug}/figures.ts`, ["nosuch"]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain("nosuch");
  }, 240_000);
});
