// Chapter 10's pieces: a program cut at the top level, each piece lowered, optimized and compiled in
// turn. Where the cuts fall, what the passes may assume where a piece begins, and,
// natively in a child, that a program cut every few commands runs exactly as the interpreter does.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { formatPos } from "../chapters/06-interpreter/source.ts";
import { print } from "../chapters/08-lir/print.ts";
import { fastCode, fastPieces, fastTier } from "../chapters/10-faster-code/jit.ts";
import { gnuListing } from "../chapters/07-template-jit/listing.ts";
import { cuts, PIECE, partsOf, piecesOf } from "../chapters/10-faster-code/pieces.ts";
import type { LoopEdge } from "../chapters/08-lir/codegen-x86.ts";
import type { Lir } from "../chapters/08-lir/lir.ts";
import { SMALL_PIECES, TINY_PIECES } from "./support/fast-pieces.ts";
import { BUN_COLLECTOR } from "../chapters/09-optimizer/collect-bun.ts";
import { Collector, installCollector } from "../chapters/09-optimizer/collect.ts";
import { againstInterpreter, programsSuite } from "./support/native-suites.ts";

setDefaultTimeout(120_000);

const cutsOf = (bf: string, size: number) => cuts(parse(bf), size);

/** A part that is LIR (a test that knows it is). */
function lirOf(part: Lir | LoopEdge): Lir {
  if ("edge" in part) throw new Error(`a loop's edge, not LIR: ${part.edge}`);
  return part;
}

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

  test.each([
    ["+[->+<]+", 2, 2, 6, [[2, 4], [4, 6]]], // the body of the loop alone: ->+<
    ["+[-[-]>]", 2, 2, 7, [[2, 6], [6, 7]]], // at the body's own top level: never inside [-]
    ["+[->+<]+", 2, 3, 3, [[3, 3]]], // an empty range is one empty piece
  ] as const)("%j in pieces of %d, commands %d to %d: %j", (bf, size, from, to, expected) => {
    expect(cuts(parse(bf), size, from, to)).toEqual(expected.map((c) => [...c]));
  });

  test("a program of fewer than PIECE commands is one piece: the program itself", () => {
    const program = parse("+".repeat(1000) + "[-]");
    expect([...piecesOf(program)]).toEqual([program]);
    expect(cuts(parse("+".repeat(PIECE + 1)))).toEqual([[0, PIECE], [PIECE, PIECE + 1]]);
  });
});

describe("partsOf: a loop bigger than a piece is opened, its body cut, and closed", () => {
  /** The parts, as their commands, and the loops' edges as "open 3:1" (the loop's [ ) and "close". */
  const partsAt = (bf: string, size: number) => {
    const program = parse(bf);
    return [...partsOf(program, size)].map((p) => ("edge" in p ? `${p.edge} ${formatPos(program.lines.pos(p.pos))}` : p.commands));
  };

  test.each([
    ["+[>+.<-]+", 3, ["+", "open 1:2", ">+.", "<-", "close 1:2", "+"]],
    ["[>+<-]", 8, ["[>+<-]"]], // no bigger than a piece: the program itself
    ["[>[>+.<-]<-]", 4, ["open 1:1", ">", "open 1:3", ">+.<", "-", "close 1:3", "<-", "close 1:1"]],
    ["+[\n[-]>[-]>[-]\n]", 6, ["+", "open 1:2", "[-]>[-]", ">[-]", "close 1:2"]],
    ["[]", 1, ["open 1:1", "close 1:1"]], // a loop of two commands, an empty body
    ["[->+<]", 6, ["[->+<]"]], // exactly a piece: not bigger than one
    ["[->+<][-<+>]", 5, ["open 1:1", "->+<", "close 1:1", "open 1:7", "-<+>", "close 1:7"]], // two in a row
    ["", 1, [""]], // the empty program is one empty piece
  ] as const)("%j in parts of %d: %j", (bf, size, expected) => {
    expect(partsAt(bf, size)).toEqual([...expected]);
  });

  test("a program of one big loop: its first piece begins midway, inside the loop", () => {
    const parts = [...fastPieces(parse("[->+<]"), 2)];
    expect(parts.map((p) => ("edge" in p ? p.edge : p.begins))).toEqual(["open", "midway", "midway", "close"]);
  });

});

describe("fastPieces", () => {
  test("the first piece begins at the program's start; the others midway, where nothing is known", () => {
    const pieces = [...fastPieces(parse("[-]+. +[.]"), 3)].filter((p) => "ops" in p); // [-]  +.+  [.]
    expect(pieces.map((p) => lirOf(p).begins)).toEqual(["start", "midway", "midway"]);
    // At the start the loop is dead (every cell is 0); midway, an add is not known to make a 1.
    expect(pieces.map((p) => print(lirOf(p)).trim().replace(/\s+/g, " "))).toEqual(["", "add [0] 1 out [0] add [0] 1", "loop [0] { out [0] }"]);
    expect(print(lirOf([...fastPieces(parse("[-]+. +[.]"))][0]!))).toContain("set [0] 1"); // in one piece, it is
  });

  test("a piece's passes ask for no collection: its garbage is young", () => {
    let collections = 0;
    installCollector(new Collector(() => 0, () => collections++, 0)); // always grown enough
    try {
      expect([...fastPieces(parse("+[->+<]".repeat(20)), 7)].length).toBeGreaterThan(1);
    } finally {
      installCollector(BUN_COLLECTOR);
    }
    expect(collections).toBe(0);
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

describe("differential: cut every 16 commands, against the interpreter", () => {
  const COUNT = 500;
  test(`${COUNT} seeded random programs give the interpreter's exact RunResult`, async () => {
    const { failures } = await againstInterpreter(SMALL_PIECES, COUNT, 41_001);
    expect(failures.slice(0, 3)).toEqual([]);
  });
});
