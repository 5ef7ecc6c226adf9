// What a JavaScript engine accepts in one WebAssembly module. The core specification leaves such
// limits to each implementation; the JavaScript API specification fixes them for every JavaScript
// embedding ("Implementation-defined Limits", https://webassembly.github.io/spec/js-api/#limits), and
// V8 (src/wasm/wasm-limits.h) and JavaScriptCore (Source/JavaScriptCore/wasm/WasmLimits.h) enforce
// exactly these numbers: past one, `new WebAssembly.Module` throws a CompileError.
import type { SourcePos } from "../06-interpreter/source.ts";
import { LirError } from "../08-lir/errors.ts";

// #region limits
/** The most bytes in one function's body, its declarations of locals included. */
export const MAX_FUNCTION_SIZE = 7_654_321;
/** The most bytes in a module: 1 GiB. */
export const MAX_MODULE_SIZE = 1024 * 1024 * 1024;
/** The most functions a module defines. */
export const MAX_FUNCTIONS = 1_000_000;

export interface WasmLimits {
  readonly functionSize: number;
  readonly moduleSize: number;
  readonly functions: number;
}

export const ENGINE_LIMITS: WasmLimits = { functionSize: MAX_FUNCTION_SIZE, moduleSize: MAX_MODULE_SIZE, functions: MAX_FUNCTIONS };
// #endregion

// #region limit-error
/**
 * A program whose module would pass one of the limits even split into functions, at the op where it
 * passes it. The engine would refuse the module; a native tier has no such limit.
 */
export class WasmLimitError extends LirError {
  override name = "WasmLimitError";

  constructor(pos: SourcePos, what: string) {
    super(
      pos,
      `${what}, so no JavaScript engine would load it. Run the program with a native tier, which has no ` +
        `such limit (bun chapters/09-optimizer/main.ts), or make it smaller.`,
    );
  }
}
// #endregion
