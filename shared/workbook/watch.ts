// verify --watch: run, then run again whenever a file changes, one run at a time. Saves come in
// bursts (an editor writes a file, then renames it), so changes are gathered for a moment first.
import { watch, type FSWatcher } from "node:fs";

/** Calls `run` after `trigger()`, at most one run at a time; triggers during a run cause one more. */
export class Rerunner {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> | null = null;
  #again = false;
  runs = 0;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly debounceMs = 150,
  ) {}

  trigger(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#start();
    }, this.debounceMs);
  }

  /** Resolves once no run is going and none is waiting. */
  async idle(): Promise<void> {
    while (this.#running || this.#timer) await (this.#running ?? new Promise((r) => setTimeout(r, this.debounceMs)));
  }

  #start(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.runs++;
    this.#running = this.run().finally(() => {
      this.#running = null;
      if (this.#again) {
        this.#again = false;
        this.#start();
      }
    });
  }
}

/** Watch `dirs` (recursively) for TypeScript changes; returns a function that stops watching. */
export function watchTypeScript(dirs: readonly string[], onChange: () => void): () => void {
  const watchers: FSWatcher[] = dirs.map((dir) =>
    watch(dir, { recursive: true }, (_event, file) => {
      if (file === null || String(file).endsWith(".ts")) onChange();
    }),
  );
  return () => watchers.forEach((w) => w.close());
}
