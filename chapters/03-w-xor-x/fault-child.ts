// Commit one of the faults of faults.ts, in this process: `bun chapters/03-w-xor-x/fault-child.ts ud2`.
// Run it through the harness (runBun), which survives the crash and explains it.
import { runMain } from "../../shared/main.ts";
import { fault } from "./faults.ts";

await runMain(() => {
  const chosen = fault(process.argv[2] ?? "");
  const result = chosen.run();
  console.log(`${chosen.mode}: returned ${String(result)}`);
});
