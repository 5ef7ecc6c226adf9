// The workbook's redirect for Node (tsx), which does not run Bun's preload: when JIT_WORKBOOK names a
// workspace, `verify` puts `--import` of this file in NODE_OPTIONS, so a test that runs a chapter under
// `npx tsx` runs the reader's code too.
import { register } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread } from "node:worker_threads";
import { redirect, workspaceOf } from "./redirect.mjs";

const dir = process.env.JIT_WORKBOOK;
const root = fileURLToPath(new URL("../..", import.meta.url)).replace(/\/$/, "");
const ws = dir ? workspaceOf(root, dir) : null;

// Runs twice: in the main thread, where it registers itself, and in the loader thread, as the hooks.
if (ws && isMainThread) register(import.meta.url);

export async function resolve(specifier, context, nextResolve) {
  const importer = context.parentURL?.startsWith("file:") ? fileURLToPath(context.parentURL) : undefined;
  const target = ws ? redirect(ws, specifier, importer) : null;
  return nextResolve(target ? pathToFileURL(target).href : specifier, context);
}
