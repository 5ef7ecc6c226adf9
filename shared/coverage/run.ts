// npm run coverage [-- --check] [bun test args]: the whole test suite under istanbul, then nyc's table.
// --check fails the run when chapters/ is under the line threshold (CI runs it this way via npm test).
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { closingLine, outcomes, parseCounts } from "../test-report.ts";

const LINE_THRESHOLD = 90;
const root = resolve(import.meta.dir, "../..");
const args = process.argv.slice(2);
const check = args.includes("--check");
// setDefaultTimeout in a preload reaches only the first test file (Bun 1.4.5), so pass it here.
const testArgs = ["--timeout=60000", ...args.filter((a) => a !== "--check")];
const nyc = resolve(root, "node_modules/.bin/nyc");

rmSync(resolve(root, ".nyc_output"), { recursive: true, force: true });
rmSync(resolve(root, "coverage"), { recursive: true, force: true });
mkdirSync(resolve(root, ".nyc_output"), { recursive: true });

const tests = Bun.spawn([process.execPath, "test", ...testArgs], {
  cwd: root,
  env: { ...process.env, NYC_BUN: "1" },
  stdio: ["inherit", "inherit", "pipe"],
});
// bun test writes its results to stderr: pass them through and keep a copy for the counts.
let stderr = "";
const decoder = new TextDecoder();
for await (const chunk of tests.stderr) {
  process.stderr.write(chunk);
  stderr += decoder.decode(chunk, { stream: true });
}
const testsCode = await tests.exited;

const report = Bun.spawnSync([nyc, "report"], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
let code = testsCode || report.exitCode;
if (check) {
  const gate = Bun.spawnSync([nyc, "check-coverage", `--lines=${LINE_THRESHOLD}`], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (gate.exitCode !== 0) {
    console.error(`coverage: chapters/ is under ${LINE_THRESHOLD}% of lines (see the table above).`);
    code ||= gate.exitCode;
  } else {
    console.log(`coverage: chapters/ meets the ${LINE_THRESHOLD}% line threshold.`);
  }
}
console.log(closingLine(parseCounts(stderr)));
// The failures again, last, where a log's tail shows them (the coverage table comes after bun's own
// list): the first few, so that the closing line stays in the tail too.
const failed = outcomes(stderr).failed;
for (const name of failed.slice(0, 20)) console.log(`failed: ${name}`);
if (failed.length > 20) console.log(`failed: and ${failed.length - 20} more (bun's list above has them all)`);
process.exit(code);
