// Every chapter's main.ts runs inside runMain: a reader who runs a native chapter under Node, or on a
// machine that cannot run x86-64 code, gets one sentence, not a stack trace; a command line that
// does not make sense (a UsageError) exits 2, any other error 1.
import { UsageError } from "./cli.ts";

const ONE_LINE_ERRORS = new Set(["NeedsBunError", "UnsupportedHostError"]);

export async function runMain(main: () => void | Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (e instanceof Error) {
      console.error(ONE_LINE_ERRORS.has(e.name) ? e.message : `${e.name}: ${e.message}`);
      if (!ONE_LINE_ERRORS.has(e.name) && process.env.JIT_DEBUG === "1") console.error(e.stack);
      process.exit(e instanceof UsageError ? 2 : 1);
    }
    throw e;
  }
}
