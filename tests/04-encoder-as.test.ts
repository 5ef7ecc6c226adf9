// Chapter 4's core check: every form the encoder supports (tests/support/x86-forms.ts), assembled in
// one batch by GNU as and compared byte for byte. The expected bytes come from the assembler, never
// from the encoder's tables. A mismatch shows both encodings split into fields.
import { describe, expect, test } from "bun:test";
import { compareFields } from "../chapters/04-encoder/fields.ts";
import { assembleWithGas, gasUnavailable, gasVersion } from "./support/x86-gas.ts";
import { encodeForm, x86Forms, type X86Form } from "./support/x86-forms.ts";

const missing = gasUnavailable();
if (missing) console.warn(`skipping the GNU as comparison: ${missing}`);

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

// Built once for both tests: the sweep and our encoding of each form.
let sweep: { forms: X86Form[]; ours: ReturnType<typeof encodeForm>[] } | undefined;
function encoded() {
  if (!sweep) {
    const forms = x86Forms();
    sweep = { forms, ours: forms.map(encodeForm) };
  }
  return sweep;
}

describe.skipIf(missing !== null)("chapter 4: the encoder against GNU as", () => {
  test("every form encodes to the bytes GNU as produces", () => {
    const { forms, ours } = encoded();
    const gas = assembleWithGas(forms.map((f) => f.text));

    const mismatches: string[] = [];
    const perGroup = new Map<string, number>();
    forms.forEach((f, i) => {
      perGroup.set(f.group, (perGroup.get(f.group) ?? 0) + 1);
      const [a, b] = [ours[i]!.bytes, gas[i]!.bytes];
      if (hex(a) === hex(b)) return;
      mismatches.push(`${f.text}\n  ours:   ${hex(a)}\n  GNU as: ${hex(b)}  (${gas[i]!.text})\n${compareFields(a, b)}`);
    });

    const summary = [...perGroup].map(([g, n]) => `${g} ${n}`).join(", ");
    console.log(`checked ${forms.length} forms against ${gasVersion()}: ${summary}`);
    if (mismatches.length) console.error(`${mismatches.length} mismatches; the first ones:\n\n${mismatches.slice(0, 10).join("\n\n")}`);
    expect(forms.length).toBeGreaterThanOrEqual(30_000);
    expect(mismatches).toEqual([]);
  });
});

// No binutils needed: the listing must spell each form exactly as the sweep wrote it for GNU as.
test("chapter 4: the listing of every form is its GNU as text (branches show their target offset)", () => {
  const { forms, ours } = encoded();
  const wrong = forms.flatMap((f, i) => (ours[i]!.listing === (f.listing ?? f.text) ? [] : [`${f.text} lists as ${ours[i]!.listing}`]));
  expect(wrong).toEqual([]);
});
