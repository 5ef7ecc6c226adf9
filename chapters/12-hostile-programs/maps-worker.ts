// A second thread that reads /proc/self/maps while the main thread is inside generated code: the
// main thread cannot look at its own mappings then, since it is busy running the code.
import { readFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

declare const self: Worker;

if (!isMainThread) {
  self.onmessage = (e: MessageEvent<{ readonly delayMs: number }>) => {
    setTimeout(() => self.postMessage({ maps: readFileSync("/proc/self/maps", "utf8"), at: Date.now() }), e.data.delayMs);
  };
  self.postMessage("ready");
}
