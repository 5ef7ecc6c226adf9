// The browser's JavaScript, bundled by Bun.build from the site's TypeScript and the chapters' own
// modules. The playground must reach only pure TypeScript: a bundle that reaches bun:ffi (or any
// Bun or Node builtin) fails here, with Bun's message, which names the import.
import { resolve } from "node:path";
import { ROOT } from "../shared/child.ts";

export class BundleError extends Error {
  override name = "BundleError";
}

/** The bundled, minified script for `entry` (relative to the repository root), as one classic script. */
export async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const result = await Bun.build({
    entrypoints: [resolve(ROOT, entry)],
    target: "browser",
    format: "iife",
    minify: true,
    define,
    throw: false,
  });
  if (!result.success) {
    const logs = result.logs.map((l) => `  ${String(l.message ?? l)}`).join("\n");
    throw new BundleError(
      `bundling ${entry} for the browser failed:\n${logs}\n` +
        `Code that runs in the browser may import only pure-TypeScript modules (never chapters/01-pages/ffi.ts, bun:ffi or node:*).`,
    );
  }
  return await result.outputs[0]!.text();
}
