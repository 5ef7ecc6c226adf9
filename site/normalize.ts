// Live results are real output, but two things in it change on every run for no reason a reader
// cares about: where the kernel put a mapping (ASLR) and how long something took to the microsecond.
// The site keeps both readable and stable: addresses are rebased, preserving every distance that
// means something, and timings are rounded to two significant digits.

/** Addresses further apart than this are unrelated mappings; closer ones keep their distance. */
const CLUSTER_SPAN = 0x1000_0000;
/** Where the first normalized mapping lands: 0x7f0100000000, then 0x7f0200000000, ... */
const SYNTHETIC_BASE = 0x7f00_0000_0000;
const SYNTHETIC_STEP = 0x1_0000_0000;

// 0x-prefixed hex with at least 9 digits, or bare 12-16 digit hex as in /proc/self/maps, or a
// decimal number in the user-space range bun:ffi hands out as a pointer.
const HEX_PREFIXED = /\b0[xX]([0-9a-fA-F]{9,16})\b/g;
const HEX_BARE = /(?<![\w.])([0-9a-f]{12}|0000[0-9a-f]{12})(?=[-\s:]|$)/g;
const DECIMAL_POINTER = /(?<![\w.])(9[0-9]{13}|1[0-4][0-9]{13})(?![\w.])/g;
// A /proc/self/maps range of shorter addresses, as qemu-user's guests (the AArch64 results) have them.
const SHORT_MAP_RANGE = /(?<![\w.])([0-9a-f]{10,11})-([0-9a-f]{10,11})(?= )/g;

interface Found {
  readonly start: number;
  readonly end: number;
  readonly value: bigint;
  readonly format: (v: bigint) => string;
}

/** Every address-looking number in `text`, with how to print a replacement in the same style. */
function findAddresses(text: string): Found[] {
  const found: Found[] = [];
  for (const m of text.matchAll(HEX_PREFIXED)) {
    const digits = m[1]!;
    const upper = digits === digits.toUpperCase() && /[A-F]/.test(digits);
    const prefix = m[0].slice(0, 2);
    found.push({
      start: m.index,
      end: m.index + m[0].length,
      value: BigInt("0x" + digits),
      format: (v) => prefix + pad(v.toString(16), digits.length, upper),
    });
  }
  for (const m of text.matchAll(HEX_BARE)) {
    const digits = m[1]!;
    if (!/[a-f]/.test(digits) && !digits.startsWith("7")) continue; // a plain decimal, not an address
    found.push({ start: m.index, end: m.index + digits.length, value: BigInt("0x" + digits), format: (v) => pad(v.toString(16), digits.length, false) });
  }
  for (const m of text.matchAll(SHORT_MAP_RANGE)) {
    const [, start, end] = m as unknown as [string, string, string];
    for (const [digits, at] of [[start, m.index], [end, m.index + start.length + 1]] as const) {
      found.push({ start: at, end: at + digits.length, value: BigInt("0x" + digits), format: (v) => v.toString(16) });
    }
  }
  for (const m of text.matchAll(DECIMAL_POINTER)) {
    found.push({ start: m.index, end: m.index + m[0].length, value: BigInt(m[0]), format: (v) => v.toString() });
  }
  // Only user-space addresses high enough to be mappings: small numbers are offsets and sizes.
  return found.filter((f) => f.value >= 0x10_0000_0000n && f.value < 0x8000_0000_0000n).sort((a, b) => a.start - b.start);
}

function pad(hex: string, width: number, upper: boolean): string {
  const s = hex.padStart(width, "0");
  return upper ? s.toUpperCase() : s;
}

/**
 * Rebase the addresses in `text`. Addresses within 256 MiB of each other form a cluster and keep
 * their exact distances; clusters are renumbered in order of first appearance, so the same output
 * always normalizes to the same text. Page offsets (the low 12 bits) are preserved.
 */
export function normalizeAddresses(text: string): string {
  const found = findAddresses(text);
  if (found.length === 0) return text;
  const distinct = [...new Set(found.map((f) => f.value))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const clusterOf = new Map<bigint, { base: bigint; id: number }>();
  let base = distinct[0]!;
  let previous = base;
  const clusters: { base: bigint; members: bigint[] }[] = [{ base, members: [] }];
  for (const v of distinct) {
    if (v - previous > BigInt(CLUSTER_SPAN)) {
      base = v;
      clusters.push({ base, members: [] });
    }
    clusters[clusters.length - 1]!.members.push(v);
    previous = v;
  }
  // Number clusters by where they first appear in the text, not by address.
  const order = new Map<bigint, number>();
  for (const f of found) {
    const c = clusters.find((c) => c.members.includes(f.value))!;
    if (!order.has(c.base)) order.set(c.base, order.size);
    clusterOf.set(f.value, { base: c.base & ~0xfffn, id: order.get(c.base)! });
  }
  let out = "";
  let at = 0;
  for (const f of found) {
    if (f.start < at) continue; // overlapping matches: the first one wins
    const { base, id } = clusterOf.get(f.value)!;
    const synthetic = BigInt(SYNTHETIC_BASE + (id + 1) * SYNTHETIC_STEP) + (f.value - base);
    out += text.slice(at, f.start) + f.format(synthetic);
    at = f.end;
  }
  return out + text.slice(at);
}

const TIMING = /(?<![\w.])(\d+(?:\.\d+)?)(\s?)(ns|µs|us|ms|s|sec|seconds)\b/g;

/** Round durations ("12.3456 ms") to two significant digits ("12 ms"), keeping the unit. */
export function normalizeTimings(text: string): string {
  return text.replace(TIMING, (_all, value: string, space: string, unit: string) => `${twoSignificant(Number(value))}${space}${unit}`);
}

function twoSignificant(v: number): string {
  if (v === 0 || v >= 100) return String(Math.round(v));
  return String(Number(v.toPrecision(2)));
}

/** Everything a live result goes through before it is cached and shown. */
export function normalizeOutput(text: string): string {
  return normalizeTimings(normalizeAddresses(text));
}
