// Child side of the contract's load check: import each module named on the command line (under a
// workspace, through the preload) and print, as JSON, the ones whose import threw.
const failures: { module: string; error: string }[] = [];
for (const module of process.argv.slice(2)) {
  try {
    await import(module);
  } catch (e) {
    failures.push({ module, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
}
console.log(JSON.stringify(failures));
export {};
