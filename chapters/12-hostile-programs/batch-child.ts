// Child side of runCases(): compile and run each case (JSON on stdin) with the tier named on the
// command line (a module and an export), and print the results after a marker. Before each case it
// names it on stderr, so that a crash can be pinned on the program that caused it.
//   bun chapters/12-hostile-programs/batch-child.ts chapters/08-lir/lir-jit.ts lirJit < cases.json
import { writeSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "../../shared/child.ts";
import { parse } from "../06-interpreter/parser.ts";
import type { NativeTier } from "../07-template-jit/tier.ts";
import { CASE_MARKER, RESULTS_MARKER, optionsOf, packResult, type Outcome, type WireCase } from "./batch.ts";

/** Load the tier, run every case of the JSON on stdin, print the outcomes. */
export async function batchChild(modulePath: string, exportName: string): Promise<void> {
  const tier = ((await import(resolve(ROOT, modulePath))) as Record<string, unknown>)[exportName] as NativeTier | undefined;
  if (tier === undefined || typeof tier.compile !== "function") {
    console.error(`${modulePath} exports no NativeTier named ${exportName}`);
    process.exit(2);
  }
  const cases = JSON.parse(await Bun.stdin.text()) as WireCase[];
  const outcomes: Outcome[] = cases.map((c, i) => {
    writeSync(2, `${CASE_MARKER}${i}\n`);
    try {
      using compiled = tier.compile(parse(c.source));
      return { result: packResult(compiled.run(optionsOf(c))), thrown: null };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      return { result: null, thrown: { name: err.name, message: err.message } };
    }
  });
  process.stdout.write(RESULTS_MARKER + JSON.stringify(outcomes));
}

if (import.meta.main) await batchChild(process.argv[2] ?? "", process.argv[3] ?? "");
