// LIR -> a WebAssembly module. The program is a function from the pointer to the pointer, run(),
// and loops that hold loops are functions of their own, as is code too big for one function. Each
// LIR op becomes a few instructions.
// Every way out other than the end (a move off the tape, fuel used up) is a numbered site: the host
// looks up the op to build chapter 6's error, as chapter 7's runtime does.
import { formatPos, type LineIndex } from "../06-interpreter/source.ts";
import { print } from "../08-lir/print.ts";
import { innerOps, posOf, type Lir, type LoopOp, type Op } from "../08-lir/lir.ts";
import type { FunctionBody, FuncRef, GlobalRef, Label, Local } from "./function-body.ts";
import { layoutFor, OUTPUT_SIZE, OUTPUT_START, pagesFor, type Layout } from "./layout.ts";
import { ENGINE_LIMITS, WasmLimitError, type WasmLimits } from "./limits.ts";
import { ModuleBuilder, type EncodedModule, type FuncType } from "./module.ts";
import { type GuardOp, type ScanOp } from "../09-optimizer/ops.ts";

// #region interface
/** Why the code left at a site: the op's cells are off the tape, or a loop test found no fuel. */
export interface Site {
  readonly op: Op;
  /** "fuel-end": the test of a loop's `]` (the others test its `[`, or a scan's). */
  readonly why: "off-tape" | "fuel" | "fuel-end";
}

export interface WasmCode extends EncodedModule {
  /** When run() returns STOPPED, the global $site holds i, and the code stopped at sites[i - 1]. */
  readonly sites: readonly Site[];
  readonly layout: Layout;
  /** True when the code counts loop tests against the fuel the host puts in $fuel (RunOptions.maxSteps). */
  readonly fuel: boolean;
  /** The lines of the text the sites' ops point into, for an error's line and column. */
  readonly lines: LineIndex;
}

/** What the module imports from the host, and exports to it. */
export const HOST = "host";
export const IMPORTS = { memory: "memory", flush: "flush", input: "input", grow: "grow" } as const;
export const EXPORTS = { run: "run", outLen: "outLen", fuel: "fuel", site: "site", pointer: "pointer" } as const;

/**
 * run(), the body of every loop that holds loops, and each part of code too big for one function:
 * (p, tapeSize) -> the pointer after it, or -1
 * when it stopped at a site, with the site's number and the pointer there in the globals $site and
 * $pointer. The fuel left, when the code counts it, travels through the global $fuel.
 */
export const SIGNATURE: FuncType = { params: ["i32", "i32"], results: ["i32"] };
const PARAM_NAMES = ["p", "tapeSize"];
export const STOPPED = -1;
// #endregion

export interface CompileOptions {
  /** Count loop tests and stop when the fuel runs out (default false: code with no counting at all). */
  readonly fuel?: boolean;
  /** Keep each op's LIR text, for the disassembly (default false: it costs time, not bytes). */
  readonly comments?: boolean;
  /** What the engine accepts (default ENGINE_LIMITS); the tests give smaller ones, to split small programs. */
  readonly limits?: WasmLimits;
}

// #region compile
/** The LIR must verify (chapter 8): the code trusts it and checks bounds only where it says. */
export function lirToWasm(lir: Lir, opts: CompileOptions = {}): WasmCode {
  const layout = layoutFor(lir.ops);
  const m = new ModuleBuilder();
  m.importMemory(HOST, IMPORTS.memory, { min: pagesFor(layout, 1) });
  const flush = m.importFunction(HOST, IMPORTS.flush, { params: ["i32"], results: [] });
  const input = m.importFunction(HOST, IMPORTS.input, { params: ["i32"], results: ["i32"] });
  // grow(cell) -> the tape's cells: a growing tape, grown to hold the cell if its limit allows.
  const grow = m.importFunction(HOST, IMPORTS.grow, { params: ["i32"], results: ["i32"] });
  const g = { outLen: m.global(EXPORTS.outLen, "i32"), fuel: m.global(EXPORTS.fuel, "i64"), site: m.global(EXPORTS.site, "i32"), pointer: m.global(EXPORTS.pointer, "i32") };
  const out = emitOut(m, flush, g.outLen);
  const lowering = new ModuleLowering(m, layout, opts, { out, input, grow }, g, lir.lines);
  const run = lowering.func(EXPORTS.run, START, (fn) => fn.ops(lir.ops), true);
  m.exportFunction(EXPORTS.run, run);
  for (const [name, ref] of Object.entries(g)) m.exportGlobal(name, ref);
  const encoded = m.encode();
  lowering.checkModuleSize(encoded.bytes.length, lir.ops.length > 0 ? posOf(lir.ops.at(-1)!) : START);
  return { ...encoded, sites: lowering.sites, layout, fuel: lowering.fuel, lines: lir.lines };
}
// #endregion

/** Where run()'s code starts: the program's first character (an offset, as an op's position is). */
const START = 0;

// #region room
/**
 * The most a function is given, far below the engine's limit: JavaScriptCore compiles one big
 * function more slowly than the same code in parts of this size, and a call per 256 KiB of code
 * costs nothing. Only the biggest programs have a function this big.
 */
export const SPLIT_SIZE = 256 * 1024;
/**
 * A function stops taking ops this many bytes short of SPLIT_SIZE (or of a smaller limit given in
 * CompileOptions), which leaves room for what may follow its last test of the room: the rest of
 * the op it was lowering, the ends of the blocks and loops open around it, the call to the part
 * after it, and its own end. Real code needs a few dozen.
 */
const RESERVE = 1024;
/** A bound on what a function adds to the module besides its body: its entries in the other sections. */
const FUNCTION_OVERHEAD = 128;
// #endregion

// #region out
/** $out(byte): append to the output buffer; when it is full, hand it to the host's flush(length). */
function emitOut(m: ModuleBuilder, flush: FuncRef, outLen: GlobalRef): FuncRef {
  const { ref, body: f } = m.func("out", { params: ["i32"], results: [] }, ["byte"]);
  f.emit("global.get", outLen).emit("local.get", f.param(0)).emit("i32.store8", OUTPUT_START);
  f.emit("global.get", outLen).emit("i32.const", 1).emit("i32.add").emit("global.set", outLen);
  f.emit("global.get", outLen).emit("i32.const", OUTPUT_SIZE).emit("i32.eq");
  f.if();
  f.emit("i32.const", OUTPUT_SIZE).emit("call", flush);
  f.emit("i32.const", 0).emit("global.set", outLen);
  f.end();
  return ref;
}
// #endregion

/** What every function of the program shares: the module, the sites, the layout, the limits. */
class ModuleLowering {
  readonly sites: Site[] = [];
  readonly fuel: boolean;
  readonly comments: boolean;
  private readonly limits: WasmLimits;
  /** A function takes ops while it is smaller than this. */
  private readonly full: number;
  private readonly names = new Set<string>();
  /** Bytes of the module outside the function being written: those finished, and those paused for it. */
  private settled = 0;
  private readonly open: FunctionBody[] = [];

  constructor(
    readonly m: ModuleBuilder,
    readonly layout: Layout,
    opts: CompileOptions,
    readonly calls: { readonly out: FuncRef; readonly input: FuncRef; readonly grow: FuncRef },
    readonly globals: { readonly fuel: GlobalRef; readonly site: GlobalRef; readonly pointer: GlobalRef },
    /** The lines of the text the ops point into: an error, and a function's name, say where. */
    readonly lines: LineIndex,
  ) {
    this.fuel = opts.fuel === true;
    this.comments = opts.comments === true;
    this.limits = opts.limits ?? ENGINE_LIMITS;
    // A new function must have room for its first op, or splitting would never end.
    if (this.limits.functionSize < 2 * RESERVE) throw new RangeError(`limits.functionSize must be at least ${2 * RESERVE} bytes, not ${this.limits.functionSize}`);
    this.full = Math.min(SPLIT_SIZE, this.limits.functionSize) - RESERVE;
  }

  // #region func
  /**
   * A function of SIGNATURE, for the code from `at`. Its code sits in one block, at whose end it
   * returns the pointer. A site stores its number in $site and branches out of the block instead, to
   * the one way out that says where it stopped.
   */
  func(name: string, at: number, emitBody: (fn: FunctionLowering) => void, top = false): FuncRef {
    const { functions, functionSize } = this.limits;
    if (this.m.defined >= functions) throw new WasmLimitError(this.lines.pos(at), `the code from here would be function number ${(functions + 1).toLocaleString("en-US")} of the module, one more than a module may have`);
    const { ref, body } = this.m.func(this.unique(name), SIGNATURE, PARAM_NAMES);
    const caller = this.open.at(-1);
    if (caller) this.settled += caller.size; // it waits, at this size, until this function is done
    this.open.push(body);
    const fn = new FunctionLowering(this, body, top);
    emitBody(fn);
    fn.finish();
    this.open.pop();
    if (caller) this.settled -= caller.size;
    this.settled += body.size + FUNCTION_OVERHEAD;
    if (body.size > functionSize) throw new WasmLimitError(this.lines.pos(at), `the function for the code from here is ${body.size.toLocaleString("en-US")} bytes, more than the ${functionSize.toLocaleString("en-US")} a function may have`);
    return ref;
  }
  // #endregion

  // #region has-room
  /** May `body` take the op `next`? False when it is full; an error when the module is. */
  hasRoom(body: FunctionBody, next: Op): boolean {
    const size = body.size;
    if (this.settled + size + RESERVE > this.limits.moduleSize) this.moduleFull(posOf(next));
    return size < this.full;
  }
  // #endregion

  /** The last word on the module's size, once it is encoded: the test as it goes allows for the sections. */
  checkModuleSize(bytes: number, last: number): void {
    if (bytes > this.limits.moduleSize) this.moduleFull(last);
  }

  private moduleFull(at: number): never {
    throw new WasmLimitError(this.lines.pos(at), `the module passes ${this.limits.moduleSize.toLocaleString("en-US")} bytes here, the most a module may have`);
  }

  private unique(name: string): string {
    let n = name;
    for (let i = 2; this.names.has(n); i++) n = `${name}.${i}`;
    this.names.add(n);
    return n;
  }
}

class FunctionLowering {
  private readonly p: Local;
  private readonly tapeSize: Local;
  private readonly fuelLeft: Local | null;
  private readonly site: Local;
  private readonly exit: Label;
  /** Scratch for skipWords, made on first use. */
  private word: Local | undefined;

  constructor(
    private readonly module: ModuleLowering,
    private readonly f: FunctionBody,
    /** True for run(), whose loops are entered once. */
    private readonly top: boolean,
  ) {
    [this.p, this.tapeSize] = [f.param(0), f.param(1)];
    this.site = f.local("i32", "site");
    this.fuelLeft = module.fuel ? f.local("i64", "fuel") : null;
    this.fuelFromGlobal();
    this.exit = f.block();
  }

  // #region finish
  finish(): void {
    const f = this.f;
    const { site, pointer } = this.module.globals;
    this.fuelToGlobal();
    f.emit("local.get", this.p).emit("return");
    f.end();
    // Stopped at the site in $site.
    f.emit("local.get", this.p).emit("global.set", pointer).emit("local.get", this.site).emit("global.set", site);
    this.fuelToGlobal();
    f.emit("i32.const", STOPPED);
  }
  // #endregion

  /** Fuel is a local while a function runs (a global is slower), and the global $fuel between. */
  private fuelFromGlobal(): void {
    if (this.fuelLeft) this.f.emit("global.get", this.module.globals.fuel).emit("local.set", this.fuelLeft);
  }

  private fuelToGlobal(): void {
    if (this.fuelLeft) this.f.emit("local.get", this.fuelLeft).emit("global.set", this.module.globals.fuel);
  }

  // #region call
  /** Call a function of SIGNATURE; if it stopped at a site, so does this one, at once. */
  private call(fn: FuncRef): void {
    const f = this.f;
    this.fuelToGlobal();
    f.emit("local.get", this.p).emit("local.get", this.tapeSize).emit("call", fn).emit("local.tee", this.p);
    f.emit("i32.const", 0).emit("i32.lt_s");
    f.if();
    f.emit("i32.const", STOPPED).emit("return"); // $site and $pointer say where: the callee set them
    f.end();
    this.fuelFromGlobal();
  }
  // #endregion

  // #region split
  /**
   * A list of ops, from `from` on. When this function is full, the rest of the list goes into a
   * function of its own, a part, which does the same when it fills up. A part has SIGNATURE, like a
   * loop's function: it takes the pointer and returns it, and if it stops at a site, so does this one.
   */
  ops(ops: readonly Op[], from = 0): void {
    for (let i = from; i < ops.length; i++) {
      const op = ops[i]!;
      if (!this.module.hasRoom(this.f, op)) {
        const at = posOf(op);
        this.call(this.module.func(`part@${formatPos(this.module.lines.pos(at))}`, at, (part) => part.ops(ops, i), this.top));
        return;
      }
      this.op(op);
    }
  }
  // #endregion

  // #region ops
  private op(op: Op): void {
    const f = this.f;
    if (op.kind !== "loop" && op.kind !== "guard") this.note(() => print({ ops: [op], lines: this.module.lines }).trimEnd());
    switch (op.kind) {
      case "add":
        f.emit("local.get", this.p);
        this.load(op.off);
        f.emit("i32.const", op.k).emit("i32.add");
        this.store(op.off);
        break;
      case "set":
        f.emit("local.get", this.p).emit("i32.const", op.value);
        this.store(op.off);
        break;
      case "muladd":
        f.emit("local.get", this.p);
        this.load(op.dst);
        this.load(op.src);
        if (op.k === -1) f.emit("i32.sub");
        else {
          if (op.k !== 1) f.emit("i32.const", op.k).emit("i32.mul");
          f.emit("i32.add");
        }
        this.store(op.dst); // store8 keeps the low byte: the sum wraps modulo 256 by itself
        break;
      case "in":
        f.emit("local.get", this.p);
        this.load(op.off);
        f.emit("call", this.module.calls.input);
        this.store(op.off);
        break;
      case "out":
        this.load(op.off);
        f.emit("call", this.module.calls.out);
        break;
      case "move":
        this.offTapeUnless([op.delta], op);
        f.emit("local.get", this.p).emit("i32.const", op.delta).emit("i32.add").emit("local.set", this.p);
        break;
      case "check": {
        const offs = op.reach.map((r) => r.off);
        this.offTapeUnless([Math.min(0, ...offs), Math.max(0, ...offs)], op);
        break;
      }
      case "loop":
        this.loop(op);
        break;
      case "scan":
        this.scan(op);
        break;
      case "guard":
        this.guard(op);
        break;
    }
  }
  // #endregion

  /** The LIR an instruction came from, as a comment in the disassembly. */
  private note(text: () => string): void {
    if (this.module.comments) this.f.comment(text());
  }

  /** Push cell [off]: its address is p, its offset the tape's address plus off. */
  private load(off: number): void {
    this.f.emit("local.get", this.p).emit("i32.load8_u", this.module.layout.tape + off);
  }

  /** Store the value on the stack into [off] (the address, p, was pushed before it). */
  private store(off: number): void {
    this.f.emit("i32.store8", this.module.layout.tape + off);
  }

  // #region loop
  /**
   * The test of the `[`, here; then, if the loop runs, one of three shapes. An engine optimizes a
   * function once it has been called a few times (V8 only then; JavaScriptCore can also switch a
   * function that is running), so the hot code must sit in functions that are called often:
   * - an innermost loop stays inline: it is where a program spends its time, and a call on every
   *   entry would cost more than it gives;
   * - a loop that holds loops is a function, called on every entry;
   * - except at the top level, where a loop is entered once: there its body is the function,
   *   called on every iteration.
   */
  private loop(op: LoopOp): void {
    const f = this.f;
    this.note(() => `loop [${op.off}] {  (the test of its '[')`);
    this.loopTest(op, "fuel");
    this.load(op.off);
    f.if();
    const name = `loop@${formatPos(this.module.lines.pos(op.pos))}`;
    if (!hasLoop(op.body)) this.loopBody(op);
    else if (!this.top) this.call(this.module.func(name, op.pos, (inner) => inner.loopBody(op)));
    else {
      const body = this.module.func(name, op.pos, (inner) => inner.ops(op.body));
      const again = f.loop();
      this.call(body);
      this.loopEnd(op, again);
      f.end();
    }
    f.end();
  }

  /** The loop itself: the body, then the test of the `]`, and round again while it passes. */
  private loopBody(op: LoopOp): void {
    const again = this.f.loop();
    this.ops(op.body);
    this.loopEnd(op, again);
    this.f.end();
  }

  /** The test of the loop's `]`: back to `again` while its cell is not 0. */
  private loopEnd(op: LoopOp, again: Label): void {
    this.note(() => `}  (the test of the loop's ']')`);
    this.loopTest(op, "fuel-end");
    this.load(op.off);
    this.f.emit("br_if", again);
  }
  // #endregion


  // #region scan
  /** While [0] is not 0, move by the stride, checking each step. */
  private scan(op: ScanOp): void {
    const f = this.f;
    if (!this.module.fuel && (op.stride === 1 || op.stride === -1)) this.skipWords(op.stride);
    const done = f.block();
    const again = f.loop();
    this.loopTest(op, "fuel");
    this.load(0);
    f.emit("i32.eqz").emit("br_if", done);
    this.offTapeUnless([op.stride], op);
    f.emit("local.get", this.p).emit("i32.const", op.stride).emit("i32.add").emit("local.set", this.p);
    f.emit("br", again);
    f.end();
    f.end();
  }
  // #endregion

  // #region skip-words
  /**
   * Before a scan by one cell, skip eight at a time while all eight are on the tape and none is 0:
   * one i64 load and a little arithmetic instead of eight tests. Where it stops, the cell-by-cell
   * loop takes over, so the scan still ends, or fails, exactly where it would have. (With fuel every
   * test counts, so that code tests cell by cell.)
   */
  private skipWords(stride: 1 | -1): void {
    const f = this.f;
    const word = (this.word ??= f.local("i64", "word"));
    const tape = this.module.layout.tape;
    const stop = f.block();
    const again = f.loop();
    // The eight cells, and the one after them where a skip lands, must be on the tape: going right,
    // p+8 (p..p+7 are read); going left, p-8 (p-7..p are read).
    if (stride === 1) f.emit("local.get", this.p).emit("i32.const", 8).emit("i32.add").emit("local.get", this.tapeSize).emit("i32.ge_u");
    else f.emit("local.get", this.p).emit("i32.const", 8).emit("i32.lt_u");
    f.emit("br_if", stop);
    f.emit("local.get", this.p).emit("i64.load", stride === 1 ? tape : tape - 7);
    zeroBytes(f, word);
    f.emit("i64.eqz");
    f.if(); // no 0 among them: skip all eight
    f.emit("local.get", this.p).emit("i32.const", 8 * stride).emit("i32.add").emit("local.set", this.p).emit("br", again);
    f.end();
    // The first 0 in the scan's direction: the lowest byte going right, the highest going left.
    f.emit("local.get", this.p).emit("local.get", word).emit(stride === 1 ? "i64.ctz" : "i64.clz").emit("i32.wrap_i64").emit("i32.const", 3).emit("i32.shr_u");
    f.emit(stride === 1 ? "i32.add" : "i32.sub").emit("local.set", this.p);
    f.end();
    f.end();
  }
  // #endregion

  // #region guard
  /** Cells lo..hi on the tape: the first branch, else the second. */
  private guard(op: GuardOp): void {
    const f = this.f;
    this.note(() => `guard ${op.cells.lo}..${op.cells.hi} {`);
    const ends = [...new Set([op.cells.lo, op.cells.hi])].filter((o) => o !== 0); // [0] is always on the tape
    if (ends.length === 0) {
      this.ops(op.then);
      return;
    }
    ends.forEach((o, i) => {
      f.emit("local.get", this.p).emit("i32.const", o).emit("i32.add").emit("local.get", this.tapeSize).emit("i32.lt_u");
      if (i > 0) f.emit("i32.and");
    });
    f.if();
    this.ops(op.then);
    if (op.otherwise.length > 0) {
      f.else();
      this.note(() => "} else {");
      this.ops(op.otherwise);
    }
    f.end();
  }
  // #endregion

  // #region bounds
  /**
   * Leave at a new off-tape site unless every cell p + o is on the tape. One unsigned compare per
   * end: p + o below 0 wraps to a number above any tape size, so `p + o >=u tapeSize` tests both.
   */
  private offTapeUnless(ends: readonly number[], op: Op): void {
    const f = this.f;
    const checked = ends.filter((o) => o !== 0);
    if (checked.length === 0) return;
    const test = () =>
      checked.forEach((o, i) => {
        f.emit("local.get", this.p).emit("i32.const", o).emit("i32.add").emit("local.get", this.tapeSize).emit("i32.ge_u");
        if (i > 0) f.emit("i32.or");
      });
    const hi = Math.max(...checked);
    // Failed: the host grows a growing tape to hold p + hi (a fixed one stays), and the test runs again.
    // Going left too: $tapeSize may be what it was when a function the code called grew the tape.
    test();
    f.if();
    f.emit("local.get", this.p).emit("i32.const", hi).emit("i32.add").emit("call", this.module.calls.grow).emit("local.set", this.tapeSize);
    test();
    this.leaveIf({ op, why: "off-tape" });
    f.end();
  }
  // #endregion

  // #region fuel
  /** One loop test's worth of fuel: with none left, leave at a fuel site; else use one. */
  private loopTest(op: LoopOp | ScanOp, why: "fuel" | "fuel-end"): void {
    if (!this.fuelLeft) return;
    const f = this.f;
    f.emit("local.get", this.fuelLeft).emit("i64.eqz");
    this.leaveIf({ op, why });
    f.emit("local.get", this.fuelLeft).emit("i64.const", 1).emit("i64.sub").emit("local.set", this.fuelLeft);
  }
  // #endregion

  // #region leave
  /** If the value on the stack is not 0, stop at a new site: its number goes to $site, then out. */
  private leaveIf(site: Site): void {
    const f = this.f;
    const sites = this.module.sites;
    sites.push(site);
    f.if();
    f.emit("i32.const", sites.length).emit("local.set", this.site).emit("br", this.exit);
    f.end();
  }
  // #endregion
}

/** True when a loop is among `ops`, or inside one of their guards. */
function hasLoop(ops: readonly Op[]): boolean {
  return ops.some((op) => op.kind === "loop" || innerOps(op).some(hasLoop));
}

// #region zero-bytes
const LOW7 = 0x7f7f_7f7f_7f7f_7f7fn;

/**
 * The word on the stack -> a word with 0x80 in each byte that was 0, and 0 elsewhere, exactly:
 * (b & 0x7f) + 0x7f sets the high bit of every byte but 0 and 0x80, `| b` catches 0x80, and no
 * byte carries into the next. The result is also left in `word`.
 */
function zeroBytes(f: FunctionBody, word: Local): void {
  f.emit("local.tee", word).emit("i64.const", LOW7).emit("i64.and").emit("i64.const", LOW7).emit("i64.add");
  f.emit("local.get", word).emit("i64.or").emit("i64.const", LOW7).emit("i64.or").emit("i64.const", -1).emit("i64.xor");
  f.emit("local.tee", word);
}
// #endregion
