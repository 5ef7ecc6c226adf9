// The workbook's contract, for every chapter on disk: with the chapter replaced by its stubs, every
// one of its tests fails (none passes for free), its *-given tests pass, and every stub module loads.
// The reference passing all of them is the rest of the suite's job. About 30 s: the chapters' tests
// run once each against their stubs, two chapters at a time.
import { beforeAll, describe, expect, test } from "bun:test";
import { checkContract, formatContract } from "../shared/workbook/contract.ts";
import { generateStubs, type StubFile } from "../shared/workbook/generate.ts";
import { chaptersOnDisk, ROOT } from "../shared/workbook/layout.ts";
import { openTypeScript } from "../shared/workbook/typescript.ts";

// Tests that pass against their chapter's stubs today, in chapters still being written. Each is for
// the chapter's author to fix (see `npm run workbook -- contract N`); the test fails when an entry
// is fixed, so that it is removed here too.
const PENDING: Readonly<Record<string, readonly string[]>> = {};

// noUnusedLocals and noUnusedParameters: a stub leaves its parameters and imports unused; and
// strictPropertyInitialization (2564): a stubbed derived constructor assigns no field. The
// workspace's tsconfig.json turns those off.
const UNUSED = new Set([6133, 6138, 6192, 6196, 6198, 2564]);

describe("the workbook's contract", () => {
  // Generated once, first: the type check runs right after, before chapters being written change.
  let stubs: StubFile[];
  beforeAll(async () => {
    stubs = await generateStubs(chaptersOnDisk());
  }, 120_000);

  test(
    "the stubs type-check in place of the reference (but for unused names)",
    async () => {
      const ts = await openTypeScript(ROOT, new Map(stubs.map((s) => [s.reference, s.text])));
      try {
        const errors = (await ts.errors()).filter((d) => !UNUSED.has(d.code));
        expect(errors.map((d) => `${d.fileName}: TS${d.code} ${d.text}`)).toEqual([]);
      } finally {
        await ts.close();
      }
    },
    120_000,
  );

  test(
    "against its stubs, every test of every chapter fails, its *-given tests pass, and its modules load",
    async () => {
      const results = await checkContract(chaptersOnDisk(), { parallel: 2, stubs });
      const problems = results.flatMap((r) => {
        const pending = PENDING[r.chapter.slug] ?? [];
        const free = r.passedForFree.filter((t) => !pending.includes(t));
        const fixed = pending.filter((t) => !r.passedForFree.includes(t));
        if (r.chapter.tests.length === 0) return []; // a chapter being written, before its first test
        const broken = free.length > 0 || r.givenFailing.length > 0 || r.loadFailures.length > 0 || r.stubbed.counts.fail === 0;
        return [
          ...(broken ? [formatContract([r])] : []),
          ...fixed.map((t) => `${r.chapter.slug}: "${t}" fails against the stubs now: remove it from PENDING`),
        ];
      });
      expect(problems).toEqual([]);
    },
    600_000,
  );
});
