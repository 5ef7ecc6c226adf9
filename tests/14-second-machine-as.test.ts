// Chapter 14's encoder against GNU as: thousands of instructions, every form with a spread of
// registers, immediates, offsets and distances, written as text for aarch64-linux-gnu-as and as
// calls to the Assembler. The expected words always come from the assembler, in one `as` run for
// the whole file, and are compared word for word.
import { describe, expect, test } from "bun:test";
import { Assembler } from "../chapters/14-second-machine/assembler.ts";
import { indexed, mem, post, pre } from "../chapters/14-second-machine/addressing.ts";
import { CONDITION_NAMES } from "../chapters/14-second-machine/conditions.ts";
import { reg, sp, wsp, wzr, xzr, type Reg, type W, type X } from "../chapters/14-second-machine/registers.ts";
import { Seeded } from "../chapters/12-hostile-programs/mutate.ts";
import { assembleA64Parts, hasA64As, noA64As } from "./support/a64-gas.ts";

if (!hasA64As) console.warn(`skipping chapter 14's encoder against GNU as: ${noA64As}`);

/** One instruction (or a short sequence) as the assembler's text and as calls to ours. */
interface Case {
  readonly text: readonly string[];
  readonly emit: (a: Assembler) => unknown;
}

// #region differences
/** Each case's words from GNU as (`theirs`, for all the cases in order) and from the Assembler, one line per case that differs. */
function differences(cases: readonly Case[], theirs: readonly number[]): string[] {
  const a = new Assembler();
  const spans = cases.map((c) => {
    const start = a.offset / 4;
    c.emit(a);
    return [start, a.offset / 4] as const;
  });
  const ours = a.words();
  expect(theirs.length).toBe(ours.length);
  const hex = (ws: ArrayLike<number>) => Array.from(ws, (w) => w.toString(16).padStart(8, "0")).join(" ");
  const out: string[] = [];
  cases.forEach((c, i) => {
    const [from, to] = spans[i]!;
    const mine = ours.subarray(from, to);
    const gas = theirs.slice(from, to);
    if (hex(mine) !== hex(gas)) out.push(`${c.text.join("; ")}: as ${hex(gas)}, ours ${hex(mine)}`);
  });
  return out;
}
// #endregion differences

const x = (id: number): X => reg(64, id);
const w = (id: number): W => reg(32, id);
/** A spread of register numbers: the ends, the argument registers, the callee-saved ones. */
const IDS = [0, 1, 7, 8, 15, 16, 19, 28, 29, 30];
/** Registers of both sizes, from IDS, each with its register 31 ("sp" or "zr"). */
function regs(size: 32 | 64, r31: "sp" | "zr" | null): Reg[] {
  const make = (id: number): Reg => (size === 64 ? x(id) : w(id));
  const extra = r31 === "sp" ? [size === 64 ? sp : wsp] : r31 === "zr" ? [size === 64 ? xzr : wzr] : [];
  return [...IDS.map(make), ...extra];
}
/** The i-th of `list`, cycling: spreads registers over cases without a full cross product. */
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;
const SIZES = [64, 32] as const;

// Every test's cases, made when the file loads, and assembled by GNU as together, once, when the
// first test asks: one `as` run for the whole file.
const checks: Case[][] = [];
let gas: number[][] | undefined;
const gasWords = (i: number): number[] => (gas ??= assembleA64Parts(checks.map((cases) => cases.flatMap((c) => c.text))))[i]!;

function check(name: string, make: () => Case[]): void {
  const cases = make();
  const i = checks.push(cases) - 1;
  const instructions = cases.flatMap((c) => c.text).filter((t) => !t.endsWith(":")).length;
  test(`${name} (${instructions} instructions)`, () => {
    expect(differences(cases, gasWords(i))).toEqual([]);
  });
}

describe.skipIf(!hasA64As)("the encoder against aarch64-linux-gnu-as", () => {
  check("add, adds, sub, subs, cmp, cmn with an immediate", () => {
    const out: Case[] = [];
    const imms = [0, 1, 4, 42, 255, 256, 4095, 4096, 8192, 0xfff000, 0x5000];
    for (const size of SIZES) {
      for (const op of ["add", "adds", "sub", "subs"] as const) {
        const rds = regs(size, op.endsWith("s") ? "zr" : "sp");
        const rns = regs(size, "sp");
        rds.forEach((rd, i) => {
          for (const [j, imm] of imms.entries()) {
            const rn = pick(rns, i + j);
            out.push({ text: [`${op} ${rd.name}, ${rn.name}, #${imm}`], emit: (a) => a[op](rd, rn, imm) });
          }
          const rn = pick(rns, i + 3);
          out.push({ text: [`${op} ${rd.name}, ${rn.name}, #${i + 1}, lsl #12`], emit: (a) => a[op](rd, rn, i + 1, "lsl", 12) });
          out.push({ text: [`${op} ${rd.name}, ${rn.name}, #${i + 7}, lsl #0`], emit: (a) => a[op](rd, rn, i + 7, "lsl", 0) });
        });
      }
      for (const rn of regs(size, "sp")) {
        out.push({ text: [`cmp ${rn.name}, #17`], emit: (a) => a.cmp(rn, 17) });
        out.push({ text: [`cmn ${rn.name}, #3, lsl #12`], emit: (a) => a.cmn(rn, 3, "lsl", 12) });
      }
    }
    return out;
  });

  check("add, adds, sub, subs, cmp, cmn, neg with a shifted register, and with sp (extended)", () => {
    const out: Case[] = [];
    for (const size of SIZES) {
      const rs = regs(size, "zr");
      for (const op of ["add", "adds", "sub", "subs"] as const) {
        rs.forEach((rd, i) => {
          const rn = pick(rs, i + 1), rm = pick(rs, i + 2);
          out.push({ text: [`${op} ${rd.name}, ${rn.name}, ${rm.name}`], emit: (a) => a[op](rd, rn, rm) });
          for (const shift of ["lsl", "lsr", "asr"] as const) {
            for (const amount of [0, 1, 5, size - 1]) {
              out.push({ text: [`${op} ${rd.name}, ${rn.name}, ${rm.name}, ${shift} #${amount}`], emit: (a) => a[op](rd, rn, rm, shift, amount) });
            }
          }
        });
        const s = size === 64 ? sp : wsp;
        const rm = pick(rs, 3);
        const rd = op.endsWith("s") ? pick(rs, 4) : s;
        out.push({ text: [`${op} ${rd.name}, ${s.name}, ${rm.name}`], emit: (a) => a[op](rd, s, rm) });
        out.push({ text: [`${op} ${pick(rs, 5).name}, ${s.name}, ${rm.name}, lsl #3`], emit: (a) => a[op](pick(rs, 5), s, rm, "lsl", 3) });
        if (!op.endsWith("s")) out.push({ text: [`${op} ${s.name}, ${pick(rs, 6).name}, ${rm.name}`], emit: (a) => a[op](s, pick(rs, 6), rm) });
      }
      rs.forEach((r, i) => {
        const rm = pick(rs, i + 3);
        out.push({ text: [`cmp ${r.name}, ${rm.name}`], emit: (a) => a.cmp(r, rm) });
        out.push({ text: [`cmn ${r.name}, ${rm.name}, asr #2`], emit: (a) => a.cmn(r, rm, "asr", 2) });
        out.push({ text: [`neg ${r.name}, ${rm.name}`], emit: (a) => a.neg(r, rm) });
        out.push({ text: [`neg ${r.name}, ${rm.name}, lsl #4`], emit: (a) => a.neg(r, rm, "lsl", 4) });
      });
      const s = size === 64 ? sp : wsp;
      out.push({ text: [`cmp ${s.name}, ${pick(rs, 2).name}`], emit: (a) => a.cmp(s, pick(rs, 2)) });
    }
    return out;
  });

  check("and, orr, eor, ands, bic, bics, orn, eon, tst, mvn with a shifted register", () => {
    const out: Case[] = [];
    for (const size of SIZES) {
      const rs = regs(size, "zr");
      for (const op of ["and", "orr", "eor", "ands", "bic", "bics", "orn", "eon"] as const) {
        rs.forEach((rd, i) => {
          const rn = pick(rs, i + 1), rm = pick(rs, i + 5);
          out.push({ text: [`${op} ${rd.name}, ${rn.name}, ${rm.name}`], emit: (a) => a[op](rd, rn, rm) });
          for (const shift of ["lsl", "lsr", "asr", "ror"] as const) {
            const amount = pick([1, 7, size - 1, 13], i);
            out.push({ text: [`${op} ${rd.name}, ${rn.name}, ${rm.name}, ${shift} #${amount}`], emit: (a) => a[op](rd, rn, rm, shift, amount) });
          }
        });
      }
      rs.forEach((r, i) => {
        const rm = pick(rs, i + 2);
        out.push({ text: [`tst ${r.name}, ${rm.name}`], emit: (a) => a.tst(r, rm) });
        out.push({ text: [`tst ${r.name}, ${rm.name}, ror #3`], emit: (a) => a.tst(r, rm, "ror", 3) });
        out.push({ text: [`mvn ${r.name}, ${rm.name}`], emit: (a) => a.mvn(r, rm) });
        out.push({ text: [`mov ${r.name}, ${rm.name}`], emit: (a) => a.mov(r, rm) });
      });
      const s = size === 64 ? sp : wsp;
      out.push({ text: [`mov ${s.name}, ${pick(rs, 1).name}`], emit: (a) => a.mov(s, pick(rs, 1)) });
      out.push({ text: [`mov ${pick(rs, 2).name}, ${s.name}`], emit: (a) => a.mov(pick(rs, 2), s) });
    }
    return out;
  });

  check("every 64-bit logical immediate (all 5,334), spread over and, orr, eor, ands and tst", () => {
    const out: Case[] = [];
    const ops = ["and", "orr", "eor", "ands", "tst"] as const;
    const rds = { and: regs(64, "sp"), orr: regs(64, "sp"), eor: regs(64, "sp"), ands: regs(64, "zr"), tst: regs(64, "zr") };
    const rns = regs(64, "zr");
    allBitmasks(64).forEach((v, i) => {
      const op = pick(ops, i), rd = pick(rds[op], i), rn = pick(rns, i * 7);
      const imm = `#0x${v.toString(16)}`;
      if (op === "tst") out.push({ text: [`tst ${rn.name}, ${imm}`], emit: (a) => a.tst(rn, v) });
      else out.push({ text: [`${op} ${rd.name}, ${rn.name}, ${imm}`], emit: (a) => a[op](rd, rn, v) });
    });
    return out;
  });

  check("every 32-bit logical immediate (all 1,302), spread over and, orr, eor, ands", () => {
    const ops = ["and", "orr", "eor", "ands"] as const;
    return allBitmasks(32).map((v, i) => {
      const op = pick(ops, i), rd = pick(regs(32, op === "ands" ? "zr" : "sp"), i), rn = pick(regs(32, "zr"), i * 3);
      return { text: [`${op} ${rd.name}, ${rn.name}, #0x${v.toString(16)}`], emit: (a: Assembler) => a[op](rd, rn, Number(v)) };
    });
  });

  check("movz, movn, movk at every halfword", () => {
    const out: Case[] = [];
    for (const size of SIZES) {
      regs(size, "zr").forEach((rd, i) => {
        for (const op of ["movz", "movn", "movk"] as const) {
          for (let shift = 0; shift < size; shift += 16) {
            const imm = pick([0, 1, 0x1234, 0xffff, 0x8000, 42], i + shift);
            out.push({ text: [`${op} ${rd.name}, #${imm}, lsl #${shift}`], emit: (a) => a[op](rd, imm, shift) });
          }
        }
      });
    }
    return out;
  });

  check("mov with a constant: the one instruction GNU as picks, or the movz/movn + movk sequence", () => {
    const out: Case[] = [];
    const random = new Seeded(14);
    const values: bigint[] = [0n, 1n, 42n, 0xffffn, 0x10000n, 0xffff0000n, 0xffffffffn, 0x100000000n, 0xffff_ffff_ffff_ffffn, 0xffff_ffff_ffff_fffen,
      0xffff_ffff_0000_ffffn, 0x5555_5555_5555_5555n, 0x00ff_00ff_00ff_00ffn, 0x1234_5678n, 0xdead_beefn, 0x1234_5678_9abc_def0n,
      0xffff_1234_ffff_5678n, 0x0000_1234_0000_5678n, 0x8000_0000_0000_0000n, 0x7fff_ffff_ffff_ffffn];
    for (let i = 0; i < 200; i++) {
      // Random halfwords, biased toward 0 and 0xffff so that every kind of sequence shows up.
      const halves = Array.from({ length: 4 }, () => pick([0n, 0xffffn, BigInt(random.below(0x10000))], random.below(3)));
      values.push(halves.reduce((v, h, j) => v | (h << BigInt(16 * j)), 0n));
    }
    for (const [i, v] of values.entries()) {
      for (const size of SIZES) {
        const value = size === 64 ? v : v & 0xffffffffn;
        const rd = pick(regs(size, "zr"), i);
        out.push({ text: movText(rd, value, size), emit: (a) => a.movImmediate(rd, value) });
      }
    }
    return out;
  });

  check("madd, msub, mul, udiv, sdiv, and shifts by a register or an immediate", () => {
    const out: Case[] = [];
    for (const size of SIZES) {
      const rs = regs(size, "zr");
      rs.forEach((rd, i) => {
        const [rn, rm, ra] = [pick(rs, i + 1), pick(rs, i + 4), pick(rs, i + 7)];
        out.push({ text: [`madd ${rd.name}, ${rn.name}, ${rm.name}, ${ra.name}`], emit: (a) => a.madd(rd, rn, rm, ra) });
        out.push({ text: [`msub ${rd.name}, ${rn.name}, ${rm.name}, ${ra.name}`], emit: (a) => a.msub(rd, rn, rm, ra) });
        out.push({ text: [`mul ${rd.name}, ${rn.name}, ${rm.name}`], emit: (a) => a.mul(rd, rn, rm) });
        out.push({ text: [`udiv ${rd.name}, ${rn.name}, ${rm.name}`], emit: (a) => a.udiv(rd, rn, rm) });
        out.push({ text: [`sdiv ${rd.name}, ${rn.name}, ${rm.name}`], emit: (a) => a.sdiv(rd, rn, rm) });
        for (const op of ["lsl", "lsr", "asr"] as const) {
          out.push({ text: [`${op} ${rd.name}, ${rn.name}, ${rm.name}`], emit: (a) => a[op](rd, rn, rm) });
          for (const amount of [0, 1, 3, 16, size - 1]) {
            out.push({ text: [`${op} ${rd.name}, ${rn.name}, #${amount}`], emit: (a) => a[op](rd, rn, amount) });
          }
        }
        out.push({ text: [`ror ${rd.name}, ${rn.name}, ${rm.name}`], emit: (a) => a.ror(rd, rn, rm) });
      });
    }
    return out;
  });

  check("csel, csinc, csinv, csneg with every condition, and cset", () => {
    const out: Case[] = [];
    for (const size of SIZES) {
      const rs = regs(size, "zr");
      CONDITION_NAMES.forEach((cond, i) => {
        for (const op of ["csel", "csinc", "csinv", "csneg"] as const) {
          const [rd, rn, rm] = [pick(rs, i), pick(rs, i + 3), pick(rs, i + 6)];
          out.push({ text: [`${op} ${rd.name}, ${rn.name}, ${rm.name}, ${cond}`], emit: (a) => a[op](rd, rn, rm, cond) });
        }
        if (cond !== "al" && cond !== "nv") out.push({ text: [`cset ${pick(rs, i).name}, ${cond}`], emit: (a) => a.cset(pick(rs, i), cond) });
      });
    }
    return out;
  });

  check("loads and stores: scaled, unscaled, pre-index, post-index and register offsets", () => {
    const out: Case[] = [];
    const kinds = [
      ["ldr", 64, 3], ["str", 64, 3], ["ldr", 32, 2], ["str", 32, 2], ["ldrb", 32, 0], ["strb", 32, 0], ["ldrh", 32, 1], ["strh", 32, 1],
      ["ldrsb", 64, 0], ["ldrsb", 32, 0], ["ldrsh", 64, 1], ["ldrsh", 32, 1], ["ldrsw", 64, 2],
    ] as const;
    const unscaled = { ldr: "ldur", str: "stur", ldrb: "ldurb", strb: "sturb", ldrh: "ldurh", strh: "sturh", ldrsb: "ldursb", ldrsh: "ldursh", ldrsw: "ldursw" } as const;
    const bases = regs(64, "sp");
    kinds.forEach(([op, size, log2], k) => {
      const scale = 1 << log2;
      const rts = regs(size, "zr");
      rts.forEach((rt, i) => {
        const base = pick(bases, i + k);
        const other = pick(bases.filter((b) => b.id !== rt.id), i + k + 1);
        for (const n of [0, 1, 2, 100, 4095]) {
          const offset = n * scale;
          out.push({ text: [`${op} ${rt.name}, [${base.name}, #${offset}]`], emit: (a) => a[op](rt, mem(base, offset)) });
        }
        for (const offset of [-256, -1, 0, 3, 255]) {
          const u = unscaled[op];
          out.push({ text: [`${u} ${rt.name}, [${base.name}, #${offset}]`], emit: (a) => a[u](rt, mem(base, offset)) });
          out.push({ text: [`${op} ${rt.name}, [${other.name}, #${offset}]!`], emit: (a) => a[op](rt, pre(other, offset)) });
          out.push({ text: [`${op} ${rt.name}, [${other.name}], #${offset}`], emit: (a) => a[op](rt, post(other, offset)) });
        }
        const ix = pick(regs(64, "zr"), i + 2) as X, iw = pick(regs(32, "zr"), i + 3) as W;
        out.push({ text: [`${op} ${rt.name}, [${base.name}, ${ix.name}]`], emit: (a) => a[op](rt, mem(base, ix)) });
        out.push({ text: [`${op} ${rt.name}, [${base.name}, ${ix.name}, lsl #${log2}]`], emit: (a) => a[op](rt, indexed(base, ix, "lsl", log2)) });
        out.push({ text: [`${op} ${rt.name}, [${base.name}, ${iw.name}, uxtw]`], emit: (a) => a[op](rt, indexed(base, iw, "uxtw")) });
        out.push({ text: [`${op} ${rt.name}, [${base.name}, ${iw.name}, sxtw #${log2}]`], emit: (a) => a[op](rt, indexed(base, iw, "sxtw", log2)) });
        out.push({ text: [`${op} ${rt.name}, [${base.name}, ${ix.name}, sxtx]`], emit: (a) => a[op](rt, indexed(base, ix, "sxtx")) });
        if (log2 > 0) out.push({ text: [`${op} ${rt.name}, [${base.name}, ${iw.name}, uxtw #0]`], emit: (a) => a[op](rt, indexed(base, iw, "uxtw", 0)) });
      });
    });
    return out;
  });

  check("ldp and stp: offset, pre-index, post-index", () => {
    const out: Case[] = [];
    for (const size of SIZES) {
      const rs = regs(size, "zr");
      const scale = size / 8;
      for (const op of ["ldp", "stp"] as const) {
        rs.forEach((rt, i) => {
          const rt2 = pick(rs.filter((r) => r.id !== rt.id), i + 3);
          const base = pick(regs(64, "sp").filter((b) => b.id !== rt.id && b.id !== rt2.id), i);
          for (const n of [-64, -1, 0, 1, 2, 63]) {
            const o = n * scale;
            out.push({ text: [`${op} ${rt.name}, ${rt2.name}, [${base.name}, #${o}]`], emit: (a) => a[op](rt, rt2, mem(base, o)) });
            out.push({ text: [`${op} ${rt.name}, ${rt2.name}, [${base.name}, #${o}]!`], emit: (a) => a[op](rt, rt2, pre(base, o)) });
            out.push({ text: [`${op} ${rt.name}, ${rt2.name}, [${base.name}], #${o}`], emit: (a) => a[op](rt, rt2, post(base, o)) });
          }
        });
      }
    }
    return out;
  });

  check("branches to offsets: b, bl, b.cond, cbz, cbnz, tbz, tbnz, adr, to their reach's ends", () => {
    const out: Case[] = [];
    const rel = (d: number) => (d === 0 ? "." : d > 0 ? `.+${d}` : `.${d}`);
    const at = (d: number) => (a: Assembler) => a.offset + d;
    const far = { b: [-(2 ** 27), 2 ** 27 - 4], c: [-(2 ** 20), 2 ** 20 - 4], t: [-(2 ** 15), 2 ** 15 - 4], adr: [-(2 ** 20), 2 ** 20 - 1] };
    const near = [-8, -4, 0, 4, 8, 1024];
    for (const d of [...near, ...far.b]) {
      out.push({ text: [`b ${rel(d)}`], emit: (a) => a.b(at(d)(a)) });
      out.push({ text: [`bl ${rel(d)}`], emit: (a) => a.bl(at(d)(a)) });
    }
    CONDITION_NAMES.forEach((cond, i) => {
      const d = pick([...near, ...far.c], i);
      out.push({ text: [`b.${cond} ${rel(d)}`], emit: (a) => a.bcond(cond, at(d)(a)) });
    });
    for (const size of SIZES) {
      regs(size, "zr").forEach((rt, i) => {
        const d = pick([...near, ...far.c], i);
        out.push({ text: [`cbz ${rt.name}, ${rel(d)}`], emit: (a) => a.cbz(rt, at(d)(a)) });
        const e = pick([...near, ...far.c], i + 1);
        out.push({ text: [`cbnz ${rt.name}, ${rel(e)}`], emit: (a) => a.cbnz(rt, at(e)(a)) });
        for (const bit of [0, 5, size - 1]) {
          const t = pick([...near, ...far.t], i + bit);
          out.push({ text: [`tbz ${rt.name}, #${bit}, ${rel(t)}`], emit: (a) => a.tbz(rt, bit, at(t)(a)) });
          out.push({ text: [`tbnz ${rt.name}, #${bit}, ${rel(t)}`], emit: (a) => a.tbnz(rt, bit, at(t)(a)) });
        }
      });
    }
    regs(64, "zr").forEach((rd, i) => {
      for (const d of [pick([...near, ...far.adr], i), pick([1, 2, 3, -1, -3], i)]) out.push({ text: [`adr ${rd.name}, ${rel(d)}`], emit: (a) => a.adr(rd, at(d)(a)) });
    });
    for (const r of regs(64, "zr")) {
      out.push({ text: [`br ${r.name}`], emit: (a) => a.br(r) });
      out.push({ text: [`blr ${r.name}`], emit: (a) => a.blr(r) });
      out.push({ text: [`ret ${r.name}`], emit: (a) => a.ret(r) });
    }
    out.push({ text: ["ret"], emit: (a) => a.ret() });
    return out;
  });

  check("branches to labels, bound before and after", () => {
    // One program: labels backward and forward, every branch kind; the text and the calls agree.
    const text = ["top:", "nop", "b.ne top", "cbz x3, fwd", "tbnz w7, #3, fwd", "bl fwd", "adr x1, top", "b top", "fwd:", "cbnz x0, top", "tbz x2, #40, top", "b fwd", "adr x2, fwd"];
    return [{
      text,
      emit: (a) => {
        const top = a.newLabel("top"), fwd = a.newLabel("fwd");
        a.bind(top).nop().bcond("ne", top).cbz(x(3), fwd).tbnz(w(7), 3, fwd).bl(fwd).adr(x(1), top).b(top);
        a.bind(fwd).cbnz(x(0), top).tbz(x(2), 40, top).b(fwd).adr(x(2), fwd);
      },
    }];
  });

  check("nop, brk, svc, and the cache maintenance of chapter 2's sync_caches", () => {
    const out: Case[] = [
      { text: ["nop"], emit: (a) => a.nop() },
      { text: ["dsb ish"], emit: (a) => a.dsbIsh() },
      { text: ["isb"], emit: (a) => a.isb() },
    ];
    for (const imm of [0, 1, 0x3e8, 0xffff]) {
      out.push({ text: [`brk #${imm}`], emit: (a) => a.brk(imm) });
      out.push({ text: [`svc #${imm}`], emit: (a) => a.svc(imm) });
    }
    for (const r of regs(64, "zr")) {
      out.push({ text: [`dc cvau, ${r.name}`], emit: (a) => a.dcCvau(r) });
      out.push({ text: [`ic ivau, ${r.name}`], emit: (a) => a.icIvau(r) });
    }
    return out;
  });
});

// #region all-bitmasks
/**
 * Every logical immediate of a size, made the way the architecture defines them (not by the
 * encoder): for each element size e, each run length 1..e-1 and each rotation, the element repeated.
 */
export function allBitmasks(size: 32 | 64): bigint[] {
  const out: bigint[] = [];
  for (let e = 2; e <= size; e *= 2) {
    const m = (1n << BigInt(e)) - 1n;
    for (let ones = 1; ones < e; ones++) {
      const run = (1n << BigInt(ones)) - 1n;
      for (let r = 0; r < e; r++) {
        let v = ((run >> BigInt(r)) | (run << BigInt(e - r))) & m;
        for (let w = e; w < size; w *= 2) v |= v << BigInt(w);
        out.push(v);
      }
    }
  }
  return out;
}
// #endregion all-bitmasks

/** GNU as's text for loading `value`: `mov` when one instruction does, else movz/movn then movk, halfword by halfword. */
function movText(rd: Reg, value: bigint, size: 32 | 64): string[] {
  const halves = Array.from({ length: size / 16 }, (_, i) => (value >> BigInt(16 * i)) & 0xffffn);
  const single = `mov ${rd.name}, #0x${value.toString(16)}`;
  const zeros = halves.filter((h) => h === 0n).length, ones = halves.filter((h) => h === 0xffffn).length;
  if (zeros >= halves.length - 1 || ones >= halves.length - 1 || allBitmasks(size).includes(value)) return [single];
  const inverted = ones > zeros;
  const lines: string[] = [];
  halves.forEach((h, i) => {
    if (h === (inverted ? 0xffffn : 0n)) return;
    const first = lines.length === 0;
    const op = first ? (inverted ? "movn" : "movz") : "movk";
    const imm = first && inverted ? ~h & 0xffffn : h;
    lines.push(`${op} ${rd.name}, #0x${imm.toString(16)}, lsl #${16 * i}`);
  });
  return lines;
}
