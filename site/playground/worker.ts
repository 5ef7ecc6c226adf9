// The playground's worker: runs the pipeline off the page's thread, so a long program never blocks
// typing, and the page can terminate it when it runs too long.
import { bookError, runPipeline } from "./pipeline.ts";
import type { WorkerReply, WorkerRequest } from "./protocol.ts";

const scope = self as unknown as { onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null; postMessage(m: WorkerReply): void };

scope.onmessage = (e) => {
  const { id, request } = e.data;
  try {
    scope.postMessage({ id, report: runPipeline(request) });
  } catch (err) {
    const error = bookError("The pipeline", err);
    scope.postMessage({ id, crash: `${error.name}: ${error.message}` });
  }
};
