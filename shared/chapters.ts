// The book's table of contents: one place that the verifier, the demos runner and the site read.

export interface ChapterInfo {
  /** 1-based chapter number. */
  readonly n: number;
  /** Folder name under chapters/, e.g. "01-pages". */
  readonly slug: string;
  readonly title: string;
  readonly part: "I" | "II" | "III";
  /** True when main.ts executes machine code and so needs Bun on Linux x86-64. */
  readonly native: boolean;
  /** What `npm run verify` suggests when the chapter's tests fail. */
  readonly hint: string;
  /** Arguments for the chapter's main.ts when the book runs it for the reader. */
  readonly demoArgs: readonly string[];
}

export const CHAPTERS: readonly ChapterInfo[] = [
  {
    n: 1,
    slug: "01-pages",
    title: "Pages",
    part: "I",
    native: true,
    hint: "Read the failing test's errno: EINVAL usually means a size or address that is not page-aligned; a BigInt from mmap is MAP_FAILED.",
    demoArgs: [],
  },
  {
    n: 2,
    slug: "02-first-bytes",
    title: "First bytes",
    part: "I",
    native: true,
    hint: "Compare your bytes with `as`: echo 'mov eax, 42' | as --64 -o /tmp/a.o && objdump -d -M intel /tmp/a.o. Results come back in eax/rax.",
    demoArgs: [],
  },
  {
    n: 3,
    slug: "03-w-xor-x",
    title: "W^X",
    part: "I",
    native: true,
    hint: "A SIGSEGV diagnosis names the page and its permissions: code must be sealed (RX) before it is called, and unsealed (RW) before it is written.",
    demoArgs: [],
  },
  {
    n: 4,
    slug: "04-encoder",
    title: "An x86-64 encoder",
    part: "I",
    native: false,
    hint: "Split the two encodings into fields (chapters/04-encoder/fields.ts): a REX bit or the ModRM mod field is the usual culprit; rsp/r12 need a SIB, rbp/r13 a displacement.",
    demoArgs: [],
  },
  {
    n: 5,
    slug: "05-control-flow",
    title: "Control flow and calls",
    part: "I",
    native: true,
    hint: "Branch offsets count from the end of the jump; keep rsp 16-byte aligned at every call and restore every callee-saved register you use.",
    demoArgs: [],
  },
  {
    n: 6,
    slug: "06-interpreter",
    title: "Brainfuck and its interpreter",
    part: "II",
    native: false,
    hint: "Run the program with the interpreter and compare positions: lines and columns are 1-based, and a move off the tape is an error at the < or > that made it.",
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 7,
    slug: "07-template-jit",
    title: "A template JIT",
    part: "II",
    native: true,
    hint: "Run the same program with the interpreter (chapter 6): the first byte of output that differs points at the template that is wrong.",
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 8,
    slug: "08-lir",
    title: "A low-level IR",
    part: "II",
    native: true,
    hint: "Print the LIR (--emit=lir) and run it with the LIR interpreter: if that is right, the bug is in the x86 lowering.",
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 9,
    slug: "09-optimizer",
    title: "Optimizing the LIR",
    part: "II",
    native: true,
    hint: "Run each pass alone against the interpreter: the first pass that changes the result is the one to read.",
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 10,
    slug: "10-faster-code",
    title: "Faster machine code",
    part: "III",
    native: true,
    hint: "Compare with chapter 9's code generator on the same LIR: a SIMD scan must stop at the first zero cell, never read past the tape.",
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 11,
    slug: "11-tiering",
    title: "Just in time, for real",
    part: "III",
    native: true,
    hint: "A tier-up must hand over the exact tape pointer and pending output; compare the interpreter's state at the loop head with the compiled loop's.",
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 12,
    slug: "12-hostile-programs",
    title: "Hostile programs",
    part: "III",
    native: true,
    hint: "Every tier must stop at the same off-tape position as the interpreter, before any effect the interpreter would not have produced.",
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 13,
    slug: "13-wasm-backend",
    title: "A second backend: WebAssembly",
    part: "III",
    native: false,
    hint: "Validate the module with WebAssembly.validate and compare with the x86 backend on the same optimized LIR.",
    demoArgs: [],
  },
];

export const TOTAL_CHAPTERS = CHAPTERS.length;

export function chapter(n: number): ChapterInfo {
  const c = CHAPTERS[n - 1];
  if (!c) throw new RangeError(`there is no chapter ${n}: the book has chapters 1 to ${TOTAL_CHAPTERS}`);
  return c;
}

/** The chapter number a test file belongs to: tests/04-encoder-as.test.ts -> 4. */
export function chapterOfTestFile(file: string): number | null {
  const m = /(?:^|\/)(\d\d)-[^/]*\.test\.ts$/.exec(file);
  return m ? Number(m[1]) : null;
}
