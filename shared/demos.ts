// npm run demos: every written chapter's demo, in order, as a reader would run them one by one.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { CHAPTERS } from "./chapters.ts";
import { ROOT, runChild } from "./child.ts";
import { parseCommand } from "./cli.ts";
import { runMain } from "./main.ts";

export async function runDemos(): Promise<number> {
  let failures = 0;
  for (const c of CHAPTERS) {
    const main = resolve(ROOT, "chapters", c.slug, "main.ts");
    if (!existsSync(main)) continue;
    const argv = [process.execPath, `chapters/${c.slug}/main.ts`, ...c.demoArgs];
    console.log(`\n━━ Chapter ${c.n}: ${c.title} ━━  $ bun ${argv.slice(1).join(" ")}\n`);
    const r = await runChild(argv, { timeoutMs: 120_000, env: { JIT_TRACE: "0" } });
    process.stdout.write(r.stdout);
    process.stderr.write(r.stderr);
    if (r.exitCode !== 0) {
      failures++;
      console.log(`\n✗ chapter ${c.n}'s demo failed${r.diagnosis ? `: ${r.diagnosis}` : ` (exit ${r.exitCode})`}`);
    }
  }
  return failures;
}

const DEMOS_USAGE = `npm run demos

Every chapter's demo (bun chapters/NN-name/main.ts), in order, as a reader would run them one by one.

  -h, --help    this text`;

if (import.meta.main) {
  await runMain(async () => {
    if (parseCommand(process.argv.slice(2), DEMOS_USAGE, {}) === null) return;
    if ((await runDemos()) > 0) process.exitCode = 1;
  });
}
