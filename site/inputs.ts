// What a live result depends on, as one hash: the command, every file the command could read (the
// chapter folders up to its own, shared/, and any file named on the command line), and the Bun that
// runs it. Same hash, same output: the build reuses the cached result instead of running it again.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { ChapterInfo } from "../shared/chapters.ts";
import { ROOT } from "../shared/child.ts";
import { commandArgv } from "../shared/directives.ts";
import { classicDir } from "../shared/programs.ts";
import { bunVersion } from "./provenance.ts";

/** Bump when the cached record's shape or the way results are produced changes. */
const CACHE_FORMAT = 2;

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

export class InputHasher {
  private readonly folders = new Map<string, string>();
  private files: Map<string, string[]> | null = null;

  constructor(private readonly root: string = ROOT) {}

  /** The cache key of a run directive's command in `chapter`. */
  keyFor(command: string, chapter: ChapterInfo, chapters: readonly ChapterInfo[]): string {
    const folders = ["shared", ...chapters.filter((c) => c.n <= chapter.n).map((c) => `chapters/${c.slug}`)];
    const named = commandArgv(command)
      .slice(1)
      .map((w) => resolve(this.root, w))
      .filter((p) => p.startsWith(this.root + "/") && existsSync(p) && statSync(p).isFile() && !this.coveredBy(p, folders))
      // A file the command writes (its --out, under .cache/ or dist/) is an output, not an input.
      .filter((p) => !/^(\.cache|dist|coverage)\//.test(relative(this.root, p)));
    return sha256(
      JSON.stringify({
        format: CACHE_FORMAT,
        command,
        bun: bunVersion(),
        // Where the optional classic programs are looked for (the files themselves: LiveResult.reads).
        classic: classicDir(),
        folders: folders.map((f) => [f, this.folderDigest(f)]),
        files: named.map((p) => [relative(this.root, p), sha256(readFileSync(p))]),
      }),
    );
  }

  /** A digest of every file under `folder` that git would track (ignored files excluded). */
  folderDigest(folder: string): string {
    let digest = this.folders.get(folder);
    if (digest === undefined) {
      const h = createHash("sha256");
      for (const f of this.listing().get(folder) ?? []) h.update(f).update("\0").update(readFileSync(join(this.root, f))).update("\0");
      digest = h.digest("hex");
      this.folders.set(folder, digest);
    }
    return digest;
  }

  private coveredBy(path: string, folders: readonly string[]): boolean {
    const rel = relative(this.root, path);
    return folders.some((f) => rel.startsWith(f + "/"));
  }

  /** Files grouped by folder ("shared", "chapters/01-pages"), sorted, from one `git ls-files`. */
  private listing(): Map<string, string[]> {
    if (this.files) return this.files;
    const git = Bun.spawnSync(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "chapters", "shared"], {
      cwd: this.root,
      stdout: "pipe",
      stderr: "ignore",
    });
    const paths = git.exitCode === 0 ? git.stdout.toString().split("\0").filter(Boolean) : walk(this.root, ["chapters", "shared"]);
    const groups = new Map<string, string[]>();
    for (const p of paths.filter((p) => existsSync(join(this.root, p))).sort()) {
      const parts = p.split("/");
      const folder = parts[0] === "chapters" ? parts.slice(0, 2).join("/") : parts[0]!;
      groups.set(folder, [...(groups.get(folder) ?? []), p]);
    }
    this.files = groups;
    return groups;
  }
}

/** Outside a git checkout (a tarball), every file under the folders. */
function walk(root: string, folders: readonly string[]): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const p = `${dir}/${e.name}`;
      if (e.isDirectory()) visit(p);
      else if (e.isFile()) out.push(p);
    }
  };
  for (const f of folders) if (existsSync(join(root, f))) visit(f);
  return out;
}
