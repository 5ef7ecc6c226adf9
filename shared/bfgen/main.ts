// bfgen: write a Brainfuck program from a spec (see README.md).
//   bun shared/bfgen/main.ts SPEC > prog.b
import { readFileSync } from "node:fs";
import { parseCommand, usageLine, UsageError } from "../cli.ts";
import { runMain } from "../main.ts";
import { generateFile } from "./bfgen.ts";

const HELP = `usage: bun shared/bfgen/main.ts SPEC [--stats]

Writes the Brainfuck program that SPEC describes on standard output. The spec language
(named cells, loops, if/else, macros, compile-time for loops) is in shared/bfgen/README.md.
  --stats       print the program's size and the highest cell it uses on standard error
  -h, --help    this text`;

runMain(() => {
  const args = parseCommand(process.argv.slice(2), HELP, { allowPositionals: true, options: { stats: { type: "boolean" } } });
  if (args === null) return;
  const { values, positionals } = args;
  if (positionals.length !== 1) throw new UsageError(`give one spec file\n${usageLine(HELP)}`);
  const file = positionals[0]!;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const { bf, maxCell } = generateFile(file, text);
  process.stdout.write(bf);
  if (values.stats) console.error(`${file}: ${Buffer.byteLength(bf)} bytes, ${[...bf].filter((c) => "+-<>.,[]".includes(c)).length} commands, cells 0 to ${maxCell}`);
});
