// Child side of runBatch(): read the cases (JSON) from stdin, compile and run each with the named
// tier, print the outcomes after a marker. Before each case it says which one on stderr, so that a
// crash can be pinned on the case that caused it.
//   bun tests/support/bf-native-child.ts template < cases.json
//   bun tests/support/bf-native-child.ts chapters/15-second-backend/a64-jit.ts#a64Jit < cases.json
import { writeSync } from "node:fs";
import { resolve } from "node:path";
import { BrainfuckError } from "../../chapters/06-interpreter/errors.ts";
import { parse, type Program } from "../../chapters/06-interpreter/parser.ts";
import type { NativeTier } from "../../chapters/07-template-jit/tier.ts";
import { ROOT } from "../../shared/child.ts";
import { CASE_MARKER, nativeTiers, RESULT_MARKER, packTape, wireIO, wireOptions, type WireCase, type WireOutcome } from "./bf-native.ts";

const name = process.argv[2] ?? "";
const tiers = nativeTiers();
// A registered tier by name, or any NativeTier as module#export (the arm64 tier, which no x86 suite runs).
const [module, exported] = name.split("#");
const ref = exported !== undefined && module !== undefined ? { module, export: exported } : tiers[name];
if (ref === undefined) {
  console.error(`unknown tier '${name}': the tiers are ${Object.keys(tiers).join(", ")} (the tier registry: shared/tiers.ts)`);
  process.exit(2);
}
const tier = ((await import(resolve(ROOT, ref.module))) as Record<string, unknown>)[ref.export] as NativeTier;
const cases = JSON.parse(await Bun.stdin.text()) as WireCase[];

const outcomes: WireOutcome[] = cases.map((c, i) => {
  breadcrumb(`${CASE_MARKER}${i}\n`);
  return runOne(c);
});

/** Which case we are on, for the parent if we crash. stderr is a pipe: a slow parent can fill it. */
function breadcrumb(line: string): void {
  for (;;) {
    try {
      writeSync(2, line);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Bun.sleepSync(1);
    }
  }
}
process.stdout.write(RESULT_MARKER + JSON.stringify(outcomes));

function runOne(c: WireCase): WireOutcome {
  const none = { name: c.name, output: "", tape: null, pointer: 0, thrown: null, codeSize: 0, compileMs: 0, runMs: 0, writes: 0, reads: 0 };
  try {
    let program: Program;
    try {
      program = parse(c.source);
    } catch (e) {
      if (e instanceof BrainfuckError) return { ...none, error: wireError(e) };
      throw e;
    }
    const started = performance.now();
    using compiled = tier.compile(program);
    const compileMs = performance.now() - started;
    const { result, stats } = compiled.runWithStats(wireOptions(c), wireIO(c));
    return {
      name: c.name,
      output: Buffer.from(result.output).toString("base64"),
      tape: packTape(result.tape),
      pointer: result.pointer,
      error: result.error === null ? null : wireError(result.error),
      thrown: null,
      codeSize: compiled.codeSize,
      compileMs,
      runMs: stats.runMs,
      writes: stats.writes,
      reads: stats.reads,
    };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { ...none, error: null, thrown: { name: err.name, message: err.message } };
  }
}

function wireError(e: BrainfuckError): WireOutcome["error"] {
  return { name: e.name, detail: e.detail, pos: e.pos };
}
