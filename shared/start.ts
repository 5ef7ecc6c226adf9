// npm start: the book's main job. Until the site exists (issue: the site), it runs every chapter's
// demo in order; then it will build the site and serve it.
import { runDemos } from "./demos.ts";

const failures = await runDemos();
console.log(failures === 0 ? "\nEvery chapter's demo ran." : `\n${failures} demo(s) failed.`);
process.exit(failures === 0 ? 0 : 1);
