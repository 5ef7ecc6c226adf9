// Chapter 10's pieces: a program cut at the top level, each piece lowered, optimized and compiled in
// turn. Where the cuts fall, what the passes may assume where a piece begins, and,
// natively in a child, that a program cut every few commands runs exactly as the interpreter does.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { print } from "../chapters/08-lir/print.ts";
import { fastCode, fastPieces, fastTier } from "../chapters/10-faster-code/jit.ts";
import { gnuListing } from "../chapters/07-template-jit/listing.ts";
import { cuts, PIECE, piecesOf } from "../chapters/10-faster-code/pieces.ts";
import { TINY_PIECES } from "./support/fast-pieces.ts";
import { againstInterpreter, programsSuite } from "./support/native-suites.ts";

setDefaultTimeout(120_000);

const cutsOf = (bf: string, size: number) => cuts(parse(bf), size);

describe("cuts", () => {
  test.each([
    ["+>+>+", 2, [[0, 2], [2, 4], [4, 5]]],
    ["++", 2, [[0, 2]]], // exactly one piece: nothing after it
    ["+[->+<]+", 2, [[0, 7], [7, 8]]], // never inside a loop: at the first top-level command after
    ["[[[-]]]", 1, [[0, 7]]],
    ["a note then +", 1, [[0, 1]]], // commands are counted, not characters
    ["", 1, [[0, 0]]], // an empty program is one empty piece
  ] as const)("%j in pieces of %d: %j", (bf, size, expected) => {
    expect(cutsOf(bf, size)).toEqual(expected.map((c) => [...c]));
  });

  test("a program of fewer than PIECE commands is one piece: the program itself", () => {
    const program = parse("+".repeat(1000) + "[-]");
    expect([...piecesOf(program)]).toEqual([program]);
    expect(cuts(parse("+".repeat(PIECE + 1)))).toEqual([[0, PIECE], [PIECE, PIECE + 1]]);
  });
});

describe("fastPieces", () => {
  test("the first piece begins at the program's start; the others midway, where nothing is known", () => {
    const pieces = [...fastPieces(parse("[-]+. +[.]"), 3)]; // [-]  +.+  [.]
    expect(pieces.map((p) => p.begins)).toEqual(["start", "midway", "midway"]);
    // At the start the loop is dead (every cell is 0); midway, an add is not known to make a 1.
    expect(pieces.map((p) => print(p).trim().replace(/\s+/g, " "))).toEqual(["", "add [0] 1 out [0] add [0] 1", "loop [0] { out [0] }"]);
    expect(print([...fastPieces(parse("[-]+. +[.]"))][0]!)).toContain("set [0] 1"); // in one piece, it is
  });

  test("adds up how long the pieces took to lower and to optimize", () => {
    const times = { lowerMs: 0, optimizeMs: 0 };
    for (const _ of fastPieces(parse("+[->+<]".repeat(50)), 7, times));
    expect(times.lowerMs).toBeGreaterThan(0);
    expect(times.optimizeMs).toBeGreaterThan(0);
  });
});

test("the fast tier's loaded program makes its listing again from the program's pieces when asked", () => {
  const source = "+[->+<]>.\n++[>+<-]";
  using program = fastTier({ piece: 3 }).compile(parse(source));
  expect(program.listing()).toBe(gnuListing(fastCode(() => fastPieces(parse(source), 3)).asm));
});

programsSuite(TINY_PIECES, "the book's programs, cut every 3 commands (one child)", [
  { name: "off the left in a later piece", source: "+.\n+.>+.\n<<", options: { tapeSize: 4 } },
], (outcome) => {
  test("an error in a later piece names its command", () => {
    const r = outcome("off the left in a later piece").result!;
    expect([r.error?.name, formatPos(r.error!.pos!), r.pointer]).toEqual(["TapeBoundsError", "3:2", 0]);
  });
});

describe("differential: cut every 3 commands, against the interpreter", () => {
  const COUNT = 1000;
  test(`${COUNT} seeded random programs give the interpreter's exact RunResult`, async () => {
    const { failures } = await againstInterpreter(TINY_PIECES, COUNT, 40_001);
    expect(failures.slice(0, 3)).toEqual([]);
  });
});
