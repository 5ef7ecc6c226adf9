// Files that live in memory (memfd_create): how a run's input is handed to `read` and its output
// captured from `write`, without a pipe that could fill up and without touching the real stdin
// and stdout.
import { closeSync, fstatSync, readSync, writeSync } from "node:fs";
import { createMemfd } from "../03-w-xor-x/dual-mapping.ts";

// #region memory-file
/** An empty file in memory (chapter 3's memfd, never executable as a program). Close it with closeMemoryFile. */
export function openMemoryFile(name: string): number {
  return createMemfd(name);
}

/** A file in memory holding `bytes`, its offset at 0: read() returns them, then end of file. */
export function memoryFileWith(name: string, bytes: Uint8Array): number {
  const fd = openMemoryFile(name);
  // A positioned write (pwrite) leaves the file offset at 0, where read() will start.
  if (bytes.length > 0) writeSync(fd, bytes, 0, bytes.length, 0);
  return fd;
}

/** Everything written to the file so far. */
export function memoryFileBytes(fd: number): Uint8Array {
  const bytes = new Uint8Array(fstatSync(fd).size);
  let done = 0;
  for (let n = 1; done < bytes.length && n > 0; done += n) n = readSync(fd, bytes, done, bytes.length - done, done);
  return bytes.subarray(0, done);
}
// #endregion memory-file

export function closeMemoryFile(fd: number): void {
  closeSync(fd);
}
