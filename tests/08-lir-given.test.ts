// Chapter 8, what the workbook gives the reader: the text form's lexer (its own refusals), the command
// line, and the x86-64 backend's register plan.
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { ROOT } from "../shared/child.ts";
import { parseLirArgs, readSource } from "../chapters/08-lir/cli.ts";
import { LirSyntaxError } from "../chapters/08-lir/errors.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { cellAt, LIR_REG } from "../chapters/08-lir/codegen-x86.ts";
import { errorOf, opsListed } from "./support/error-of.ts";



describe("the text form", () => {
  // The lexer and the parser's structure are given: these refusals come before any op is read.
  test.each([
    ["3", "1:1: expected an op (add, set, move, check, loop, in, out…), found '3'"],
    ["}", "1:1: '}' closes nothing: remove it, or add the missing 'loop [0] {'"],
  ])("%j is a LirSyntaxError: %s", (text, message) => {
    expect(() => parseLir(text)).toThrow(LirSyntaxError);
    expect(errorOf(() => parseLir(text))).toMatch(opsListed(message));
  });
});

describe("main.ts", () => {
  test("the command line: chapter 6's options and this chapter's", () => {
    const inv = parseLirArgs(["p.b", "--emit=lir", "--positions", "--tape", "9"], "usage", ["lir"]);
    expect(inv).toMatchObject({ file: "p.b", emit: "lir", positions: true, tapeSize: 9, code: null });
    expect(parseLirArgs(["-e", "+"], "usage", ["lir"])).toMatchObject({ file: "-e", code: "+" });
    expect(errorOf(() => parseLirArgs(["-e"], "usage", ["lir"]))).toBe("-e needs a program, e.g. -e '[->+<]'\nusage");
    expect(errorOf(() => parseLirArgs(["--emit"], "usage", ["lir"]))).toBe("--emit needs a value\nusage");
    expect(errorOf(() => parseLirArgs(["a.b", "-e", "+"], "usage", ["lir"]))).toBe("give a file or -e, not both\nusage");
    expect(errorOf(() => parseLirArgs(["--tape", "x"], "usage", ["lir"]))).toBe("--tape must be a whole number from 1 to 1073741824, not 'x'\nusage");
  });
});

describe("the command line: what main.ts reads", () => {
  test("readSource: a file it cannot read is a usage error that names it", () => {
    expect(readSource(`${ROOT}/tests/programs/hello.b`, "usage")).toBe(readFileSync(`${ROOT}/tests/programs/hello.b`, "utf8"));
    expect(() => readSource("no/such.b", "usage: main.ts prog.b")).toThrow(/^cannot read no\/such\.b: .*\nusage: main\.ts prog\.b/s);
  });
});

describe("each op has a lowering", () => {
  test("the register plan: the cell's address in rbx, the tape's ends in r12 and r13", () => {
    expect([LIR_REG.cell.name, LIR_REG.tape.name, LIR_REG.end.name, LIR_REG.ctx.name, LIR_REG.out.name]).toEqual(["rbx", "r12", "r13", "r14", "r15"]);
    expect(cellAt(-3)).toMatchObject({ base: LIR_REG.cell, disp: -3, size: 8 });
  });
});
