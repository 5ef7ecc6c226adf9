// Loader hooks: Bun plugins that must see each module as it loads (the workbook's redirection to the
// reader's code, coverage's instrumenter). Each says so here when it installs itself; code that could
// load the modules some other way (a prebuilt bundle) asks first, and loads them from source instead.
const KEY = Symbol.for("just-in-time/load-hooks");

type WithHooks = typeof globalThis & { [KEY]?: string[] };

/** Called by a preload that installs a loader hook. */
export function declareLoadHook(name: string): void {
  const g = globalThis as WithHooks;
  (g[KEY] ??= []).push(name);
}

/** The loader hooks installed in this process, by name (none, most of the time). */
export function loadHooks(): readonly string[] {
  return (globalThis as WithHooks)[KEY] ?? [];
}
