// npm start: the book's main command. Builds the site (chapters rendered with live results, cached
// in .cache/site) and serves it on localhost.   npm start -- [--port N] [--fresh]
import { parseCommand } from "./cli.ts";
import { runMain } from "./main.ts";
import { buildAndReport } from "../site/build.ts";
import { portFrom, serveSite } from "../site/serve.ts";

export const START_USAGE = `npm start -- [--port N] [--fresh] [--out DIR]

Build the book's site (every chapter with its live results, cached in .cache/site) and serve it on
127.0.0.1, printing the URL.

  --port N      serve on port N (default $PORT, or 8080; a taken port falls back to a free one)
  --fresh       run every live command again instead of reusing cached results
  --out DIR     write the site to DIR (default dist/site)
  -h, --help    this text`;

await runMain(async () => {
  const args = parseCommand(process.argv.slice(2), START_USAGE, { options: { port: { type: "string" }, fresh: { type: "boolean" }, out: { type: "string" } } });
  if (args === null) return;
  const port = portFrom(args.values.port);
  const report = await buildAndReport(args.values);
  const server = serveSite(report.outDir, port);
  if (port !== 0 && server.port !== port) console.log(`Port ${port} is taken; using ${server.port} instead.`);
  console.log(`\nThe book is at ${server.url}  (open it in a browser; Ctrl-C to stop)`);
});
