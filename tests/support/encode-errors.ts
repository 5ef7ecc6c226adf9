// The encoder's refusals as tests state them (chapter 4's tests and its given tests alike).
import { expect, test } from "bun:test";
import { Assembler } from "../../chapters/04-encoder/assembler.ts";
import { EncodeError } from "../../chapters/04-encoder/errors.ts";

/** A test that `emit` throws an EncodeError quoting `instruction` and saying `why`. */
export function expectError(instruction: string, why: RegExp, emit: (a: Assembler) => unknown): void {
  test(`error: ${instruction}`, () => {
    let error: unknown;
    try {
      emit(new Assembler());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EncodeError);
    expect((error as EncodeError).instruction).toBe(instruction);
    expect((error as EncodeError).message).toStartWith(`'${instruction}': `);
    expect((error as EncodeError).message).toMatch(why);
  });
}
