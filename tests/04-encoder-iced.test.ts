// The same sweep, decoded by an independent decoder: iced-x86 must read each encoding back as the
// instruction we meant (compared as text, after removing harmless spelling differences), and as
// exactly one instruction of exactly that length. This runs without binutils.
import { expect, test } from "bun:test";
import { encodeForm, x86Forms } from "./support/x86-forms.ts";
import { icedDecodeAll, icedDisagrees } from "./support/x86-iced.ts";

test("chapter 4: iced-x86 decodes every encoding as the instruction it was meant to be", () => {
  const forms = x86Forms();
  const ours = forms.map(encodeForm);
  const decoded = icedDecodeAll(ours.map((o, i) => ({ bytes: o.bytes, ip: forms[i]!.origin ?? 0 })));
  const wrong = forms.flatMap((_, i) => {
    const why = icedDisagrees(ours[i]!.listing, ours[i]!.bytes, decoded[i]!);
    return why ? [`${ours[i]!.listing}: ${why}`] : [];
  });
  console.log(`iced-x86 decoded ${forms.length} forms`);
  expect(wrong.slice(0, 20)).toEqual([]);
});
