// What a parsed program costs in memory: the heap its commands take as this chapter keeps them
// (three arrays), and as one object per command with a position object inside, the layout the
// parser does not use. Measured in this process, with a full collection before and after.
//   bun chapters/06-interpreter/program-size.ts [--commands N]
import { parseCommand, UsageError } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { parse, type Command } from "./parser.ts";
import { LineIndex, type SourcePos } from "./source.ts";

interface InstrObject {
  readonly op: Command;
  readonly pos: SourcePos;
  readonly match: number;
}

/** The heap that `make`'s result keeps alive, in bytes. */
function heapKept(make: () => unknown): number {
  Bun.gc(true);
  const before = process.memoryUsage().heapUsed;
  const kept = make();
  Bun.gc(true);
  const bytes = process.memoryUsage().heapUsed - before;
  void kept; // alive up to here
  return bytes;
}

/** Bytes a command: as a Program, and as one object per command. */
export function programSize(commands: number): { commands: number; sourceBytes: number; compact: number; objects: number } {
  // Commands over lines, with a comment on each, as programs are written.
  const line = "++>-<[->+<]. a comment\n";
  const source = line.repeat(Math.ceil(commands / 12));
  const program = parse(source);
  const compact = heapKept(() => parse(source));
  const objects = heapKept(() => {
    const lines = new LineIndex(source);
    const out: InstrObject[] = [];
    for (let i = 0; i < program.length; i++) out.push({ op: program.op(i), pos: lines.pos(program.offsets[i]!), match: program.match[i]! });
    return out;
  });
  return { commands: program.length, sourceBytes: source.length, compact: compact / program.length, objects: objects / program.length };
}

const USAGE = `bun chapters/06-interpreter/program-size.ts [--commands N]

The heap a parsed program takes, in bytes a command: as a Program (three arrays indexed alike) and as
one object per command with a position object in each.

  --commands N   about how many commands (default 1000000)
  -h, --help     this text`;

if (import.meta.main) {
  runMain(() => {
    const args = parseCommand(process.argv.slice(2), USAGE, { options: { commands: { type: "string" } } });
    if (args === null) return;
    const n = Number(args.values.commands ?? 1_000_000);
    if (!Number.isInteger(n) || n < 12) throw new UsageError(`--commands must be a whole number, 12 or more, not '${args.values.commands}'`);
    const s = programSize(n);
    const per = (bytes: number) => `${bytes.toFixed(0).padStart(4)} bytes a command`;
    console.log(`${s.commands.toLocaleString("en")} commands, ${(s.sourceBytes / 1e6).toFixed(1)} MB of source`);
    console.log(`  one object per command, a position object in each: ${per(s.objects)}`);
    console.log(`  three arrays (a Program):                          ${per(s.compact)}`);
  });
}
