// Chapter 10, cells in registers beyond innermost loops, and walking loops that know what the turn
// before cleared: programs made of loop nests, chains of ifs, straight runs and walks, in child
// processes, end exactly as the interpreter says, off-tape errors included. What the lowering gives (which loops qualify, the code) is in
// 10-faster-code-registers-given.test.ts.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { runBun } from "../shared/child.ts";

setDefaultTimeout(60_000);

const UNINSTRUMENTED = { env: { NYC_BUN: "0" } };

// Two digits, 3 and 5, in mandelbrot's layout (a marker, then a digit, every 9 cells), walked left
// from the last one by mandelbrot's loop, which moves each digit 9 cells to the right.
const WALK = ">>>>>>>>>+>+++>>>>>>>>+>+++++<[>[->>>>>>>>>+<<<<<<<<<]<<<<<<<<<<]";

describe("programs made of nests, straight runs and walks end as the interpreter says", () => {
  // The carry of factor.b: [0] into [1], one carried into [10] for every 10.
  const carry = "[->+<[->+<[->+<[->+<[->+<[->+<[->+<[->+<[->+<[->--------->>>>>>>>>+<<<<<<<<<<[->+<]]]]]]]]]]]";
  test.each([
    ["+++++++" + carry + ">.>>>>>>>>>.", 16],
    ["+++++++++++++++" + carry + ">.>>>>>>>>>.", 16],
    ["+++++++" + carry + ">.", 8], //                    the carry's cell is off the tape, and never reached: runs
    ["+++++++++++++++" + carry + ">.", 8], //            reached: the exact '>' that leaves the tape
    ["++++++[->++++[-->+<]<]>>++++++++++++++++++++++++++++++++++++++++++++++++.", 16], // an inner loop that goes round
    ["+++++>++++++<[->>+>++<[-<+>]<<]>>>.<.<.", 16], //                                 straight runs in registers
    ["+++++>++++++<[->>+>++<[-<+>]<<]>>>.<.<.", 3], //                                  ... whose block test fails
    [WALK + ">>>>>>>>>>>>>>>>>>>.>>>>>>>>>.", 40], //                                  mandelbrot's digit walk, peeled
    [WALK, 28], //                                                                       its first turn leaves the tape
    ["+" + WALK, 40], //                                                                 a later turn walks off the left end
    [",>,>,>,<<<[>+>[-]<]>>>>.", 40], //                                                an add into a cell the turn before cleared
  ] as const)("%s on a tape of %d cells", async (code, tape) => {
    const run = (tier: string) => runBun("chapters/10-faster-code/main.ts", ["-e", code, "--tier", tier, "--tape", String(tape)], { ...UNINSTRUMENTED, stdin: "\x05\x03\x07\x02" });
    const [fast, interp] = await Promise.all([run("fast"), run("interp")]);
    const stderr = (s: string) => s.replace(/^jit-trace .*\n/gm, ""); // the harness's trace of the code's memory, if on
    expect([fast.exitCode, fast.stdout, stderr(fast.stderr)]).toEqual([interp.exitCode, interp.stdout, stderr(interp.stderr)]);
  });
});
