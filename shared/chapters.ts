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
  /** What `npm run verify` suggests when the chapter's tests fail and no test hint fits. */
  readonly hint: string;
  /** Hints for the failures particular tests detect: the first whose pattern the failing test's name matches. */
  readonly testHints?: readonly TestHint[];
  /** Arguments for the chapter's main.ts when the book runs it for the reader. */
  readonly demoArgs: readonly string[];
}

export interface TestHint {
  /** Matched against the failing test's "describe > test" name. */
  readonly test: RegExp;
  readonly hint: string;
}

/** The hint for a failing test of `chapter`: its own, or the chapter's. */
export function hintForTest(chapter: ChapterInfo, testName: string | null): string {
  return (testName === null ? undefined : chapter.testHints?.find((h) => h.test.test(testName))?.hint) ?? chapter.hint;
}

const BOOK: readonly ChapterInfo[] = [
  {
    n: 1,
    slug: "01-pages",
    title: "Pages",
    part: "I",
    native: true,
    hint: "Read the failing test's errno: EINVAL usually means a size or address that is not page-aligned; a BigInt from mmap is MAP_FAILED.",
    testHints: [
      { test: /checkSize/, hint: "checkSize refuses, with an ArgumentError naming the argument: a value that is not a number, not finite, not whole, under 1, or over MAX_USER_ADDRESS (128 TiB). The tests look for the words its doc comment quotes, one message per case: compare the Expected substring with yours." },
      { test: /under Node/, hint: "This test runs chapter 1 under Node (tsx), where bun:ffi does not exist, and names the error each step threw: mapZero and mapBadProt must be ArgumentErrors from the checks, before any libc call; pageSize must reach libc and get NeedsBunError; maps (findMapping over /proc/self/maps) needs no libc and must work. A step that reads TypeError or NotImplemented is a bug in that function: the chapter's other failing tests show it with its stack." },
      { test: /checkAlignment/, hint: "An alignment must be a power of two from 8 (sizeof(void*)) to 2^30: anything else is an ArgumentError (checkAlignment's doc comment)." },
      { test: /parseMaps|findMapping|own maps/, hint: "A /proc/self/maps line is `start-end perms offset dev inode [path]`, addresses and offset in hex, end exclusive; findMapping wants start <= address < end." },
      // Matched against "describe > test", and the pages block's describe names mmap and mprotect:
      // the patterns look at the test's own words, most specific first.
      { test: /mapping the kernel refuses|mapPages\(|trace event/, hint: "mmap returns MAP_FAILED, not null, when it fails: through bun:ffi that is the BigInt 2^64 - 1 (pages.ts's MAP_FAILED), never -1. Compare with it (typeof result !== \"number\" first) and read errno at once. Every mapping change also calls trace() with the event its doc comment shows." },
      { test: /page size/, hint: "pageSize() asks libc: sysconf(_SC_PAGESIZE), where _SC_PAGESIZE is 30 on Linux; the result is an i64, so a BigInt to convert with Number()." },
      { test: /posix_memalign|aligned block|freeAligned/, hint: "posix_memalign returns its error number instead of setting errno, and writes the address through its first argument (a pointer to 8 bytes you allocate): 0 means success. freeAligned makes the block's whole pages RW (protect) before free()." },
      { test: /> mprotect|protection|splits/, hint: "mprotect wants a page-aligned address and a length; it fails with EINVAL for an unaligned address and ENOMEM for pages that are not mapped. check() turns -1 into a LibcError with errno read at once." },
    ],
    demoArgs: [],
  },
  {
    n: 2,
    slug: "02-first-bytes",
    title: "First bytes",
    part: "I",
    native: true,
    hint: "Compare your bytes with `as`: printf '.intel_syntax noprefix\\nmov eax, 42\\nret\\n' | as --64 -o /tmp/a.o && objdump -d -M intel /tmp/a.o. Results come back in eax/rax.",
    testHints: [
      { test: /ends with ret/, hint: "Every program must end with ret (0xC3): without it the CPU runs on into whatever follows (int3 padding, or zeros that decode as `add [rax], al`)." },
      { test: /returnConstant|hand-written bytes/, hint: "mov eax, imm32 is B8 followed by the 32-bit value, little-endian (42 is 2A 00 00 00); then ret, C3. Check with: printf '.intel_syntax noprefix\\nmov eax, 42\\nret\\n' | as --64 -o /tmp/a.o && objdump -d -M intel /tmp/a.o" },
      { test: /withRwxPage/, hint: "withRwxPage maps an RWX page, copies the bytes, calls use(address), and unmaps in a finally block, so the page goes even when use throws; it refuses empty code before mapping anything." },
      { test: /nativeFunction/, hint: "nativeFunction wraps an address with bun:ffi's CFunction and the signature you give (args and returns); it refuses an address that is not a positive whole number before CFunction sees it." },
      { test: /rwx|W\+X/, hint: "The page must be readable, writable and executable (PROT.READ | PROT.WRITE | PROT.EXEC) while the code runs, and unmapped afterwards: chapter 1's writableExecutable() should then find none of yours." },
      { test: /calling the bytes/, hint: "Each call runs in a child process through withRwxPage and nativeFunction. If the child crashed, the diagnosis names the page and its protection (withRwxPage maps PROT.READ | PROT.WRITE | PROT.EXEC); if it returned a wrong value, check the declared signature (return42, addFour and add are i32, add64 is i64) and the bytes against as." },
    ],
    demoArgs: [],
  },
  {
    n: 3,
    slug: "03-w-xor-x",
    title: "W^X",
    part: "I",
    native: true,
    hint: "A SIGSEGV diagnosis names the page and its permissions: code must be sealed (RX) before it is called, and unsealed (RW) before it is written.",
    testHints: [
      { test: /create: whole pages|filled with int3|create with a bad size/, hint: "CodeBuffer.create rounds the size up to whole pages, maps them RW, and fills them with int3 (0xCC), so a jump past the code traps instead of running garbage." },
      { test: /misuse|StateError|RangeError|not bytes/, hint: "Each method checks the buffer's state first (#expect): write only while writable, fn only while sealed, nothing after free; a write or entry point outside the buffer is a CodeBufferRangeError. The message names the method's verb (cannot write, seal, unseal, call, free: #expect's doc comment lists the actions) and the state (is sealed)." },
      { test: /seal|unseal/, hint: "seal is mprotect(RX), unseal mprotect(RW): the same pages, never both writable and executable at once." },
      { test: /DualMapping|memfd|two views/, hint: "The dual mapping maps one memfd twice with MAP_SHARED: once RW (where you write) and once RX (what you call). A write through one view shows in the other at once; free unmaps both and closes the fd." },
    ],
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

/**
 * The last chapter this copy of the book holds. shared/truncate.ts rewrites this line in a copy that
 * ends early, so that every tool reading the table of contents sees only the chapters there.
 */
export const LAST_CHAPTER: number = 13;

/** The chapters, in order: the book's, up to LAST_CHAPTER. */
export const CHAPTERS: readonly ChapterInfo[] = BOOK.filter((c) => c.n <= LAST_CHAPTER);

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
