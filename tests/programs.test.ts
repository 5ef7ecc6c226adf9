// The programs the book runs: the catalogue (shared/programs.ts) and the optional download of the
// classic ones (`npm run programs -- fetch`), tested against a server on 127.0.0.1 (no test reaches
// the internet) and, where CI has them, from the local copy beside the checkout.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CLASSIC_FILES, fetchClassics, ProgramsFetchError, sha256Of, type ClassicFile } from "../shared/classic-programs.ts";
import { ROOT, runBun } from "../shared/child.ts";
import { programsCommand } from "../shared/programs-cli.ts";
import { withClassicDir } from "./support/bf-programs.ts";
import { BENCH_PROGRAM_NAMES, CLASSIC_ENV, CLASSIC_NOTE, findProgram, findPrograms, PROGRAM_NAMES, programsIn, UnknownProgramError } from "../shared/programs.ts";
import { exitOf } from "./support/exit.ts";

const scratch = mkdtempSync(join(tmpdir(), "jit-programs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Two files of a made-up repository, as the server below serves them. */
const enc = (s: string) => new TextEncoder().encode(s);
const FILES: ClassicFile[] = [
  { file: "bench/tiny.b", sha256: sha256Of(enc("+++.")), bytes: 4, source: { repo: "someone/bf", commit: "c0ffee", path: "progs/tiny.b" } },
  { file: "bench/tiny.out", sha256: sha256Of(enc("\x03")), bytes: 1, source: { repo: "someone/bf", commit: "c0ffee", path: "progs/tiny.b.out" } },
];
const served = new Map([
  ["/someone/bf/c0ffee/progs/tiny.b", "+++."],
  ["/someone/bf/c0ffee/progs/tiny.b.out", "\x03"],
]);

describe("npm run programs -- fetch", () => {
  const requests: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      requests.push(path);
      const body = served.get(path);
      return body === undefined ? new Response("no such file", { status: 404 }) : new Response(body);
    },
  });
  afterAll(() => server.stop(true));
  const baseUrl = `http://127.0.0.1:${server.port}`;

  test("downloads each file from REPO/COMMIT/PATH, checks its SHA-256, and keeps what is already there", async () => {
    const dest = join(scratch, "download");
    expect(await fetchClassics({ dest, baseUrl, files: FILES })).toEqual({ stored: 2, present: 0 });
    expect(readFileSync(join(dest, "bench/tiny.b"), "utf8")).toBe("+++.");
    expect(requests).toEqual(["/someone/bf/c0ffee/progs/tiny.b", "/someone/bf/c0ffee/progs/tiny.b.out"]);
    expect(await fetchClassics({ dest, baseUrl, files: FILES })).toEqual({ stored: 0, present: 2 });
    expect(requests).toHaveLength(2); // nothing downloaded again
  });

  test("a file whose SHA-256 differs is refused and not stored; a missing one names its URL", async () => {
    const dest = join(scratch, "bad");
    served.set("/someone/bf/c0ffee/progs/tiny.b", "+++.!");
    try {
      const err = await fetchClassics({ dest, baseUrl, files: FILES }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProgramsFetchError);
      expect((err as Error).message).toStartWith(`bench/tiny.b: SHA-256 ${sha256Of(enc("+++.!"))} is not the expected ${FILES[0]!.sha256}`);
      expect(existsSync(join(dest, "bench/tiny.b"))).toBe(false);
      expect(existsSync(join(dest, "bench/tiny.b.part"))).toBe(false);
    } finally {
      served.set("/someone/bf/c0ffee/progs/tiny.b", "+++.");
    }
    const missing: ClassicFile = { ...FILES[0]!, source: { repo: "someone/bf", commit: "c0ffee", path: "nope.b" } };
    await expect(fetchClassics({ dest, baseUrl, files: [missing] })).rejects.toThrow(`${baseUrl}/someone/bf/c0ffee/nope.b answered 404`);
  });

  test("--from DIR copies from a local folder, laid out like the store or flat", async () => {
    const flat = join(scratch, "flat");
    mkdirSync(flat);
    writeFileSync(join(flat, "tiny.b"), "+++.");
    writeFileSync(join(flat, "tiny.out"), "\x03");
    expect(await fetchClassics({ dest: join(scratch, "from-flat"), from: flat, files: FILES })).toEqual({ stored: 2, present: 0 });
    const err = await fetchClassics({ dest: join(scratch, "from-none"), from: join(scratch, "download", "bench", "nothing"), files: FILES }).catch((e: unknown) => e);
    expect((err as Error).message).toContain("bench/tiny.b is not in");
  });

  test("the manifest: every classic program's files, from three repositories at pinned commits", () => {
    const repos = new Set(CLASSIC_FILES.flatMap((f) => ("repo" in f.source ? [`${f.source.repo}@${f.source.commit}`] : [])));
    expect([...repos].every((r) => /@[0-9a-f]{40}$/.test(r))).toBe(true);
    expect(repos.size).toBe(3);
    for (const f of CLASSIC_FILES) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const p of findPrograms(undefined, (s) => s.origin === "classic").missing.concat(findPrograms(undefined, (s) => s.origin === "classic").programs.map((x) => x.name))) {
      expect(PROGRAM_NAMES).toContain(p);
    }
  });

  // CI has the third-party programs beside its checkout: the real manifest against the real files.
  const shared = resolve(ROOT, "../shared/bf");
  test.if(existsSync(shared))("the real manifest matches the copy beside the checkout, file for file", async () => {
    const dest = join(scratch, "real");
    const r = await fetchClassics({ dest, from: shared });
    expect(r).toEqual({ stored: CLASSIC_FILES.length, present: 0 });
    expect(readdirSync(join(dest, "bench")).length + readdirSync(join(dest, "extra")).length).toBe(CLASSIC_FILES.length);
  });

  test("the command: list, fetch, --help, and a clear word for a wrong one", async () => {
    const lines: string[] = [];
    const dest = join(scratch, "cli");
    // The made-up server has none of the real manifest's files: the first one's URL is named.
    await expect(programsCommand(["fetch", "--base-url", baseUrl, "--dir", dest], (l) => lines.push(l))).rejects.toThrow(
      `${baseUrl}/matslina/bfoptimization/8322b6828c727f305577649ce0aa48cd3ac7e57f/progs/mandelbrot.b answered 404`,
    );
    expect(lines[0]).toBe(`classic programs -> ${dest}`);
    lines.length = 0;
    await programsCommand(["--help"], (l) => lines.push(l));
    expect(lines[0]).toStartWith("npm run programs -- [list | fetch] [options]");
    await expect(programsCommand(["frobnicate"])).rejects.toThrow("unknown command 'frobnicate': list or fetch");
    await expect(programsCommand(["--nope"])).rejects.toThrow("--nope");
  });
});

describe("the catalogue", () => {
  test("names every program once; unknown names are refused, naming the choices", () => {
    expect(new Set(PROGRAM_NAMES).size).toBe(PROGRAM_NAMES.length);
    expect(() => findProgram("nosuch")).toThrow(UnknownProgramError);
    expect(() => findPrograms(["hello", "nosuch"])).toThrow("there is no program 'nosuch': choose from hello, ");
    expect(BENCH_PROGRAM_NAMES.length).toBeGreaterThan(0);
  });

  test("without the classic programs, they are left out with the note that says how to get them", async () => {
    const empty = join(scratch, "empty");
    mkdirSync(empty);
    const r = await runBun("shared/programs-cli.ts", ["list"], { env: { [CLASSIC_ENV]: empty } });
    expect(exitOf(r)).toEqual({ exitCode: 0 });
    expect(r.stdout).toMatch(/^mandelbrot +classic +not installed/m);
    expect(r.stdout).toContain(`classic files in ${empty}: 0 of ${CLASSIC_FILES.length} (npm run programs -- fetch)`);
    withClassicDir(empty, () => {
      const set = findPrograms(["hello", "mandelbrot"]);
      expect(set.programs.map((p) => p.name)).toEqual(["hello"]);
      expect(set).toMatchObject({ missing: ["mandelbrot"], note: CLASSIC_NOTE });
      expect(findProgram("mandelbrot")).toBeNull();
    });
  });

  test("a folder of programs: NAME.b with NAME.out, and NAME.in when it reads", () => {
    const dir = join(scratch, "folder");
    mkdirSync(dir);
    writeFileSync(join(dir, "a.b"), ",.");
    writeFileSync(join(dir, "a.in"), "x");
    writeFileSync(join(dir, "a.out"), "x");
    writeFileSync(join(dir, "b.b"), "."); // no .out: not a program of the set
    const set = programsIn(dir);
    expect(set.programs.map((p) => [p.name, p.inputFile !== null])).toEqual([["a", true]]);
    expect(set.missing).toEqual(["b"]);
    expect(programsIn(join(dir, "none")).note).toBe(`there is no folder ${join(dir, "none")}`);
  });
});
