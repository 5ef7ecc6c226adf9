// Seeded random Brainfuck programs for differential tests and the fuzzer (npm run fuzz): every tier
// must give the same RunResult as the reference interpreter on each of them.
//
// Every program halts, by construction, within a step bound computed while it is generated:
// - a counted loop keeps its cell for itself (nothing in its body touches it but one odd add, so the
//   cell reaches 0 within 255 rounds) and its body is balanced (it ends on the cell it started on);
// - a "set" loop is `[-]`, n times `+`, then a counted loop that subtracts 1: exactly n rounds;
// - a scan (`[>]`, `[<<]`) or a drift loop (a body with a net move: adds, moves, output, now and then
//   a transfer loop) moves the pointer the same way every round, so it ends within tapeSize rounds: on
//   a zero cell, or off the tape.
// Scans and drift loops leave the pointer somewhere unknown, so they appear only at the top level,
// outside counted loops. Comments (words, tabs, newlines, "é", emoji) make positions interesting;
// small tapes make off-tape errors common, and short inputs make EOF common.
import type { EofBehavior, RunOptions } from "../chapters/06-interpreter/semantics.ts";

export interface RandomCase {
  readonly seed: number;
  readonly source: string;
  /** Input, tape size and EOF behaviour to run it with (never maxSteps). */
  readonly options: RunOptions;
  /** The program takes at most this many steps (the unit of RunOptions.maxSteps). */
  readonly stepBound: number;
}

export interface GeneratorOptions {
  /** About the most steps a program may take (default 100,000); stepBound is the exact bound. */
  readonly maxSteps?: number;
  /** The most items at the top level (default 30). */
  readonly maxItems?: number;
}

/** xorshift32 (Marsaglia): tiny, fast, and the same sequence under Bun and Node. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // Spread small seeds over all 32 bits; a zero state would stay zero.
    this.state = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0) || 1;
    for (let i = 0; i < 4; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 2 ** 32;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

const TAPE_SIZES = [8, 16, 16, 32, 64, 300, 30000];
const EOFS: readonly EofBehavior[] = ["unchanged", "zero", "max"];
const COMMENTS = [" ", " ", "\n", "\n", "\t", "x", "loop", "é", "✓", "🙂", "\r\n"];
const ODD_DELTAS = [-1, -1, -1, 1, 1, 3, -3, 5, -7];

/** A piece of program text and the most steps it can take. */
interface Piece {
  readonly text: string;
  readonly cost: number;
}
const NOTHING: Piece = { text: "", cost: 0 };

/**
 * Writes one program. `at` is the pointer, relative to an origin; `origin` is that origin's cell,
 * or null once a scan or drift loop has made it unknown (then `at` restarts from 0).
 */
class Generator {
  at = 0;
  origin: number | null = 0;

  constructor(
    private readonly rng: Rng,
    private readonly tapeSize: number,
  ) {}

  /** Items in sequence, within `budget` steps. `guarded` cells belong to enclosing counted loops. */
  block(budget: number, maxItems: number, guarded: ReadonlySet<number>, top: boolean): Piece {
    let text = "";
    let cost = 0;
    const n = this.rng.int(Math.ceil(maxItems / 4), maxItems);
    for (let i = 0; i < n && cost < budget; i++) {
      const piece = this.item(budget - cost, guarded, top);
      text += piece.text;
      cost += piece.cost;
    }
    return { text, cost };
  }

  private item(budget: number, guarded: ReadonlySet<number>, top: boolean): Piece {
    const r = this.rng.next();
    const free = !guarded.has(this.at);
    if (r < 0.22) return free ? this.add(budget) : this.move();
    if (r < 0.38) return this.move();
    if (r < 0.45) return { text: ".", cost: 1 };
    if (r < 0.49) return free ? { text: ",", cost: 1 } : NOTHING;
    if (r < 0.52) return this.noise(free);
    if (r < 0.56) return { text: this.rng.pick(COMMENTS), cost: 0 };
    if (!free) return this.move();
    if (r < 0.68) return this.countedLoop(budget, guarded);
    if (r < 0.76) return this.setLoop(budget, guarded);
    if (r < 0.82) return budget >= 511 ? { text: this.rng.pick(["[-]", "[+]"]), cost: 511 } : NOTHING;
    if (r < 0.88) return this.transferLoop(budget, guarded);
    if (!top || r >= 0.96) return this.add(budget);
    return r < 0.93 ? this.scan(budget) : this.drift(budget);
  }

  private add(budget: number): Piece {
    const count = Math.min(budget, this.rng.chance(0.02) ? this.rng.int(250, 520) : this.rng.int(1, 9));
    return { text: (this.rng.chance(0.5) ? "+" : "-").repeat(count), cost: count };
  }

  /**
   * Usually to a nearby cell on the tape; now and then, off it on purpose. Where the tape's ends are
   * unknown, stay near the cell where the pointer was lost.
   */
  private move(): Piece {
    let to = this.origin === null ? this.rng.int(-1, 3) : this.at + this.rng.int(-4, 4);
    if (this.origin !== null) {
      const last = this.tapeSize - 1 - this.origin;
      const first = -this.origin;
      const edge = this.rng.chance(0.5) ? first - 1 : last + 1;
      if (this.rng.chance(0.01) && Math.abs(edge - this.at) < 64) to = edge;
      else to = Math.max(first, Math.min(last, to));
    }
    return this.moveTo(to);
  }

  /** False only for a cell known to be off the tape. */
  private onTape(at: number): boolean {
    return this.origin === null || (this.origin + at >= 0 && this.origin + at < this.tapeSize);
  }

  moveTo(to: number): Piece {
    const d = to - this.at;
    this.at = to;
    return { text: (d > 0 ? ">" : "<").repeat(Math.abs(d)), cost: Math.abs(d) };
  }

  /** Pairs that cancel out: food for the optimizer. */
  private noise(free: boolean): Piece {
    const text = this.rng.pick(free ? ["+-", "-+", "<>", "><"] : ["<>", "><"]);
    return { text, cost: 2 };
  }

  /** `[ body ]` with one odd add to the loop's own cell: at most 255 rounds. */
  private countedLoop(budget: number, guarded: ReadonlySet<number>): Piece {
    const delta = this.rng.pick(ODD_DELTAS);
    return this.loop(255, delta, budget, guarded);
  }

  /** `[-]`, then n times `+`, then a loop that subtracts 1: exactly n rounds. */
  private setLoop(budget: number, guarded: ReadonlySet<number>): Piece {
    const n = this.rng.int(1, 6);
    const loop = this.loop(n, -1, budget - 511 - n, guarded);
    if (loop.text === "") return NOTHING;
    return { text: "[-]" + "+".repeat(n) + loop.text, cost: 511 + n + loop.cost };
  }

  private loop(rounds: number, delta: number, budget: number, guarded: ReadonlySet<number>): Piece {
    const cell = this.at;
    const bodyBudget = Math.floor((budget - 1) / rounds) - 1 - Math.abs(delta) - 8;
    if (bodyBudget < 0) return NOTHING;
    const inner = new Set(guarded).add(cell);
    const body = this.block(bodyBudget, 5, inner, false);
    const back = this.moveTo(cell);
    const step = (delta > 0 ? "+" : "-").repeat(Math.abs(delta));
    const text = this.rng.chance(0.5) ? step + body.text + back.text : body.text + back.text + step;
    const cost = 1 + rounds * (body.cost + back.cost + Math.abs(delta) + 1);
    return cost <= budget ? { text: `[${text}]`, cost } : NOTHING;
  }

  /** The multiply/copy idiom: `[->+++>--<<]`. */
  private transferLoop(budget: number, guarded: ReadonlySet<number>): Piece {
    const cell = this.at;
    let body = "-";
    let bodyCost = 1;
    for (let i = this.rng.int(1, 3); i > 0; i--) {
      const to = cell + this.rng.pick([-3, -2, -1, 1, 2, 3]);
      if (guarded.has(to) || !this.onTape(to)) continue;
      const m = this.moveTo(to);
      const factor = this.rng.int(1, 5);
      body += m.text + (this.rng.chance(0.8) ? "+" : "-").repeat(factor);
      bodyCost += m.cost + factor;
    }
    const back = this.moveTo(cell);
    const cost = 1 + 255 * (bodyCost + back.cost + 1);
    return cost <= budget ? { text: `[${body}${back.text}]`, cost } : NOTHING;
  }

  /** `[>]`, `[<<]`...: find a zero cell, or fall off the tape trying. */
  private scan(budget: number): Piece {
    const stride = this.rng.pick([1, 1, 1, 2, 3]);
    const text = `[${(this.rng.chance(0.5) ? ">" : "<").repeat(stride)}]`;
    const cost = 1 + (this.tapeSize + 1) * (stride + 1);
    if (cost > budget) return NOTHING;
    this.lose();
    return { text, cost };
  }

  /** A loop whose body moves the pointer the same net distance every round. */
  private drift(budget: number): Piece {
    const start = this.at;
    let body = "";
    let bodyCost = 0;
    for (let i = this.rng.int(1, 4); i > 0; i--) {
      // Moves here are not kept on the tape: the loop may well fall off it.
      // Now and then a transfer loop inside: after the optimizer, a multiply loop guarded inside a
      // loop that walks, which a code generator must not take for code that stays in place.
      const r = this.rng.next();
      const piece = r < 0.45 ? this.add(9) : r < 0.85 ? this.moveTo(this.at + this.rng.int(-3, 3)) : r < 0.93 ? this.transferLoop(budget, new Set()) : { text: ".", cost: 1 };
      body += piece.text;
      bodyCost += piece.cost;
    }
    if (this.at === start) {
      const extra = this.moveTo(this.at + this.rng.pick([-2, -1, 1, 2]));
      body += extra.text;
      bodyCost += extra.cost;
    }
    const rounds = Math.floor(this.tapeSize / Math.abs(this.at - start)) + 2;
    const cost = 1 + rounds * (bodyCost + 1);
    if (cost > budget) {
      this.at = start;
      return NOTHING;
    }
    this.lose();
    return { text: `[${body}]`, cost };
  }

  /** The pointer is somewhere we cannot know: start counting from here. */
  private lose(): void {
    this.origin = null;
    this.at = 0;
  }
}

/** The program of one seed: the same seed always gives the same case. */
export function randomCase(seed: number, opts: GeneratorOptions = {}): RandomCase {
  const rng = new Rng(seed);
  const tapeSize = rng.pick(TAPE_SIZES);
  const g = new Generator(rng, tapeSize);
  // Start a little way into the tape, so that moving left is not always an error.
  const start = g.moveTo(rng.int(0, Math.min(tapeSize - 1, 12)));
  const body = g.block(opts.maxSteps ?? 100_000, opts.maxItems ?? 30, new Set(), true);
  const program = { text: start.text + body.text, cost: start.cost + body.cost };
  const input = Uint8Array.from({ length: rng.int(0, 6) }, () => rng.int(0, 255));
  const options: RunOptions = { input, tapeSize, eof: rng.pick(EOFS) };
  return { seed, source: program.text, options, stepBound: program.cost };
}

/** `count` cases from consecutive seeds. */
export function randomCases(count: number, firstSeed = 1, opts: GeneratorOptions = {}): RandomCase[] {
  return Array.from({ length: count }, (_, i) => randomCase(firstSeed + i, opts));
}
