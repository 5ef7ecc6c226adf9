// LIR -> C, as a yardstick. The benchmark compiles the same optimized LIR with `gcc -O2`, so the
// table can show how far the JIT's machine code is from what a real optimizing compiler makes of
// the same program: the same ops, the same bounds checks, the same memchr scans. Pure: it only
// writes text; shared/bf-bench.ts runs gcc.
import type { Lir, LoopOp, Op, Range } from "../08-lir/lir.ts";
import { verify } from "../08-lir/verify.ts";
import { type GuardOp, type ScanOp } from "./ops.ts";

// #region prelude
const PRELUDE = `#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static unsigned char *tape, *end;
static unsigned char obuf[1 << 16];
static size_t olen;
static int eof_value; /* what ',' stores at end of input: 0..255, or -1 to leave the cell */

static void flush(void) {
  size_t done = 0;
  while (done < olen) {
    ssize_t n = write(1, obuf + done, olen - done);
    if (n <= 0) { perror("write"); exit(3); }
    done += (size_t)n;
  }
  olen = 0;
}

static inline void out(unsigned char c) {
  obuf[olen++] = c;
  if (olen == sizeof obuf) flush();
}

static void in(unsigned char *cell) {
  unsigned char b;
  if (olen) flush(); /* a prompt shows before the program waits */
  ssize_t n = read(0, &b, 1);
  if (n == 1) *cell = b;
  else if (n == 0) { if (eof_value >= 0) *cell = (unsigned char)eof_value; }
  else { perror("read"); exit(3); }
}

/* Cells lo..hi from p (lo <= 0 <= hi) all on the tape? */
#define ON_TAPE(p, lo, hi) ((size_t)((p) - tape) >= (size_t)-(lo) && (size_t)(end - (p)) > (size_t)(hi))
`;
// #endregion prelude

const MAIN = `
int main(int argc, char **argv) {
  size_t size = argc > 1 ? strtoul(argv[1], 0, 10) : 30000;
  eof_value = argc > 2 ? atoi(argv[2]) : -1;
  tape = calloc(size, 1);
  end = tape + size;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int site = run(tape);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  flush();
  fprintf(stderr, "{\\"runMs\\":%.3f}\\n", (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
  if (site >= 0) { fprintf(stderr, "off the tape at check site %d\\n", site); return 1; }
  return 0;
}
`;

/**
 * The C program of `lir`: `./prog [tapeSize] [eof]` runs it (eof: -1 leaves the cell unchanged),
 * writes its output to stdout, and its run time in milliseconds, as JSON, to stderr. A bounds check
 * that fails exits with status 1 and the check's site number.
 */
export function lirToC(lir: Lir): string {
  verify(lir);
  const w = new CWriter();
  w.ops(lir.ops, "  ");
  return `${PRELUDE}\nstatic int run(unsigned char *p) {\n${w.lines.join("\n")}\n  return -1;\n}\n${MAIN}`;
}

class CWriter {
  readonly lines: string[] = [];
  private sites = 0;

  ops(ops: readonly Op[], indent: string): void {
    for (const op of ops) this.op(op, indent);
  }

  // #region c-ops
  private op(op: Op, i: string): void {
    const line = (s: string): void => void this.lines.push(i + s);
    switch (op.kind) {
      case "add":
        return line(`p[${op.off}] += ${op.k};`);
      case "set":
        return line(`p[${op.off}] = ${op.value};`);
      case "muladd":
        return line(`p[${op.dst}] += p[${op.src}] * ${op.k};`);
      case "in":
        return line(`in(&p[${op.off}]);`);
      case "out":
        return line(`out(p[${op.off}]);`);
      case "move":
        line(`if (!ON_TAPE(p, ${Math.min(0, op.delta)}, ${Math.max(0, op.delta)})) return ${this.sites++};`);
        return line(`p += ${op.delta};`);
      case "check": {
        const offs = op.reach.map((r) => r.off);
        return line(`if (!ON_TAPE(p, ${Math.min(0, ...offs)}, ${Math.max(0, ...offs)})) return ${this.sites++};`);
      }
      case "loop":
        return this.loop(op, i);
      case "scan":
        return this.scan(op, i);
      case "guard":
        return this.guard(op, i);
    }
  }
  // #endregion c-ops

  private loop(op: LoopOp, i: string): void {
    this.lines.push(`${i}while (p[${op.off}]) {`);
    this.ops(op.body, i + "  ");
    this.lines.push(`${i}}`);
  }

  private scan(op: ScanOp, i: string): void {
    const site = this.sites++;
    if (op.stride === 1) {
      this.lines.push(`${i}if (*p) { unsigned char *z = memchr(p, 0, (size_t)(end - p)); if (!z) { p = end - 1; return ${site}; } p = z; }`);
    } else if (op.stride === -1) {
      this.lines.push(`${i}if (*p) { unsigned char *z = memrchr(tape, 0, (size_t)(p - tape) + 1); if (!z) { p = tape; return ${site}; } p = z; }`);
    } else {
      const range: Range = { lo: Math.min(0, op.stride), hi: Math.max(0, op.stride) };
      this.lines.push(`${i}while (*p) { if (!ON_TAPE(p, ${range.lo}, ${range.hi})) return ${site}; p += ${op.stride}; }`);
    }
  }

  private guard(op: GuardOp, i: string): void {
    this.lines.push(`${i}if (__builtin_expect(ON_TAPE(p, ${Math.min(0, op.cells.lo)}, ${Math.max(0, op.cells.hi)}), 1)) {`);
    this.ops(op.then, i + "  ");
    this.lines.push(`${i}} else {`);
    this.ops(op.otherwise, i + "  ");
    this.lines.push(`${i}}`);
  }
}
