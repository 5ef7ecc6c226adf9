// The one flag parser of the book's commands and chapter mains: node:util's parseArgs, with --help
// (or -h) printing the command's usage, and a wrong option answered by a UsageError that says what
// was wrong and where the usage is. runMain (shared/main.ts) exits 2 on a UsageError, 1 on any other.
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  override name = "UsageError";
}

const HELP = { help: { type: "boolean", short: "h" } } as const;

type WithHelp<T extends ParseArgsConfig> = T & { options: T["options"] & typeof HELP };

export type Parsed<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<WithHelp<T>>>;

/** The usage's first line, as an error message ends with it. */
export function usageLine(usage: string): string {
  const first = usage.split("\n")[0]!;
  return `${first.startsWith("usage: ") ? first : `usage: ${first}`}  (--help for more)`;
}

/** parseArgs's wording, made to say what to do: "unknown option --x", "--tape needs a value". */
function reword(message: string): string {
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option ${unknown[1]}`;
  const missing = /^Option '(?:-\w, )?(--?[\w-]+)(?: <value>)?' argument missing/.exec(message);
  if (missing) return `${missing[1]} needs a value`;
  const ambiguous = /^Option '(?:-\w, )?(--?[\w-]+)(?: <value>)?' argument is ambiguous/.exec(message);
  if (ambiguous) return `${ambiguous[1]} needs a value (${message.split("\n").at(-1)!.replace(/^To specify/, "to give").replace(/\.$/, "")})`;
  const flagValue = /^Option '(?:-\w, )?(--?[\w-]+)' does not take an argument/.exec(message);
  if (flagValue) return `${flagValue[1]} takes no value`;
  const positional = /^Unexpected argument '([^']+)'/.exec(message);
  if (positional) return `unexpected argument '${positional[1]}': this command takes options only`;
  return message.replace(/\. To specify a positional argument.*$/s, "");
}

/**
 * `argv` parsed by `config` (strict: an unknown option is an error). On --help, prints `usage` and
 * returns null: the command then has nothing left to do. A wrong option is thrown as `refuse` makes
 * it from the problem (by default a UsageError ending with the usage line): a chapter's own subclass.
 */
export function parseCommand<T extends ParseArgsConfig>(
  argv: readonly string[],
  usage: string,
  config: T,
  print: (text: string) => void = console.log,
  refuse: (problem: string) => UsageError = (problem) => new UsageError(`${problem}\n${usageLine(usage)}`),
): Parsed<T> | null {
  const full = { ...config, args: valuesJoined(argv, config), strict: true, options: { ...config.options, ...HELP } } as WithHelp<T>;
  let parsed: Parsed<T>;
  try {
    parsed = parseArgs(full);
  } catch (e) {
    throw refuse(reword((e as Error).message));
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    print(usage);
    return null;
  }
  return parsed;
}

/**
 * argv with each valued option's value joined to it (`--tape=-1`, `--code=-[+]`) when the value
 * starts with '-' but is no option: parseArgs would refuse it as ambiguous, and `--max-steps -1`
 * deserves the option's own answer, a negative step limit, not a lesson in parseArgs.
 */
function valuesJoined(argv: readonly string[], config: ParseArgsConfig): string[] {
  const options = config.options ?? {};
  const valued = new Map<string, string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "string") continue;
    valued.set(`--${name}`, name);
    if (o.short !== undefined) valued.set(`-${o.short}`, name);
  }
  const known = (a: string): boolean =>
    a === "-h" || a === "--help" || a === "--" || Object.entries(options).some(([n, o]) => a === `--${n}` || a.startsWith(`--${n}=`) || (o.short !== undefined && a === `-${o.short}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const name = valued.get(a);
    if (name !== undefined && next !== undefined && next.startsWith("-") && !known(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(a);
    if (a === "--") {
      out.push(...argv.slice(i + 1));
      break;
    }
  }
  return out;
}

/**
 * argv with `--name=value` turned into a plain `--name`, and whether it was there: the one option
 * that is a flag with an optional value (`--stats=json`), which parseArgs has no type for.
 */
export function optionalValue(argv: readonly string[], name: string, value: string): { readonly argv: string[]; readonly given: boolean } {
  const long = `--${name}=${value}`;
  return { argv: argv.map((a) => (a === long ? `--${name}` : a)), given: argv.includes(long) };
}
