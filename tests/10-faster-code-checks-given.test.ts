// Chapter 10, given: knownChecks drops the checks whose cells the verifier's range already holds.
import { describe, expect, test } from "bun:test";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { interpretLir } from "../chapters/08-lir/interpret-lir.ts";
import { listsWithin, type Lir } from "../chapters/08-lir/lir.ts";
import { lower } from "../chapters/08-lir/lower.ts";
import { parseLir } from "../chapters/08-lir/parse-lir.ts";
import { print } from "../chapters/08-lir/print.ts";
import { verify } from "../chapters/08-lir/verify.ts";
import { optimize } from "../chapters/09-optimizer/optimize.ts";
import { knownChecks } from "../chapters/10-faster-code/known-checks.ts";
import { randomCases } from "./support/bf-random.ts";

const lir = (text: string) => parseLir(text.replace(/; */g, "\n"));
/** The program after the pass, printed on one line. */
const after = (text: string) => print(knownChecks(lir(text))).trim().replace(/\s+/g, " ");
const checks = (l: Lir) => listsWithin(l.ops).reduce((n, list) => n + list.filter((op) => op.kind === "check").length, 0);

describe("checks already answered", () => {
  test("in a guard's fast branch, a check of cells between the guarded ones and the pointer goes; in the other branch it stays", () => {
    expect(after("guard 4..6 { loop [0] { add [0] -1; check 1 2 3; set [3] 2; add [6] 8 } } else { loop [0] { add [0] -1; check 1 2 3; set [3] 2 } }")).toBe(
      "guard 4..6 { loop [0] { add [0] -1 set [3] 2 add [6] 8 } } else { loop [0] { add [0] -1 check 1 2 3 set [3] 2 } }",
    );
  });

  test("a check of cells an earlier check reached goes; one that reaches one more cell stays", () => {
    expect(after("check 1 2; add [2] 1; check 1 2; add [1] 1")).toBe("check 1 2 add [2] 1 add [1] 1");
    expect(after("check 1; check 1 2; add [2] 1")).toBe("check 1 check 1 2 add [2] 1");
  });

  test("after a move the range moves with the pointer: the same offsets are other cells", () => {
    expect(after("check 1; move 1; check 1; add [1] 1")).toBe("check 1 move 1 check 1 add [1] 1");
  });

  test("a balanced loop's turns start with what was known before it; any other loop's with its own known range", () => {
    expect(after("check 1; loop [0] { add [0] -1; check 1; add [1] 1 }")).toBe("check 1 loop [0] { add [0] -1 add [1] 1 }");
    expect(after("check 1; loop [0] { check 1; move 1 }")).toBe("check 1 loop [0] { check 1 move 1 }");
  });

  test("nothing to drop: the same LIR, not a copy", () => {
    const l = lir("check 1 2; add [2] 1; loop [0] { add [0] -1 }");
    expect(knownChecks(l)).toBe(l);
  });

  test("1,000 random programs: the LIR still verifies and runs as before, off-tape errors and all, with fewer checks", () => {
    let before = 0;
    let dropped = 0;
    for (const c of randomCases(1000)) {
      const optimized = optimize(lower(parse(c.source))).lir;
      const fewer = knownChecks(optimized);
      verify(fewer); // a check the range did not cover would leave a cell used unchecked
      expect(interpretLir(fewer, c.options)).toEqual(interpretLir(optimized, c.options));
      before += checks(optimized);
      dropped += checks(optimized) - checks(fewer);
    }
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThan(before);
  });
});
