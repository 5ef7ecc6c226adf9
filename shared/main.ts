// Every chapter's main.ts runs inside runMain: a reader who runs a native chapter under Node, or on a
// machine that cannot run x86-64 code, gets one sentence, not a stack trace.

const ONE_LINE_ERRORS = new Set(["NeedsBunError", "UnsupportedHostError"]);

export async function runMain(main: () => void | Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (e instanceof Error) {
      console.error(ONE_LINE_ERRORS.has(e.name) ? e.message : `${e.name}: ${e.message}`);
      if (!ONE_LINE_ERRORS.has(e.name) && process.env.JIT_DEBUG === "1") console.error(e.stack);
      process.exit(1);
    }
    throw e;
  }
}

/** The value of `--name=value` or `--name value` in argv, or undefined. */
export function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

export function hasFlag(argv: readonly string[], name: string): boolean {
  return argv.includes(`--${name}`);
}
