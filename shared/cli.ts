// The one flag parser of the book's commands: node:util's parseArgs, with --help (or -h) printing the
// command's usage and a wrong option answered by a UsageError that says where the usage is.
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  override name = "UsageError";
}

const HELP = { help: { type: "boolean", short: "h" } } as const;

type WithHelp<T extends ParseArgsConfig> = T & { options: T["options"] & typeof HELP };

export type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<WithHelp<T>>>;

/**
 * `argv` parsed by `config` (strict: an unknown option is an error). On --help, prints `usage` and
 * returns null: the command then has nothing left to do.
 */
export function parseCommand<T extends ParseArgsConfig>(
  argv: readonly string[],
  usage: string,
  config: T,
  print: (text: string) => void = console.log,
): Parsed<T> | null {
  const full = { ...config, args: [...argv], strict: true, options: { ...config.options, ...HELP } } as WithHelp<T>;
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs(full);
  } catch (e) {
    const first = usage.split("\n")[0]!;
    throw new UsageError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, "")}\nusage: ${first} (--help for more)`);
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    print(usage);
    return null;
  }
  return parsed;
}
