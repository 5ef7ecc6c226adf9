// Chapter 9's ops as the passes make them: these need the reader's passes (the ops' own definitions
// are given, tested in 09-optimizer-ops-given.test.ts).
import { describe, expect, test } from "bun:test";
import { TapeBoundsError } from "../chapters/06-interpreter/errors.ts";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { describeDifference, type RunOptions } from "../chapters/06-interpreter/semantics.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { interpretLir } from "../chapters/08-lir/interpret-lir.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { print } from "../chapters/08-lir/print.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import "../chapters/09-optimizer/ops.ts";

const runText = (text: string, opts?: RunOptions) => interpretLir(parseLir(text), opts);

describe("the ops the passes make", () => {
  test("the passes make them, and the result runs as chapter 6's interpreter does", () => {
    const bf = ",[->++>---<<]>[>]+[<]>.>.";
    const lir = optimize(lower(parse(bf))).lir;
    for (const kind of ["muladd", "scan", "guard"]) expect(print(lir)).toContain(kind);
    const opts = { tapeSize: 16, input: new Uint8Array([5]) };
    expect(describeDifference(interpret(parse(bf), opts), interpretLir(lir, opts))).toBeNull();
  });
});

describe("the LIR interpreter runs them with chapter 6's semantics", () => {
  const same = (bf: string, opts?: RunOptions) => {
    const program = parse(bf);
    return describeDifference(interpret(program, opts), interpretLir(optimize(lower(program)).lir, opts));
  };

  test("a scan runs off the tape at the step that leaves it, in either direction", () => {
    for (const [text, tapeSize, at] of [
      ["set [0] 1\ncheck 1 2\nset [1] 1\nset [2] 1\nscan 1", 3, "5:1"],
      ["check 1 2\nset [0] 1\nset [1] 1\nset [2] 1\nmove 2\nscan -1", 3, "6:1"],
      ["set [0] 1\nscan 3", 3, "2:1"],
    ] as const) {
      const r = runText(text, { tapeSize });
      expect(r.error).toBeInstanceOf(TapeBoundsError);
      expect(formatPos(r.error!.pos!)).toBe(at);
    }
    expect(same("+[>]", { tapeSize: 5 })).toBeNull();
    expect(same("+>+>+[<]", { tapeSize: 5 })).toBeNull();
    expect(same("+>>+>>+[>>]", { tapeSize: 6 })).toBeNull();
  });
});
