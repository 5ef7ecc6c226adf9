// What every stub in a reader's workspace throws until the reader writes the body. The message names
// the chapter, the file and the function, so a failing test says exactly what is left to write.

/** Thrown by a function of the workbook that the reader has not written yet. */
export class NotImplemented extends Error {
  override name = "NotImplemented";
  /** "01-pages/checks.ts": the module, relative to the workspace. */
  readonly module: string;
  /** "checkSize", "Assembler.add", "new LibcError", "get CodeBuffer.size". */
  readonly function: string;

  constructor(module: string, fn: string) {
    const chapter = Number(/^(\d+)-/.exec(module)?.[1] ?? Number.NaN);
    super(
      `${fn} (${module}${Number.isNaN(chapter) ? "" : `, chapter ${chapter}`}) is not written yet: ` +
        `replace the stub's line (the one that names NotImplemented) with the body its comment and the chapter describe.`,
    );
    this.module = module;
    this.function = fn;
  }
}

/**
 * The stub of a derived class's constructor: TypeScript wants its super(...) call, so the stub is that
 * call, with arguments that throw before the base class is reached. One line, nothing after it.
 */
export function notImplemented<T>(module: string, fn: string): T {
  throw new NotImplemented(module, fn);
}
