// The playground's worker: runs the pipeline off the page's thread, so a long program never blocks
// typing, and the page can terminate it when it runs too long.
import { runPipeline } from "./pipeline.ts";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";

const scope = self as unknown as { onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null; postMessage(m: WorkerReply): void };

scope.onmessage = (e) => {
  const { id, request } = e.data;
  try {
    scope.postMessage({ id, report: runPipeline(request) });
  } catch (err) {
    scope.postMessage({ id, crash: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
  }
};
