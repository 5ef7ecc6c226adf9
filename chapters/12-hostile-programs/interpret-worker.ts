// The worker side of interpretWithTimeout: run chapter 6's interpreter on what the message says, and
// post the result back. The main thread terminates this worker if it runs past its time limit.
import { isMainThread } from "node:worker_threads";
import { interpret } from "../06-interpreter/interpreter.ts";
import { parse } from "../06-interpreter/parser.ts";
import type { RunOptions } from "../06-interpreter/semantics.ts";
import { toWire } from "./wire.ts";

declare const self: Worker;

if (!isMainThread) {
  self.onmessage = (e: MessageEvent<{ readonly source: string; readonly opts: RunOptions }>) => {
    self.postMessage(toWire(interpret(parse(e.data.source), e.data.opts)));
  };
}
