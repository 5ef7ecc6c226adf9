// Chapter 7, what the workbook gives the reader: the context block's layout, a table the generated
// code and the host must agree on, so it is given rather than written.
import { describe, expect, test } from "bun:test";
import { CONTEXT_SIZE, CTX, STATUS } from "../chapters/07-template-jit/context.ts";

describe("the context block", () => {
  test("the context block's layout: 8-byte fields, in order, and the statuses", () => {
    const offsets: number[] = Object.values(CTX);
    expect(offsets).toEqual(offsets.map((_, i) => 8 * i));
    expect(CONTEXT_SIZE).toBe(8 * offsets.length);
    expect(STATUS).toEqual({ OK: 0, OFF_TAPE: 1, WRITE_FAILED: 2, READ_FAILED: 3 });
  });
});
