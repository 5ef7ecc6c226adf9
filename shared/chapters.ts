// The book's table of contents: one place that the verifier, the demos runner and the site read.

/** A processor the book has machine code for, by its process.arch name. */
export type Machine = "x64" | "arm64";

export interface ChapterInfo {
  /** 1-based chapter number. */
  readonly n: number;
  /** Folder name under chapters/, e.g. "01-pages". */
  readonly slug: string;
  readonly title: string;
  readonly part: "I" | "II" | "III";
  /** True when main.ts executes machine code and so needs Bun on Linux, on a processor it has code for. */
  readonly native: boolean;
  /** The processors a native chapter has machine code for (process.arch names); x86-64 alone when unsaid. */
  readonly machines?: readonly Machine[];
  /** What `npm run verify` suggests when the chapter's tests fail and no test hint fits. */
  readonly hint: string;
  /**
   * Hints for the failures particular tests detect: the first whose `failure` pattern the failing test's
   * report matches (a crash diagnosis, an error), else the first whose `test` pattern its name matches.
   */
  readonly testHints?: readonly TestHint[];
  /** Arguments for the chapter's main.ts when the book runs it for the reader. */
  readonly demoArgs: readonly string[];
}

export interface TestHint {
  /** Matched against the failing test's "describe > test" name. */
  readonly test?: RegExp;
  /** Matched against what bun printed for the failure (its error, a crash diagnosis): it wins over a name. */
  readonly failure?: RegExp;
  readonly hint: string;
}

/** The hint for a failing test of `chapter`: one for what its report shows, one for its name, or the chapter's. */
export function hintForTest(chapter: ChapterInfo, testName: string | null, report: string | null = null): string {
  const hints = chapter.testHints ?? [];
  const byFailure = report === null ? undefined : hints.find((h) => h.failure?.test(report));
  const byName = testName === null ? undefined : hints.find((h) => h.test?.test(testName));
  return (byFailure ?? byName)?.hint ?? chapter.hint;
}

const BOOK: readonly ChapterInfo[] = [
  {
    n: 1,
    slug: "01-pages",
    title: "Pages",
    part: "I",
    native: true,
    machines: ["x64", "arm64"],
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
    machines: ["x64", "arm64"],
    hint: "Compare your bytes with `as`: printf '.intel_syntax noprefix\\nmov eax, 42\\nret\\n' | as --64 -o /tmp/a.o && objdump -d -M intel /tmp/a.o. Results come back in eax/rax.",
    testHints: [
      {
        failure: /SIGSEGV\) at 0x2a\b|Segmentation fault at address 0x2A\b/i,
        hint:
          "A fault at 0x2a is your 42 used as an address: did the code fall off the end without `ret` (C3)? The zero bytes " +
          "after it decode as `add [rax], al`, a write to the address in rax. See chapter 2, #six-bytes-that-return-42 and #pitfalls " +
          "(chapters/02-first-bytes/README.md).",
      },
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
    machines: ["x64", "arm64"],
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
    testHints: [
      { test: /registers and REX/, hint: "REX is 0100WRXB: W=1 for a 64-bit operand, R extends ModRM.reg, X the SIB index, B ModRM.rm or the SIB base (registers 8-15); spl, bpl, sil and dil need a REX (40) even without those bits, and ah..bh cannot have one. Compare with: printf '.intel_syntax noprefix\\nmov r9, rax\\nmov sil, 1\\n' | as --64 -o /tmp/a.o && objdump -d -M intel /tmp/a.o" },
      { test: /ModRM, SIB and displacements/, hint: "mod=00 no displacement, 01 a disp8, 10 a disp32, 11 a register; rm=100 means a SIB follows (so rsp and r12 as a base always need one), and mod=00 with rm=101 means rip+disp32 (so rbp and r13 as a base take a disp8 of 0). Compare with: printf '.intel_syntax noprefix\\nmov rax, [r13]\\nmov rax, [r12+rcx*8+16]\\n' | as --64 -o /tmp/a.o && objdump -d -M intel /tmp/a.o" },
      { test: /immediates/, hint: "fitsSigned(v, bits) is -2^(bits-1) <= v < 2^(bits-1); an imm8 form is used only when the value fits sign-extended; littleEndian writes the low byte first, negative values in two's complement (-1 in 4 bytes is ff ff ff ff)." },
      { test: /SSE2 and AVX2/, hint: "VEX: C5 (two bytes) only when X, B and W are 0 and the map is 0F, else C4; R, X, B and vvvv are stored inverted. vexPrefix's doc comment has the layout. Compare with: printf '.intel_syntax noprefix\\nvpcmpeqb ymm1, ymm0, [rax]\\nvpmovmskb ecx, ymm1\\n' | as --64 -o /tmp/a.o && objdump -d -M intel /tmp/a.o" },
      { test: /branches to known offsets/, hint: "A branch's displacement counts from the end of the branch: rel8 (EB, 7x) when it fits in -128..127, else rel32 (E9, 0F 8x), whose instruction is longer, so compute the distance for each length." },
      { test: /the code buffer/, hint: "ByteBuffer.ensure grows the buffer (doubling) until `n` more bytes fit, keeping what is written; Assembler.write appends through it." },
      { test: /the extension point for labels/, hint: "emitBranch emits the branch with a zero displacement of the width asked for and returns where the branch starts; patchBranch reads the branch back from its bytes (branchWidth: 0f 8x, e8, e9 have a 4-byte field; eb, 7x a 1-byte one) and writes the distance from its end to the target into its field, refusing a rel8 that does not fit; branchAt reads it back as a BranchSite." },
      { test: /mov in all its forms|arithmetic, logic, shifts|stack, calls, returns|condition codes|golden vectors|illegal combinations/, hint: "select tries the mnemonic's forms in table order (the shortest first) and takes the first whose operands match (matches) and whose immediate fits (holdsImmediate); then plan decides each byte. Compare the bytes with GNU as, e.g.: printf '.intel_syntax noprefix\\nadd rax, 1\\nadd rax, 1000\\n' | as --64 -o /tmp/a.o && objdump -d -M intel /tmp/a.o" },
    ],
    demoArgs: [],
  },
  {
    n: 5,
    slug: "05-control-flow",
    title: "Control flow and calls",
    part: "I",
    native: true,
    hint: "Branch offsets count from the end of the jump; keep rsp 16-byte aligned at every call and restore every callee-saved register you use.",
    testHints: [
      { test: /labels: errors/, hint: "LabelError for a label bound twice (naming both offsets), a short branch that cannot reach, and at finish a label a branch uses but nothing binds ('exit' (used by 'jne exit' at 0x2)): the messages are in bind's and finish's doc comments." },
      { test: /labels/, hint: "bind puts the label at the current offset and patches every branch already waiting for it; a branch to a bound label (backward) takes the shortest form that reaches, to an unbound one (forward) rel32 unless \"short\" is asked: #rel8-or-rel32-the-policy. Offsets count from the end of the branch." },
      { test: /Frame/, hint: "The prologue pushes the callee-saved registers it uses, then reserves the locals plus padding so that rsp is a multiple of 16 at every call (the return address and each push count 8 bytes); the epilogue undoes it in reverse order, then ret." },
      { test: /ABI harness|checkAbi|snprintf/, hint: "The harness checks, after your code returns, that rbx, rbp, r12-r15 and rsp are what they were, and that rsp was a multiple of 16 at each libc call: the failing test names the register or the call. Save what you use in a Frame." },
      { test: /the programs/, hint: "emitSum and emitCount call libc in a loop: keep what must survive a call in callee-saved registers (rbx, r12-r15), saved by the Frame, and call libc through Asm.callAbsolute(libcAddress(name))." },
    ],
    demoArgs: [],
  },
  {
    n: 6,
    slug: "06-interpreter",
    title: "Brainfuck and its interpreter",
    part: "II",
    native: false,
    hint: "Run the program with the interpreter and compare positions: lines and columns are 1-based, and a move off the tape is an error at the < or > that made it.",
    testHints: [
      { test: /parser/, hint: "parse keeps only the eight commands (commands), each with its offset in the source and, for a bracket, its partner (match, -1 otherwise); LineIndex turns an offset into a 1-based line and a column counting code points (an emoji is one column: isSecondHalfOfPair); an unmatched [ or ] is a BrainfuckError at that bracket." },
      { test: /fold/, hint: "fold turns each run of the same + - > < into one instruction with a count; . , [ ] never fold, and each bracket's match must point at the folded index of its partner." },
      { test: /checkCase|random programs|conformance|interpretWithStats|comparing results/, hint: "Run the program with your interpreter and compare with the expected output: JIT_WORKBOOK=my-jit npx bun chapters/06-interpreter/main.ts tests/programs/hello.b. A move off the tape is an error at the < or > that made it, with the pointer left on the edge cell." },
    ],
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 7,
    slug: "07-template-jit",
    title: "A template JIT",
    part: "II",
    native: true,
    hint: "Run the same program with the interpreter (chapter 6): the first byte of output that differs points at the template that is wrong.",
    testHints: [
      { test: /each command is a fixed template/, hint: "Each template's instructions are in its doc comment (templates.ts); see the listing of your code as GNU as source with: JIT_WORKBOOK=my-jit npx bun chapters/07-template-jit/main.ts tests/programs/hello.b --emit=asm" },
      { test: /a whole program/, hint: "generate: emitEntry, one template per run (runLength), emitExits, then each move's off-tape stub, the flush and input routines, and hooks.emitTail; labels are named as generate's doc comment says (loop_<i>, end_<i>, off_tape_<i>, flush_again, flush_failed)." },
      { test: /bounds-check sites/, hint: "runLength counts a run of the same + - > < (1 for . , [ ]); stepsOf gives a move's steps (+1, +2, ... or -1, -2, ...) with each command's position; offTape replays them from the pointer where the run began and stops at the first that leaves, pointer on the edge cell." },
      { test: /running programs|differential|runtime's own errors/, hint: "Run the program with both tiers and compare: JIT_WORKBOOK=my-jit npx bun chapters/07-template-jit/main.ts tests/programs/hello.b --compare. A status the table does not know is decodeStatus's GeneratedCodeError; every exit must leave a status in eax." },
    ],
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 8,
    slug: "08-lir",
    title: "A low-level IR",
    part: "II",
    native: true,
    hint: "Print the LIR (--emit=lir) and run it with the LIR interpreter: if that is right, the bug is in the x86 lowering.",
    testHints: [
      { test: /lowering/, hint: "lower makes one op per run of the same command and a loop per [ ]; print what yours gives with: JIT_WORKBOOK=my-jit npx bun chapters/08-lir/main.ts -e '+++[->+<]' --emit=lir" },
      { test: /the text form/, hint: "print writes one op a line, two spaces per loop level, amounts as wrapSigned/wrapUnsigned keep them; parseOp reads each op back with the lexer's helpers, whose what-strings and its own refusals are in its doc comment." },
      { test: /the verifier/, hint: "walk grows the known range by a check next to it and shifts it with a move (afterMove); a loop keeps its entry range if balanced, else what holds both after zero and after more turns (afterLoop). The exact messages are in walk's and afterLoop's doc comments." },
      { test: /helpers/, hint: "isBalanced: the moves add up to 0, no scan, and every loop and guard inside balanced too; flatten lays loops out with jumps past their end and each guard's else branch out of line." },
      { test: /the LIR interpreter/, hint: "Run the program with your LIR interpreter and compare with chapter 6's: JIT_WORKBOOK=my-jit npx bun chapters/08-lir/main.ts tests/programs/hello.b, then npx bun chapters/06-interpreter/main.ts tests/programs/hello.b. A stop off the tape is at the first reach that leaves, pointer on the edge cell (stop)." },
      { test: /each op has a lowering|a whole program|every op of the LIR|conformance programs|differential|main.ts/, hint: "The x86-64 backend is given: a failure here starts in your LIR (lower, parseOp, the verifier). Print it with: JIT_WORKBOOK=my-jit npx bun chapters/08-lir/main.ts -e '+[->+<]' --emit=lir" },
    ],
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 9,
    slug: "09-optimizer",
    title: "Optimizing the LIR",
    part: "II",
    native: true,
    hint: "Run each pass alone against the interpreter: the first pass that changes the result is the one to read.",
    testHints: [
      { test: /fold-offsets/, hint: "The Folder keeps a pending move and puts each op at its offset from it; commit emits the pending checks and the move before anything that needs the pointer itself (a loop that is not balanced, a scan, the end)." },
      { test: /begins midway/, hint: "deadCode sweeps from Knowledge.where(lir), not Knowledge.atStart() (the given knownValues starts propagate the same way): LIR that begins midway through a program knows nothing of the tape where it begins." },
      { test: /the whole pipeline/, hint: "optimize looks every name up with passNamed before it runs any (an unknown one is UnknownPassError), then runs the passes in order; the stats start with \"input\"." },
      { test: /every pass gives exactly|conformance programs, optimized|what the idioms become|the C yardstick|ABI|differential/, hint: "Run one pass alone on the program and read what it gives: JIT_WORKBOOK=my-jit npx bun chapters/09-optimizer/main.ts -e '+[->+<]>.' --passes fold-runs --emit=opt-lir (any pass name; no --passes for the whole pipeline). The first pass whose LIR changes the result is the one to read." },
    ],
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 10,
    slug: "10-faster-code",
    title: "Faster machine code",
    part: "III",
    native: true,
    hint: "Compare with chapter 9's code generator on the same LIR: a SIMD scan must stop at the first zero cell, never read past the tape.",
    testHints: [
      { test: /linear loops/, hint: "linear(loop) is null unless one turn of the body (turn) only adds constants or multiples of cells that do not change, and the loop's cell steps by an odd amount; then the loop becomes muladds and set [c] 0, run at most once." },
      { test: /the CPU probe/, hint: "avx2Probe: cpuid leaf 1 (ecx bits 27 OSXSAVE and 28 AVX), xgetbv with ecx=0 (bits 1 and 2: xmm and ymm state), then cpuid leaf 7 subleaf 0 (ebx bit 5, AVX2). What the kernel says: grep -o -w -m1 avx2 /proc/cpuinfo" },
      { test: /the perf map/, hint: "A perf map line is `START SIZE name`, both numbers in hex without 0x; regions must not overlap, each byte named after the innermost loop that holds it (flatten), and parsePerfMap reads the lines back." },
      { test: /cut every 3 commands|cuts|stretch of a program|fastPieces|partsOf|in parts of/, hint: "cuts ends a piece only between top-level commands (depth 0, counted from `from`), once it has `size` commands, and the last piece takes what is left; given a range, it cuts only the commands from..to (a loop's body, for partsOf). Print each part: for (const p of fastPieces(parse('+.+.[-]+.'), 3)) console.log('edge' in p ? p.edge : print(p)) (jit.ts, and chapter 8's print)." },
      { test: /linear loops against|differential|main.ts/, hint: "Compare the fast tier with chapter 9's on the same program: JIT_WORKBOOK=my-jit npx bun chapters/10-faster-code/main.ts -e '++[->+++<]>.' --emit=opt-lir shows the LIR after your linear-loops pass." },
    ],
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 11,
    slug: "11-tiering",
    title: "Just in time, for real",
    part: "III",
    native: true,
    hint: "A tier-up must hand over the exact tape pointer and pending output; compare the interpreter's state at the loop head with the compiled loop's.",
    testHints: [
      { test: /what a loop compiled alone is told/, hint: "provedAtLoopHeads follows verify.ts's rules and records, for each loop, the cells known at its head on entry and at every back edge (both must hold); loopUnit checks those cells outwards, one step at a time, then runs the loop." },
      { test: /the passes a loop unit may run/, hint: "loopUnit's LIR begins midway (chapter 9's begins), and optimizeLoop runs LOOP_PASSES, chapter 9's pipeline without hoist-guards: dead-code and known-values then start from nothing known, not from the fresh tape of a program's start." },
      { test: /the counting interpreter/, hint: "The counter is on each loop's test; at the threshold the loop is compiled and entered with the exact pointer and the output so far. See when and what with: JIT_WORKBOOK=my-jit npx bun chapters/11-tiering/main.ts tests/programs/hello.b --stats --threshold 1" },
      { test: /Futamura/, hint: "residual writes, for each instruction, the JavaScript the interpreter would run for it, with its operands as constants; specialize wraps it in a function over the tape that starts from the pointer, steps and input position in `at` and leaves them there at its end (a big program runs as several such pieces), and runs it like the interpreter, errors and all." },
      { test: /specialized to JavaScript|tier against the interpreter/, hint: "Read the JavaScript your lirToJs makes: JIT_WORKBOOK=my-jit npx bun chapters/11-tiering/main.ts tests/programs/hello.b --tier js --emit" },
      { test: /tiered JIT/, hint: "A switch must hand over the exact pointer and pending output, both ways: JIT_WORKBOOK=my-jit npx bun chapters/11-tiering/main.ts tests/programs/hello.b --stats --threshold 1 shows each loop compiled and entered." },
    ],
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 12,
    slug: "12-hostile-programs",
    title: "Hostile programs",
    part: "III",
    native: true,
    hint: "Every tier must stop at the same off-tape position as the interpreter, before any effect the interpreter would not have produced.",
    testHints: [
      { test: /fuel/, hint: "Each loop test spends one unit before its compare (Fuel.loopTest); when the slice runs out the code leaves with the loop test's site. Try: JIT_WORKBOOK=my-jit npx bun chapters/12-hostile-programs/main.ts -e '+[]' --tier template --max-steps 1000 (it must stop at 1:3 after 1000 steps, as the interpreter does)." },
      { test: /time limit/, hint: "interpretWithTimeout runs the interpreter in a worker and terminates it at the limit, with a TimeLimitError; a program that ends first comes back whole, error and all." },
      { test: /too deep|hostile programs, generated|deep and huge/, hint: "nested and huge are specified in their doc comments (nested(3) is \"+[[[-]]]\"; huge's block i prints 8·(8 + i % 3) + i % 26)." },
      { test: /mutations/, hint: "Each mutation must keep the program balanced (chapter 9's balanced says whether it is), and mutate draws from the Seeded generator only, so the same seed gives the same mutation." },
      { test: /W\^X|proc/, hint: "mapsWhileRunning reads /proc/self/maps while the tier's code runs, from another thread." },
      { test: /memory after/, hint: "churn compiles, runs and frees programs in a loop after a warm-up, and compares the mapping count and resident memory before and after: a tier that forgets to free leaks one mapping per program." },
      { test: /npm run fuzz|the programs|a difference is made small|what the fuzzer found|the fuzzer's own failures/, hint: "expected runs the interpreter without fuel, or interpretLir on the tier's own LIR with fuel; referenceOf turns a reference that throws into a finding. Run a short round with: npm run fuzz -- --seconds 5 --seed 1" },
    ],
    demoArgs: ["tests/programs/hello.b"],
  },
  {
    n: 13,
    slug: "13-wasm-backend",
    title: "A second backend: WebAssembly",
    part: "III",
    native: false,
    hint: "Validate the module with WebAssembly.validate and compare with the x86 backend on the same optimized LIR.",
    testHints: [
      { test: /LEB128/, hint: "7 bits a byte, low bits first, the high bit set on every byte but the last: 624485 is e5 8e 26. Signed stops when the rest is all sign and bit 0x40 of the last byte agrees (-1 is 7f, 64 is c0 00)." },
      { test: /function bodies/, hint: "FunctionBody.emit writes the opcode then each immediate (LEB128 or memarg); depthOf counts how many blocks out a label is, for br and br_if (0 is the innermost)." },
      { test: /modules|reading modules back|independent toolchain/, hint: "ModuleBuilder.encode writes the header, then each non-empty section in id order: its id, its size in LEB128, its contents. Read your module as text: JIT_WORKBOOK=my-jit npx bun chapters/13-wasm-backend/main.ts -e '+++.' --emit=wat" },
      { test: /each LIR op|errors at|end of input|fuel|output|memory|differential|conformance|interface/, hint: "Compare the module with the optimized LIR it comes from: JIT_WORKBOOK=my-jit npx bun chapters/13-wasm-backend/main.ts -e '+[->+<]>.' --emit=wat, and --emit=opt-lir for the LIR." },
      { test: /engine's limits|split at any size|past the limits/, hint: "hasRoom says whether the function being filled can take one more op under the engine's limits (function size, locals); when it cannot, the lowering starts a new function and calls it." },
    ],
    demoArgs: [],
  },
  {
    n: 14,
    slug: "14-second-machine",
    title: "A Second Machine",
    part: "III",
    native: false,
    hint: "Compare your word with GNU as: printf 'add x0, x1, #4\\n' | aarch64-linux-gnu-as -o /tmp/a.o && aarch64-linux-gnu-objdump -d /tmp/a.o. Every A64 instruction is one little-endian 32-bit word: a base pattern ORed with fields at fixed bit positions.",
    testHints: [
      { test: /bitmask|logical immediate/, hint: "A logical immediate is an element of 2..64 bits holding a run of ones rotated right, repeated: halve the element while both halves agree, count its ones, find the rotation. imms is ((-2·element) & 0x3f) | (ones - 1), N is 1 only for a 64-bit element, immr the right rotation." },
      { test: /offset|loads and stores|ldp/, hint: "ldr/str store offset / size in their 12-bit field (bit 10), so the offset must be a multiple of the access size; ldur and the pre/post-index forms store 9 signed bits at bit 12, unscaled; ldp/stp store offset / register size in 7 signed bits at bit 15." },
      { test: /branch|label|reach/, hint: "A64 branches count from the branch itself, in instructions: distance / 4 in 26 bits (b, bl), 19 bits at bit 5 (b.cond, cbz), 14 bits at bit 5 (tbz); adr counts bytes, the low two bits at 29-30. A forward label's branches are patched by bind." },
      { test: /register 31|sp|xzr/, hint: "Register 31 is sp in some operand positions and xzr in the others: add/sub immediate's rd and rn, a logical immediate's rd, and every base address are sp; everything else is xzr. regField refuses the wrong one." },
      { test: /mov/, hint: "movePlan tries movz (one non-zero halfword), movn (one halfword not 0xffff), orr with a bitmask, in that order, then movz (or movn when 0xffff halfwords outnumber zeros) and a movk per remaining halfword." },
    ],
    demoArgs: [],
  },
  {
    n: 15,
    slug: "15-second-backend",
    title: "A Second Backend",
    part: "III",
    native: true,
    machines: ["arm64"],
    hint: "Compare your listing with chapter 8's x86-64 for the same LIR: npx bun chapters/15-second-backend/main.ts -e '+[->+<]>.' --emit=asm runs anywhere; run it under qemu with npx bun shared/arm64-run.ts chapters/15-second-backend/main.ts -e '...'. The contract is chapter 7's: the context block, the statuses in w0, the site in CTX.site.",
    testHints: [
      { test: /GNU as/, hint: "Every instruction comes from chapter 14's Assembler, so a word GNU as disagrees with is an operand the lowering chose badly: an offset out of its field (ldrb takes 0..4095, ldurb -256..255), an add immediate over 12 bits. Build what does not fit in x17 first." },
      { test: /cells|moves|constant/, hint: "cellAddress picks ldrb/strb for 0..4095, ldurb/sturb for -256..-1, and an offset built in x17 used as an index beyond; addConstant takes 12 bits, 12 bits shifted by 12 plus 12 bits, or the constant in x17." },
      { test: /frame|sp/, hint: "stp x29, x30, [sp, #-size]! opens the frame and saves the record; size is 16 + 8 per saved register and local, rounded up to 16. The epilogue undoes it in reverse and ends with ret." },
      { test: /1 MiB|far/, hint: "cbz, cbnz and b.cond reach ±1 MiB; lowerToA64 retries with far branches when the assembler says one is out of reach: the opposite test jumps over a b." },
      { test: /AArch64|random|EOF|write|read/, hint: "Run the failing case yourself under qemu: npx bun shared/arm64-run.ts chapters/15-second-backend/main.ts -e '...' --stats, and read its listing with --emit=asm. A status in w0 that the table lacks, or a pointer left as an address, shows in the error." },
    ],
    demoArgs: [],
  },
];

/**
 * The last chapter this copy of the book holds. shared/truncate.ts rewrites this line in a copy that
 * ends early, so that every tool reading the table of contents sees only the chapters there.
 */
export const LAST_CHAPTER: number = 15;

/** The chapters, in order: the book's, up to LAST_CHAPTER. */
export const CHAPTERS: readonly ChapterInfo[] = BOOK.filter((c) => c.n <= LAST_CHAPTER);

export const TOTAL_CHAPTERS = CHAPTERS.length;

/** True when `c` runs on `machine` under Linux: a pure chapter anywhere, a native one where it has the code. */
export function runsOn(c: ChapterInfo, machine: string): boolean {
  return !c.native || (c.machines ?? ["x64"]).some((m) => m === machine);
}

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
