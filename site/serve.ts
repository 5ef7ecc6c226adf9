// npm run serve: serve the built site on localhost.   bun site/serve.ts [--port N]
// Loopback only: the site is for the reader on this machine.
import { existsSync, statSync } from "node:fs";
import { join, normalize, resolve } from "node:path";
import { parseCommand } from "../shared/cli.ts";
import { runMain } from "../shared/main.ts";
import { DEFAULT_OUT } from "./builder.ts";

export const DEFAULT_PORT = 8080;

export class ServeError extends Error {
  override name = "ServeError";
}

export interface SiteServer {
  readonly url: string;
  readonly port: number;
  stop(): void;
}

/** The file a URL path names inside `dir`, or null (never anything outside `dir`). */
export function fileFor(dir: string, pathname: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const file = normalize(join(dir, path));
  if (file !== dir && !file.startsWith(dir + "/")) return null;
  if (existsSync(file) && statSync(file).isDirectory()) return existsSync(join(file, "index.html")) ? join(file, "index.html") : null;
  return existsSync(file) ? file : null;
}

/** Serve `dir` on 127.0.0.1:`port`; if that port is taken, on a free one instead. */
export function serveSite(dir: string = DEFAULT_OUT, port: number = DEFAULT_PORT): SiteServer {
  const root = resolve(dir);
  if (!existsSync(join(root, "index.html"))) throw new ServeError(`${root} has no index.html: build the site first with \`npm run site\`.`);
  const fetch = (req: Request) => {
    const file = fileFor(root, new URL(req.url).pathname);
    if (file) return new Response(Bun.file(file));
    return new Response(Bun.file(join(root, "404.html")), { status: 404, headers: { "content-type": "text/html;charset=utf-8" } });
  };
  let server: ReturnType<typeof Bun.serve>;
  try {
    server = Bun.serve({ hostname: "127.0.0.1", port, fetch });
  } catch (e) {
    if (port === 0 || !/in use|EADDRINUSE/i.test(String((e as Error).message) + String((e as { code?: string }).code))) throw e;
    server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch });
  }
  return { url: server.url.href, port: server.port!, stop: () => void server.stop(true) };
}

/** --port's value, else $PORT, else 8080. */
export function portFrom(value: string | undefined, env: Record<string, string | undefined> = process.env): number {
  const raw = value ?? env.PORT;
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServeError(`--port must be a whole number from 0 to 65535, not '${raw}'.`);
  return port;
}

const SERVE_USAGE = `npm run serve -- [--port N]

Serve the built site (dist/site) on 127.0.0.1, printing the URL.

  --port N      serve on port N (default $PORT, or 8080; a taken port falls back to a free one)
  -h, --help    this text`;

if (import.meta.main) {
  await runMain(() => {
    const args = parseCommand(process.argv.slice(2), SERVE_USAGE, { options: { port: { type: "string" } } });
    if (args === null) return;
    const s = serveSite(DEFAULT_OUT, portFrom(args.values.port));
    console.log(`Serving the book at ${s.url}  (Ctrl-C to stop)`);
  });
}
