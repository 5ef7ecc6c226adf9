// The Brainfuck programs the book runs, in one catalogue: its own, written for it and kept in
// chapters/06-interpreter/programs/ (always there), and the classic third-party ones, an optional
// download (`npm run programs -- fetch`, see shared/classic-programs.ts). The benchmarks, the demos,
// the tests and the site all ask here, so a program is named, found and described in one place.
import { appendFileSync, existsSync, mkdirSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "./child.ts";

export const BOOK_PROGRAMS_DIR = resolve(ROOT, "chapters/06-interpreter/programs");
/** The small programs the tests run every tier on (each a case of the semantics). */
export const TEST_PROGRAMS_DIR = resolve(ROOT, "tests/programs");
/** Where `npm run programs -- fetch` stores the classic programs (ignored by git). */
export const DEFAULT_CLASSIC_DIR = resolve(ROOT, ".cache/programs");
/** Names another classic folder (an empty one, to see the book as a reader without them sees it). */
export const CLASSIC_ENV = "JIT_CLASSIC_PROGRAMS";
/** Set by the site builder: every optional file a command looks for is appended to this file. */
export const READS_ENV = "JIT_RECORD_READS";

export const CLASSIC_NOTE =
  "the classic programs (mandelbrot, hanoi, factor, awib, ...) are not installed: `npm run programs -- fetch` downloads them";

/** An empty classic folder: the book as a reader without the classic programs sees it (for tests). */
export function emptyClassicDir(): string {
  const dir = resolve(ROOT, ".cache/no-classic-programs");
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function classicDir(): string {
  const dir = process.env[CLASSIC_ENV];
  return dir ? resolve(dir) : DEFAULT_CLASSIC_DIR;
}

/**
 * book: chapters/06-interpreter/programs; test: tests/programs; classic: the optional download;
 * folder: any folder of NAME.b, NAME.out and NAME.in files (a command's --dir).
 */
export type Origin = "book" | "test" | "classic" | "folder";

interface Spec {
  readonly name: string;
  readonly origin: Origin;
  /** The .b file without its extension, relative to its origin's folder. */
  readonly base: string;
  /** The .in and .out files' bases when they differ from `base`. */
  readonly input?: string;
  readonly output?: string;
  readonly tapeSize?: number;
  /** What the reference interpreter takes on the book's machine, in seconds: to schedule tests. */
  readonly seconds: number;
  /** In the default benchmark set. */
  readonly bench: boolean;
  readonly what: string;
}

// #region catalogue
const SPECS: readonly Spec[] = [
  // The tests' small programs, quick to run.
  { name: "hello", origin: "test", base: "hello", seconds: 0, bench: false, what: "Hello World!" },
  { name: "numbers", origin: "test", base: "numbers", seconds: 0, bench: false, what: "counts in decimal" },
  { name: "alphabet", origin: "test", base: "alphabet", seconds: 0, bench: false, what: "the alphabet, both cases" },
  { name: "cat", origin: "test", base: "cat", seconds: 0, bench: false, what: "copies its input" },
  // The book's own (chapters/06-interpreter/programs/README.md says how each was made).
  { name: "collatz", origin: "book", base: "collatz", seconds: 4.1, bench: true, what: "Collatz records to 4,000 in 8-digit decimal arithmetic" },
  { name: "pascal", origin: "book", base: "pascal", seconds: 0.12, bench: true, what: "Pascal's triangle mod 256: multiply loops" },
  { name: "circle", origin: "book", base: "circle", seconds: 0.3, bench: true, what: "the Josephus circle: scans over a queue" },
  { name: "cipher", origin: "book", base: "cipher", seconds: 0.22, bench: true, what: "rot13 with line numbers and counts: reads its input" },
  { name: "times", origin: "book", base: "times", seconds: 0.32, bench: true, what: "the 99 × 99 multiplication table: 49 KB of output" },
  // The classics.
  { name: "mandelbrot", origin: "classic", base: "bench/mandelbrot", seconds: 16.6, bench: true, what: "Erik Bosman's ASCII Mandelbrot set" },
  { name: "hanoi", origin: "classic", base: "bench/hanoi", seconds: 21.9, bench: true, what: "Clifford Wolf's Towers of Hanoi" },
  { name: "factor", origin: "classic", base: "bench/factor", seconds: 9.9, bench: true, what: "Brian Raiter's prime factorizer" },
  { name: "factor-small", origin: "classic", base: "bench/factor", input: "bench/factor-small", output: "bench/factor-small", seconds: 6.2, bench: false, what: "factor on a smaller number" },
  { name: "long", origin: "classic", base: "bench/long", seconds: 19.6, bench: true, what: "Oleg Mazonka's nested busy loops" },
  { name: "bench", origin: "classic", base: "bench/bench", seconds: 2.3, bench: true, what: "kostya's benchmark: nested counting loops" },
  { name: "dbfi", origin: "classic", base: "bench/dbfi", seconds: 36.1, bench: true, what: "Daniel Cristofani's self-interpreter, running itself" },
  { name: "awib", origin: "classic", base: "bench/awib-0.4", tapeSize: 65536, seconds: 12.8, bench: true, what: "Mats Linander's Brainfuck compiler, compiling itself" },
  { name: "counter", origin: "classic", base: "bench/counter", seconds: 1.4, bench: false, what: "nested clear loops (rdebath's Bench.b)" },
  { name: "Beer", origin: "classic", base: "extra/Beer", seconds: 0.02, bench: false, what: "99 bottles of beer" },
  { name: "Golden", origin: "classic", base: "extra/Golden", seconds: 0.2, bench: false, what: "digits of the golden ratio" },
  { name: "Life", origin: "classic", base: "extra/Life", seconds: 5.2, bench: false, what: "Linus Åkesson's Game of Life" },
  { name: "LostKng", origin: "classic", base: "extra/LostKng", seconds: 0.35, bench: false, what: "Lost Kingdom, a 2 MB text adventure" },
];
// #endregion

export interface BfProgram {
  readonly name: string;
  readonly origin: Origin;
  /** Absolute paths. */
  readonly file: string;
  readonly inputFile: string | null;
  readonly outputFile: string;
  readonly tapeSize?: number;
  readonly interpreterSeconds: number;
  readonly bench: boolean;
  readonly what: string;
}

export class UnknownProgramError extends Error {
  override name = "UnknownProgramError";
}

/** Every program of the catalogue, found or not. */
export const PROGRAM_NAMES: readonly string[] = SPECS.map((s) => s.name);
export const BENCH_PROGRAM_NAMES: readonly string[] = SPECS.filter((s) => s.bench).map((s) => s.name);

/** The program called `name`, or null when it is a classic one that is not installed. */
export function findProgram(name: string): BfProgram | null {
  const spec = SPECS.find((s) => s.name === name);
  if (spec === undefined) throw new UnknownProgramError(`there is no program '${name}': choose from ${PROGRAM_NAMES.join(", ")}`);
  return resolveSpec(spec);
}

export interface ProgramSet {
  readonly programs: BfProgram[];
  /** The names asked for that are classic and not installed. */
  readonly missing: string[];
  /** CLASSIC_NOTE when some are missing, for the command to print once; null otherwise. */
  readonly note: string | null;
}

/**
 * The programs named (all of them by default, or only those `filter` keeps), the missing classic ones
 * left out and named.
 */
export function findPrograms(
  names?: readonly string[],
  filter: (p: { readonly name: string; readonly origin: Origin; readonly bench: boolean; readonly seconds: number }) => boolean = () => true,
): ProgramSet {
  const specs = names === undefined ? SPECS.filter(filter) : names.map((n) => SPECS.find((s) => s.name === n) ?? unknown(n));
  const programs: BfProgram[] = [];
  const missing: string[] = [];
  for (const s of specs) {
    const p = resolveSpec(s);
    if (p === null) missing.push(s.name);
    else programs.push(p);
  }
  return { programs, missing, note: missing.length > 0 ? CLASSIC_NOTE : null };
}

/** The default benchmark set: the book's benchmark programs, and the classic ones where installed. */
export const benchmarkPrograms = (): ProgramSet => findPrograms(undefined, (s) => s.bench);

/** The programs in `dir` (each NAME.b with its NAME.out, and NAME.in when it reads), or only `names`. */
export function programsIn(dir: string, names?: readonly string[]): ProgramSet {
  if (!existsSync(dir)) return { programs: [], missing: [...(names ?? [])], note: `there is no folder ${dir}` };
  const found = readdirSync(dir).filter((f) => f.endsWith(".b")).map((f) => f.slice(0, -2)).sort();
  const wanted = names ?? found;
  const programs: BfProgram[] = [];
  const missing: string[] = [];
  for (const name of wanted) {
    const p = resolveSpec({ name, origin: "folder", base: name, seconds: 0, bench: true, what: "" }, dir);
    if (p === null) missing.push(name);
    else programs.push(p);
  }
  return { programs, missing, note: missing.length > 0 ? `not in ${dir}: ${missing.join(", ")}` : null };
}

/** A program a figure needs is not installed: a figure the prose quotes must always be there. */
export class ProgramsNotInstalledError extends Error {
  override name = "ProgramsNotInstalledError";
}

/** The programs named, every one installed (a figures script's programs), or the error that says which are not. */
export function installedPrograms(names: readonly string[]): BfProgram[] {
  const { programs, missing } = findPrograms(names);
  if (missing.length > 0) throw new ProgramsNotInstalledError(`not installed: ${missing.join(", ")} (\`npm run programs -- fetch\` downloads them)`);
  return programs;
}

function unknown(name: string): never {
  throw new UnknownProgramError(`there is no program '${name}': choose from ${PROGRAM_NAMES.join(", ")}`);
}

function resolveSpec(s: Spec, folder = ""): BfProgram | null {
  const dir = s.origin === "book" ? BOOK_PROGRAMS_DIR : s.origin === "test" ? TEST_PROGRAMS_DIR : s.origin === "classic" ? classicDir() : folder;
  const path = (base: string, ext: string) => resolve(dir, `${base}.${ext}`);
  const file = path(s.base, "b");
  const inputFile = path(s.input ?? s.base, "in");
  const outputFile = path(s.output ?? s.base, "out");
  if (s.origin === "classic") for (const p of [file, inputFile, outputFile]) noteRead(p);
  if (!existsSync(file) || !existsSync(outputFile)) {
    if (s.origin === "book" || s.origin === "test") throw new UnknownProgramError(`${file} is missing: it is part of the repository`);
    return null;
  }
  return {
    name: s.name,
    origin: s.origin,
    file,
    inputFile: existsSync(inputFile) ? inputFile : null,
    outputFile,
    ...(s.tapeSize === undefined ? {} : { tapeSize: s.tapeSize }),
    interpreterSeconds: s.seconds,
    bench: s.bench,
    what: s.what,
  };
}

// #region reads
/**
 * A file outside the repository's tracked sources that a command looked for: the site's cache keeps
 * the list with each result, and reruns the command when one of them appears, changes or goes.
 */
export function noteRead(path: string): void {
  const log = process.env[READS_ENV];
  if (log) appendFileSync(log, path + "\n");
}
// #endregion
