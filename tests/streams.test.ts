// Output streams, in every tier's command line: `+[.]` prints forever, and its reader closes the pipe
// after 10 bytes. Each tier must notice the closed pipe at its next write and stop, within seconds,
// with the book's error on stderr and exit status 1: not hold the output in memory until it runs out
// (a RangeError), and not go on printing to nobody.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { interpret } from "../chapters/06-interpreter/interpreter.ts";
import { OUTPUT_BLOCK_SIZE, OutputBuffer } from "../chapters/06-interpreter/output-buffer.ts";
import { parse } from "../chapters/06-interpreter/parser.ts";
import { BUN, runChild } from "../shared/child.ts";

setDefaultTimeout(60_000);

/** Seconds a tier gets before the child is killed: a cold start on a busy machine takes a few. */
const LIMIT_S = 20;

let dir = "";
let forever = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "streams-"));
  forever = join(dir, "forever.b");
  writeFileSync(forever, "+[.]");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * `bun main [args]` piped into `head -c 10`; the tier's exit status goes to stderr as "exit N".
 * `timeout` kills a tier that never stops, so a failing test leaves no process behind.
 */
async function pipedToHead(main: string, args: readonly string[]) {
  const script = `{ timeout -s KILL ${LIMIT_S} "$@"; echo "exit $?" >&2; } | head -c 10`;
  const r = await runChild(["sh", "-c", script, "sh", BUN, main, forever, ...args], { timeoutMs: (LIMIT_S + 10) * 1000 });
  return { ...r, stderr: r.stderr.replace(/^jit-trace .*\n/gm, "") };
}

const CASES: readonly (readonly [string, string, readonly string[]])[] = [
  ["chapter 6's interpreter", "chapters/06-interpreter/main.ts", []],
  ["chapter 7's template JIT", "chapters/07-template-jit/main.ts", []],
  ["chapter 8's LIR interpreter", "chapters/08-lir/main.ts", []],
  ["chapter 9, --tier interp", "chapters/09-optimizer/main.ts", ["--tier", "interp"]],
  ["chapter 10, --tier interp", "chapters/10-faster-code/main.ts", ["--tier", "interp"]],
  ["chapter 11, --tier js", "chapters/11-tiering/main.ts", ["--tier", "js"]],
  ["chapter 11, --tier tiered-js", "chapters/11-tiering/main.ts", ["--tier", "tiered-js"]],
  ["chapter 11, --tier tiered", "chapters/11-tiering/main.ts", ["--tier", "tiered"]],
  ["chapter 11, --tier interpreter (the tiered JIT's own writes)", "chapters/11-tiering/main.ts", ["--tier", "interpreter"]],
  ["chapter 12, --tier tiered", "chapters/12-hostile-programs/main.ts", ["--tier", "tiered"]],
  ["chapter 12, --tier interp --timeout", "chapters/12-hostile-programs/main.ts", ["--tier", "interp", "--timeout", "60000"]],
  ["chapter 13's WebAssembly tier", "chapters/13-wasm-backend/main.ts", []],
];

describe("a closed pipe stops every tier", () => {
  for (const [name, main, args] of CASES) {
    test(`${name}: +[.] | head -c 10 ends with the write error, exit 1`, async () => {
      const r = await pipedToHead(main, args);
      expect(r.stdout).toBe("\x01".repeat(10));
      expect(r.stderr).not.toContain("RangeError");
      expect(r.stderr).toMatch(/^(OutputWriteError|NativeIOError): writing the output to file descriptor 1 .*failed: EPIPE/m);
      expect(r.stderr).not.toMatch(/^\s+at /m); // one line, no stack trace
      expect(r.stderr).toMatch(/^exit 1$/m);
      expect(r.durationMs).toBeLessThan(LIMIT_S * 1000);
    });
  }
});

describe("chapter 6's streaming output", () => {
  test("with a sink, the same bytes arrive a full block at a time, the rest at the end; the result keeps none", () => {
    // About 250,000 bytes (a `.` and a `]` a byte): three full blocks and a part, then the step limit.
    const program = parse("+[.]");
    const opts = { maxSteps: 500_000 };
    const kept = interpret(program, opts);
    const blocks: Uint8Array[] = [];
    const streamed = interpret(program, opts, { write: (bytes) => void blocks.push(bytes.slice()) });
    expect(streamed.output.length).toBe(0);
    expect(streamed.error?.message).toBe(kept.error?.message);
    expect(Buffer.concat(blocks)).toEqual(Buffer.from(kept.output));
    expect(blocks.slice(0, -1).every((b) => b.length === OUTPUT_BLOCK_SIZE)).toBe(true);
    expect(blocks.length).toBeGreaterThan(2);
  });

  test("without a sink, the buffer keeps everything; flush() is then a no-op", () => {
    const buffer = new OutputBuffer();
    for (let i = 0; i < 1000; i++) buffer.push(i & 0xff);
    buffer.flush();
    expect(buffer.bytes().length).toBe(1000);
  });
});
