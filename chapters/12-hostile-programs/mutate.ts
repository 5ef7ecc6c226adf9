// Mutations of real programs: a fuzzer's random programs are well-formed by construction and look
// alike; a real program with a command inserted, a loop cut out or a slice doubled is the kind of
// input no generator thinks of, and it keeps its brackets balanced, so it reaches the code generators.
import { balanced } from "../09-optimizer/minimize.ts";

export const COMMANDS = "+-<>.,";

/** A seeded generator (mulberry32): the same seed, the same mutations, under Bun and Node. */
export class Seeded {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** The index of the bracket that matches each bracket of a balanced program. */
function matches(code: string): Map<number, number> {
  const open: number[] = [];
  const match = new Map<number, number>();
  for (let i = 0; i < code.length; i++) {
    if (code[i] === "[") open.push(i);
    else if (code[i] === "]") {
      const j = open.pop()!;
      match.set(i, j).set(j, i);
    }
  }
  return match;
}

// #region mutations
/** One mutation: a name for reports, and a function from a balanced program to a balanced one. */
export interface Mutation {
  readonly name: string;
  apply(code: string, rng: Seeded): string;
}

export const MUTATIONS: readonly Mutation[] = [
  { name: "insert a command", apply: (c, r) => splice(c, r.below(c.length + 1), 0, COMMANDS[r.below(COMMANDS.length)]!) },
  { name: "delete a command", apply: (c, r) => deleteAt(c, pickWhere(c, r, (ch) => COMMANDS.includes(ch))) },
  { name: "change a command", apply: (c, r) => replaceAt(c, pickWhere(c, r, (ch) => COMMANDS.includes(ch)), COMMANDS[r.below(COMMANDS.length)]!) },
  { name: "duplicate a slice", apply: (c, r) => duplicate(c, r) },
  { name: "unwrap a loop", apply: (c, r) => unwrap(c, r) },
  { name: "wrap a slice in a loop", apply: (c, r) => wrap(c, r) },
  { name: "swap two loops side by side", apply: (c, r) => swapSiblings(c, r) },
];

/** Apply `count` random mutations. The result is balanced if `code` was. */
export function mutate(code: string, rng: Seeded, count = 1 + rng.below(4)): string {
  let out = code;
  for (let i = 0; i < count; i++) out = MUTATIONS[rng.below(MUTATIONS.length)]!.apply(out, rng);
  return out;
}
// #endregion mutations

function splice(code: string, at: number, remove: number, insert: string): string {
  return code.slice(0, at) + insert + code.slice(at + remove);
}

function pickWhere(code: string, rng: Seeded, ok: (ch: string) => boolean): number {
  const at: number[] = [];
  for (let i = 0; i < code.length; i++) if (ok(code[i]!)) at.push(i);
  return at.length === 0 ? -1 : at[rng.below(at.length)]!;
}

function deleteAt(code: string, i: number): string {
  return i < 0 ? code : splice(code, i, 1, "");
}

function replaceAt(code: string, i: number, ch: string): string {
  return i < 0 ? code : splice(code, i, 1, ch);
}

/** A balanced slice: a run of commands, or a whole loop, copied right after itself. */
function duplicate(code: string, rng: Seeded): string {
  const i = pickWhere(code, rng, (ch) => ch !== "]");
  if (i < 0) return code;
  const end = code[i] === "[" ? matches(code).get(i)! + 1 : Math.min(code.length, i + 1 + rng.below(8));
  const slice = code.slice(i, end);
  return balanced(slice) ? splice(code, end, 0, slice) : code;
}

/** `[body]` becomes `body`: the loop's brackets go, together. */
function unwrap(code: string, rng: Seeded): string {
  const i = pickWhere(code, rng, (ch) => ch === "[");
  if (i < 0) return code;
  const j = matches(code).get(i)!;
  return code.slice(0, i) + code.slice(i + 1, j) + code.slice(j + 1);
}

/** A balanced slice becomes a loop: `[` and `]` around it. */
function wrap(code: string, rng: Seeded): string {
  const i = rng.below(code.length + 1);
  const j = i + rng.below(Math.min(12, code.length - i) + 1);
  const slice = code.slice(i, j);
  return balanced(slice) ? code.slice(0, i) + "[" + slice + "]" + code.slice(j) : code;
}

/** Two loops side by side (`[a][b]`) trade places (`[b][a]`). */
function swapSiblings(code: string, rng: Seeded): string {
  const i = pickWhere(code, rng, (ch) => ch === "[");
  if (i < 0) return code;
  const m = matches(code);
  const j = m.get(i)!;
  if (code[j + 1] !== "[") return code;
  const k = m.get(j + 1)!;
  return code.slice(0, i) + code.slice(j + 1, k + 1) + code.slice(i, j + 1) + code.slice(k + 1);
}

