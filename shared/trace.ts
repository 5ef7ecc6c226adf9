// Breadcrumbs for the child-process harness. When JIT_TRACE=1, the memory chapters report each
// mapping change and each call into generated code on stderr, so that a parent that sees the child
// die of SIGSEGV can say which page was involved and what state it was in.
import { writeSync } from "node:fs";

export type Prot = string; // "rw-", "r-x", "rwx", "---" as in /proc/self/maps

export type TraceEvent =
  | { ev: "map"; addr: number; size: number; prot: Prot; how: string }
  | { ev: "protect"; addr: number; size: number; prot: Prot }
  | { ev: "unmap"; addr: number; size: number }
  | { ev: "call"; addr: number };

export const TRACE_PREFIX = "jit-trace ";
const enabled = typeof process !== "undefined" && process.env?.JIT_TRACE === "1";

export function trace(event: TraceEvent): void {
  if (enabled) writeSync(2, TRACE_PREFIX + JSON.stringify(event) + "\n");
}

/** PROT_* bits as the three letters /proc/self/maps prints. */
export function protString(prot: number): Prot {
  return (prot & 1 ? "r" : "-") + (prot & 2 ? "w" : "-") + (prot & 4 ? "x" : "-");
}

export function parseTrace(stderr: string): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const line of stderr.split("\n")) {
    if (line.startsWith(TRACE_PREFIX)) events.push(JSON.parse(line.slice(TRACE_PREFIX.length)) as TraceEvent);
  }
  return events;
}
