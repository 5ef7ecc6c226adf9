// The classic Brainfuck programs (Erik Bosman's mandelbrot, Brian Raiter's factor, Daniel Cristofani's
// dbfi, Mats Linander's awib, ...): third-party, so not in the repository. `npm run programs -- fetch`
// downloads each file from its public source at a pinned commit, checks its SHA-256, and stores it
// where the benchmarks and tests look (shared/programs.ts's classicDir()). `--from DIR` copies them
// from a local folder instead, with the same checks.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** Where a file comes from: a repository at a commit, or (for the few made for this book) its text. */
export interface ClassicFile {
  /** Where it is stored, relative to the classic folder: "bench/mandelbrot.b". */
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly source: { readonly repo: string; readonly commit: string; readonly path: string } | { readonly text: string };
}

const MATSLINA = { repo: "matslina/bfoptimization", commit: "8322b6828c727f305577649ce0aa48cd3ac7e57f" };
const KOSTYA = { repo: "kostya/benchmarks", commit: "ff6c10dd9863d0ffdedff75f62c7d40e226c0af7" };
const RDEBATH = { repo: "rdebath/Brainfuck", commit: "525d346c006ea30dfc847ae3b32ed44d44fa9925" };

type Origin = typeof MATSLINA;
const from = (o: Origin, path: string, file: string, sha256: string, bytes: number): ClassicFile => ({
  file,
  sha256,
  bytes,
  source: { ...o, path },
});
const made = (file: string, text: string): ClassicFile => ({
  file,
  sha256: createHash("sha256").update(text).digest("hex"),
  bytes: Buffer.byteLength(text),
  source: { text },
});

// #region manifest
export const CLASSIC_FILES: readonly ClassicFile[] = [
  from(MATSLINA, "progs/mandelbrot.b", "bench/mandelbrot.b", "04e2523401cc0e0cbe4a27add0bc68a3f6c89354004b9a6481e4ce9497c115e4", 11741),
  from(MATSLINA, "progs/mandelbrot.b.out", "bench/mandelbrot.out", "83a0aac65090b3b5e85c22337afac39d8ac17bfd88675f044b33bd55ca0c351b", 6240),
  from(MATSLINA, "progs/hanoi.b", "bench/hanoi.b", "6bc0808a0e7e085a93de8f6a3cf82418a3f7e14eaf31acea9de80fc6ee50105a", 54593),
  from(MATSLINA, "progs/hanoi.b.out", "bench/hanoi.out", "6c0e1c32f8c67e23ef855e44142ef49a71a3f57ffe742bd2bf13f1307bfbd2eb", 19090),
  from(MATSLINA, "progs/factor.b", "bench/factor.b", "e95fc1e207cb91753abdd0777514ed0d7bceafca6a6e3b576f05a1163a84a9a7", 5832),
  from(MATSLINA, "progs/factor.b.in", "bench/factor.in", "c68cfb7d17797549b27180a006c78960bb6281804c70015584c062121205fcaf", 16),
  from(MATSLINA, "progs/factor.b.out", "bench/factor.out", "a2d50317fb3b252303d229fb284ed190c8272f9a741e245b117a0353de2b30d1", 36),
  from(MATSLINA, "progs/long.b", "bench/long.b", "91c7e6639ac9b3c311237f636dcdf32f94e74404368fb2b85d755161bb690cee", 292),
  from(MATSLINA, "progs/long.b.out", "bench/long.out", "13598656f10fa962b75f6c4587a61a067c14c1ef7dc9ca3703da76bae4c1beb1", 1),
  from(MATSLINA, "progs/dbfi.b", "bench/dbfi.b", "25c6aa40888f9b5718532bb65b75b67a9667a1ca1116ad9d97cc7545feeef1a7", 596),
  from(MATSLINA, "progs/dbfi.b.in", "bench/dbfi.in", "2bb009222488e54cb17e4d41b27f44a6e069c52822335c957841592ccdcc6c30", 667),
  from(MATSLINA, "progs/dbfi.b.out", "bench/dbfi.out", "a5d559e689dcb4e68d5dfd5148cae43e5c9c9dd4845cd945002157fe69dd3ec1", 9),
  from(MATSLINA, "progs/awib-0.4.b", "bench/awib-0.4.b", "982d0a2a92d569a1d53c3147410baf2a1b61a5545a0baea8293e92ad9ec6a0f2", 69240),
  from(MATSLINA, "progs/awib-0.4.b.in", "bench/awib-0.4.in", "b165e5101fea741dbed6ca0c7f028883856e706b93aac351170d16214a243e42", 69252),
  from(MATSLINA, "progs/awib-0.4.b.out", "bench/awib-0.4.out", "9c99ef806f9d59ac322939ec65c1cf9ac97772be262584ade20704214445ee0e", 66337),
  from(KOSTYA, "brainfuck/bench.b", "bench/bench.b", "d3b0eace3fae44dd49f877c0e2ae7a67a3bdb1936d002e181084126a80139f95", 220),
  made("bench/bench.out", "ZYXWVUTSRQPONMLKJIHGFEDCBA\n"),
  made("bench/factor-small.in", "179424691\n"), // a prime: factor.b's work at about a tenth of factor.in's
  made("bench/factor-small.out", "179424691: 179424691\n"),
  from(RDEBATH, "testing/Bench.b", "bench/counter.b", "4209958daf0dd67b0caf8737cc29f0b2f89d99f00a33e0bd338f84e92561f231", 225),
  from(RDEBATH, "testing/Bench.out", "bench/counter.out", "565339bc4d33d72817b583024112eb7f5cdf3e5eef0252d6ec1b9c9a94e12bb3", 2),
  from(RDEBATH, "testing/Beer.b", "extra/Beer.b", "83a5d4acee427295186e7690715aeaff4abe2ca872111d770cb4fc8cb3c778f7", 1905),
  from(RDEBATH, "testing/Beer.out", "extra/Beer.out", "351cecece16399cd5bc31fdf217eaae1f8cbad805bede2bcfefcdbe719cfab5d", 11354),
  from(RDEBATH, "testing/Golden.b", "extra/Golden.b", "7f7b7b9f8b1dda2ee4af52eedff1e0999d8de0f64c015d6274f658f12b729626", 1970),
  from(RDEBATH, "testing/Golden.out", "extra/Golden.out", "7bdd51fbc05175bf5c431bed6920c99176b3d23f58e9e5bda87166fa4a554874", 38),
  from(RDEBATH, "testing/Life.b", "extra/Life.b", "4586cfdced1ac26718ae2db2d840a8b13b1fb9291bd0ae5b3171f0c33007cb84", 3651),
  from(RDEBATH, "testing/Life.in", "extra/Life.in", "241e15206b6220d7159699a96ebd45be57070ea7de7315c696c3d4f2fe339dcc", 64),
  from(RDEBATH, "testing/Life.out", "extra/Life.out", "a93bf37b5d3c945e4fa683521b1c831b1fbb24c1d76f9cd39e18cc2846ced56e", 3591),
  from(RDEBATH, "testing/LostKng.b", "extra/LostKng.b", "0548a5d2433ea1a9461a32affd2dcadba828dea740f5d7d2c89e93f654d69b01", 2189420),
  from(RDEBATH, "testing/LostKng.in", "extra/LostKng.in", "02823291b5fa5493779e1d1f2dd7aacc6d92fc2e0177e6b15da06b667c504efc", 44),
  from(RDEBATH, "testing/LostKng.out", "extra/LostKng.out", "b13ab5904331f54239f1aeb69bed85fc356f32d1b5557aa6a1a391a23b69d08e", 3438),
];
// #endregion

/** Raw files of a public repository at a commit: `${base}/${repo}/${commit}/${path}`. */
export const DEFAULT_BASE_URL = "https://raw.githubusercontent.com";

export class ProgramsFetchError extends Error {
  override name = "ProgramsFetchError";
}

export interface FetchOptions {
  /** The classic folder to fill. */
  readonly dest: string;
  /** Copy from this local folder (laid out like dest, or flat) instead of downloading. */
  readonly from?: string;
  readonly baseUrl?: string;
  readonly files?: readonly ClassicFile[];
  /** One line per file, for progress. */
  readonly log?: (line: string) => void;
}

export interface FetchReport {
  readonly stored: number;
  /** Files already present with the right hash, left alone. */
  readonly present: number;
}

export const sha256Of = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Is `file` stored in `dest` with the right contents? */
export function isStored(dest: string, f: ClassicFile): boolean {
  const path = join(dest, f.file);
  return existsSync(path) && sha256Of(readFileSync(path)) === f.sha256;
}

// #region fetch
/**
 * Store every classic file in `dest`, each checked against its SHA-256 before it is written (through a
 * temporary name, so an interrupted fetch never leaves a half file under the real one).
 */
export async function fetchClassics(o: FetchOptions): Promise<FetchReport> {
  const files = o.files ?? CLASSIC_FILES;
  let stored = 0;
  let present = 0;
  for (const f of files) {
    if (isStored(o.dest, f)) {
      present++;
      continue;
    }
    const data = await obtain(f, o);
    const got = sha256Of(data);
    if (got !== f.sha256) {
      throw new ProgramsFetchError(
        `${f.file}: SHA-256 ${got} is not the expected ${f.sha256} (${describeSource(f)}): ` +
          `the file changed or the download was cut short; nothing was stored for it`,
      );
    }
    const path = join(o.dest, f.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.part`, data);
    renameSync(`${path}.part`, path);
    stored++;
    o.log?.(`  ${f.file} (${f.bytes.toLocaleString("en")} bytes)`);
  }
  return { stored, present };
}
// #endregion

async function obtain(f: ClassicFile, o: FetchOptions): Promise<Uint8Array> {
  if ("text" in f.source) return new TextEncoder().encode(f.source.text);
  if (o.from !== undefined) {
    // ../shared/bf (bench/ and extra/ inside) or one of its folders (the files flat).
    const candidates = [join(o.from, f.file), join(o.from, basename(f.file))];
    const path = candidates.find((p) => existsSync(p));
    if (path === undefined) throw new ProgramsFetchError(`${f.file} is not in ${resolve(o.from)} (looked for ${candidates.join(" and ")})`);
    return new Uint8Array(readFileSync(path));
  }
  const url = `${o.baseUrl ?? DEFAULT_BASE_URL}/${f.source.repo}/${f.source.commit}/${f.source.path}`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new ProgramsFetchError(`could not download ${url} (${(e as Error).message}): check the network, or use --from DIR with a local copy`);
  }
  if (!response.ok) throw new ProgramsFetchError(`${url} answered ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

export function describeSource(f: ClassicFile): string {
  return "text" in f.source ? "made for this book" : `${f.source.repo} @ ${f.source.commit.slice(0, 7)} : ${f.source.path}`;
}
