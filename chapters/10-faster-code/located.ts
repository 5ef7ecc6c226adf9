// Where did the runtime put the code? Chapter 7's NativeProgram keeps its code buffer to itself, so
// we ask the kernel, as chapter 1 did: a read-execute mapping that appears in /proc/self/maps while
// the program loads holds it. The kernel merges neighbouring mappings with the same protection, so
// the code may sit at either end of that mapping: the bytes themselves say where.
import { roundUp } from "../01-pages/checks.ts";
import { readMaps, type MapEntry } from "../01-pages/maps.ts";
import { bytesAt, pageSize } from "../01-pages/pages.ts";
import { NativeProgram, type GeneratedCode } from "../07-template-jit/runtime.ts";

export class CodeNotFoundError extends Error {
  override name = "CodeNotFoundError";
}

// #region located
export function loadLocated(generated: GeneratedCode): { program: NativeProgram; address: number } {
  const before = new Set(readMaps().map(key));
  const program = NativeProgram.load(generated);
  const size = generated.code.length;
  const fresh = readMaps().filter((m) => !before.has(key(m)) && m.perms.startsWith("r-x") && m.end - m.start >= size);
  const places = fresh.flatMap((m) => [m.start, m.end - roundUp(Math.max(1, size), pageSize())]);
  const address = places.find((at) => same(bytesAt(at, size), generated.code));
  if (address === undefined) {
    program.free();
    throw new CodeNotFoundError(`the code just loaded (${size} bytes) is in no new read-execute mapping of /proc/self/maps: load it again, on one thread`);
  }
  return { program, address };
}
// #endregion located

const key = (m: MapEntry): string => `${m.start}-${m.end}-${m.perms}`;

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
