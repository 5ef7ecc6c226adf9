// Child side of the conformance tests: run one named case with the reference interpreter and print
// {"name", "problem", "seconds", "steps"} as JSON. One child per program lets them run in parallel.
//   bun tests/support/bf-interpret-case.ts bench "factor small"
//   bun tests/support/bf-interpret-case.ts project hello
import { interpretWithStats } from "../../chapters/06-interpreter/interpreter.ts";
import { benchPrograms, checkCase, projectPrograms, runCase } from "./bf-programs.ts";

const [set, name] = process.argv.slice(2);
const c = (set === "project" ? projectPrograms() : benchPrograms().programs).find((p) => p.name === name);
if (!c) {
  console.error(`there is no Brainfuck case named '${name}' in the ${set} set: see tests/support/bf-programs.ts`);
  process.exit(2);
}
let steps = 0;
const started = performance.now();
const outcome = runCase(c, (program, options) => {
  const run = interpretWithStats(program, options);
  steps = run.steps;
  return run.result;
});
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ name, problem: checkCase(c, outcome), seconds, steps }));
