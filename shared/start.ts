// npm start: the book's main command. Builds the site (chapters rendered with live results, cached
// in .cache/site) and serves it on localhost.   npm start -- [--port N] [--fresh]
import { runMain } from "./main.ts";
import { buildAndReport } from "../site/build.ts";
import { portFrom, serveSite } from "../site/serve.ts";

await runMain(async () => {
  const argv = process.argv.slice(2);
  const port = portFrom(argv);
  const report = await buildAndReport(argv);
  const server = serveSite(report.outDir, port);
  if (port !== 0 && server.port !== port) console.log(`Port ${port} is taken; using ${server.port} instead.`);
  console.log(`\nThe book is at ${server.url}  (open it in a browser; Ctrl-C to stop)`);
});
