// Hostile programs, every tier: run one program under limits, or (without a program) the tour,
// which hands each tier a program that never ends, one nested DEEP loops deep, one of DEMO_HUGE_BYTES,
// and shows how each was stopped or run, what memory looks like after thousands of compiles, and
// the mappings of the process while JIT code runs.
//   bun chapters/12-hostile-programs/main.ts [--demo fuel|timeout|deep|huge|memory|maps]
//   bun chapters/12-hostile-programs/main.ts prog.b [--tier T] [--max-steps N] [--timeout MS]
import { readFileSync } from "node:fs";
import { runMain } from "../../shared/main.ts";
import { BrainfuckError } from "../06-interpreter/errors.ts";
import { parse } from "../06-interpreter/parser.ts";
import { formatPos } from "../06-interpreter/source.ts";
import { diagnostic, readSource } from "../08-lir/cli.ts";
import { churn } from "./churn.ts";
import { USAGE, parseGuardArgs, type GuardInvocation } from "./cli.ts";
import { GUARD_TIERS, runGuarded } from "./guard.ts";
import { DEEP, DEMO_HUGE_BYTES, DEMO_MAX_STEPS, DEMO_TIMEOUT_MS, RUNAWAY, huge, nested } from "./programs.ts";
import { mapsWhileRunning } from "./w-xor-x.ts";

const pad = (s: string, n: number) => s.padEnd(n);
const ms = (t: number) => `${t.toFixed(0)} ms`;

// #region demo-limits
/** The runaway program through every tier, stopped by fuel, then by the clock. */
async function limits(demo: "fuel" | "timeout"): Promise<void> {
  const program = parse(RUNAWAY);
  const maxSteps = DEMO_MAX_STEPS;
  const timeoutMs = DEMO_TIMEOUT_MS;
  console.log(demo === "fuel" ? `${RUNAWAY} never ends. With --max-steps ${maxSteps}:` : `${RUNAWAY} again, with --timeout ${timeoutMs}:`);
  for (const tier of GUARD_TIERS) {
    try {
      const { result, ms: took } = await runGuarded(program, tier, demo === "fuel" ? { maxSteps } : {}, demo === "timeout" ? timeoutMs : undefined);
      const e = result.error;
      const unit = tier === "interp" ? "commands" : "loop tests";
      const where = e?.pos ? `at ${formatPos(e.pos)}` : "";
      console.log(`  ${pad(tier, 9)} ${pad(e?.name ?? "ran to the end", 15)} ${pad(where, 8)} ${demo === "fuel" ? `after ${maxSteps} ${unit}` : `after ${ms(took)}`}`);
    } catch (e) {
      if (!(e instanceof Error) || e.name !== "TimeLimitError") throw e;
      console.log(`  ${pad(tier, 9)} ${pad(e.name, 15)} ${pad("", 8)} its worker terminated at the limit`);
    }
  }
}
// #endregion demo-limits

// #region demo-shapes
/** A program nested DEEP loops deep, or DEMO_HUGE_BYTES long, through every tier. */
async function shapes(demo: "deep" | "huge"): Promise<void> {
  const source = demo === "deep" ? nested(DEEP) : huge(DEMO_HUGE_BYTES);
  const program = parse(source);
  console.log(demo === "deep" ? `${DEEP.toLocaleString("en-US")} loops, each inside the last (${source.length} bytes):` : `A program of ${source.length} bytes:`);
  for (const tier of GUARD_TIERS) {
    const { result, ranAs, ms: took } = await runGuarded(program, tier, {});
    const how = ranAs === tier ? "" : `refused by the LIR, run by ${ranAs}`;
    console.log(`  ${pad(tier, 9)} ${pad(result.error?.name ?? "ok", 8)} ${pad(`${result.output.length} bytes out`, 16)} ${pad(ms(took), 9)} ${how}`);
  }
}
// #endregion demo-shapes

async function memory(): Promise<void> {
  const r = churn("template", 2_000, 200);
  console.log(`Compiling and running ${r.programs} programs (${r.tier}), one after the other, in one process:`);
  console.log(`  before: ${r.before.mappings} mappings, ${(r.before.rssKb / 1024).toFixed(0)} MiB resident`);
  console.log(`  after:  ${r.after.mappings} mappings, ${(r.after.rssKb / 1024).toFixed(0)} MiB resident  (${(r.ms / r.programs).toFixed(2)} ms a program)`);
}

async function maps(): Promise<void> {
  const r = await mapsWhileRunning("opt");
  console.log(`The mappings of this process, read by a worker thread while the opt tier's code ran${r.whileRunning ? "" : " (it had stopped: the reading came too late)"}:`);
  console.log(`  the code:                         ${r.newCode.join(", ")}`);
  console.log(`  ours, writable and executable:    ${r.ours.length === 0 ? "none" : r.ours.join(", ")}`);
  console.log(`  the host's, writable and executable: ${r.host.length === 0 ? "none" : r.host.join(", ")}`);
  console.log(`  the run was stopped by: ${r.stoppedBy}`);
}

// #region run-one
/** One program, with one tier, under the limits of the command line. True when it ran clean. */
async function runOne(inv: GuardInvocation): Promise<boolean> {
  const name = inv.file ?? "-e";
  const source = inv.code ?? readSource(name, USAGE);
  const program = parse(source);
  const input = program.commands.includes(",") ? new Uint8Array(readFileSync(0)) : new Uint8Array(0);
  const opts = { input, tapeSize: inv.tapeSize, eof: inv.eof, ...(inv.maxSteps === undefined ? {} : { maxSteps: inv.maxSteps }) };
  const { result } = await runGuarded(program, inv.tier, opts, inv.timeoutMs, 1); // the output streams to stdout
  if (result.error) console.error(diagnostic(name, result.error));
  return result.error === null;
}
// #endregion run-one

await runMain(async () => {
  const inv = parseGuardArgs(process.argv.slice(2));
  if (inv === null) return; // --help
  if (inv.file === null) {
    for (const [i, d] of inv.demos.entries()) {
      if (i > 0) console.log();
      if (d === "fuel" || d === "timeout") await limits(d);
      else if (d === "deep" || d === "huge") await shapes(d);
      else if (d === "memory") await memory();
      else await maps();
    }
    return;
  }
  try {
    if (!(await runOne(inv))) process.exitCode = 1;
  } catch (e) {
    if (!(e instanceof BrainfuckError)) throw e;
    console.error(diagnostic(inv.file, e)); // a syntax error: nothing ran
    process.exitCode = 1;
  }
});
