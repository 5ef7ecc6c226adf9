// bfgen's entry point for code: a spec's text to Brainfuck.
import { generate, type Generated } from "./generate.ts";
import { parseSpec } from "./parse.ts";

export { SpecError } from "./parse.ts";

/** The Brainfuck program a spec describes; `file` names the spec in a SpecError's message. */
export function generateFile(file: string, text: string): Generated {
  return generate(file, parseSpec(file, text));
}
