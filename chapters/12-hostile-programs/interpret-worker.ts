// The worker side of interpretWithTimeout: run chapter 6's interpreter on what the message says, and
// post the result back, or the write that failed. The main thread terminates this worker if it runs
// past its time limit.
import { isMainThread } from "node:worker_threads";
import { interpret } from "../06-interpreter/interpreter.ts";
import { parse } from "../06-interpreter/parser.ts";
import { fdSink, OutputWriteError } from "../06-interpreter/write-all.ts";
import type { WorkerAnswer, WorkerRequest } from "./watchdog.ts";
import { toWire } from "./wire.ts";

declare const self: Worker;

if (!isMainThread) {
  self.onmessage = (e: MessageEvent<WorkerRequest>) => {
    const { source, opts, outputFd } = e.data;
    let answer: WorkerAnswer;
    try {
      answer = toWire(interpret(parse(source), opts, outputFd === undefined ? undefined : fdSink(outputFd)));
    } catch (error) {
      if (!(error instanceof OutputWriteError)) throw error;
      answer = { writeFailed: { fd: error.fd, code: error.code, reason: error.reason } };
    }
    self.postMessage(answer);
  };
}
