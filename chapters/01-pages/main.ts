// Chapter 1 demo: get pages from the kernel two ways, look at them in /proc/self/maps, change their
// protection, give them back, and watch a failing call turn into a typed error.
import { parseCommand } from "../../shared/cli.ts";
import { runMain } from "../../shared/main.ts";
import { bunFFI } from "./ffi.ts";
import { ArgumentError } from "./checks.ts";
import { LibcError } from "./libc.ts";
import { findMapping, formatMapEntry } from "./maps.ts";
import { PROT, allocAligned, freeAligned, hex, isAligned, mapPages, pageSize, protect, unmapPages } from "./pages.ts";
import type { Mapping } from "./pages.ts";

/** The /proc/self/maps line covering `address`, with a note when it is larger than `ours`. */
function mapsLine(address: number, ours: Mapping): string {
  const m = findMapping(address);
  if (!m) return "(no mapping)";
  const exact = m.start === ours.address && m.end === ours.address + ours.size;
  const note = exact ? "exactly our pages" : `${m.end - m.start} bytes: merged with neighbouring pages`;
  return `${formatMapEntry(m)}   <- ${note}`;
}

const USAGE = `usage: bun chapters/01-pages/main.ts

Chapter 1's demo: pages from the kernel two ways, seen in /proc/self/maps, their protection
changed, given back, and a failing call turned into a typed error.

  -h, --help    this text`;

await runMain(() => {
  if (parseCommand(process.argv.slice(2), USAGE, {}) === null) return; // --help
  bunFFI("Chapter 1 (pages)", "linux"); // fail here, in one line, when run under Node
  const page = pageSize();
  console.log(`page size: sysconf(_SC_PAGESIZE) = ${page} bytes\n`);

  const block = allocAligned(2 * page, page);
  console.log(`posix_memalign(&p, ${page}, ${2 * page}) = ${hex(block.address)}`);
  console.log(`  aligned to ${page}: ${isAligned(block.address, page) ? "yes" : "NO"}`);
  console.log(`  /proc/self/maps: ${formatMapEntry(findMapping(block.address)!)}   <- inside the heap`);
  freeAligned(block);

  const mapping = mapPages(2 * page, PROT.READ | PROT.WRITE);
  console.log(`\nmmap(NULL, ${mapping.size}, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) = ${hex(mapping.address)}`);
  console.log(`  aligned to ${page}: ${isAligned(mapping.address, page) ? "yes" : "NO"}`);
  console.log(`  /proc/self/maps: ${mapsLine(mapping.address, mapping)}`);

  protect(mapping.address, mapping.size, PROT.READ);
  console.log(`mprotect(${hex(mapping.address)}, ${mapping.size}, PROT_READ)`);
  console.log(`  /proc/self/maps: ${mapsLine(mapping.address, mapping)}`);

  protect(mapping.address, mapping.size, PROT.READ | PROT.EXEC);
  console.log(`mprotect(${hex(mapping.address)}, ${mapping.size}, PROT_READ | PROT_EXEC)`);
  console.log(`  /proc/self/maps: ${mapsLine(mapping.address, mapping)}`);

  unmapPages(mapping);
  console.log(`munmap(${hex(mapping.address)}, ${mapping.size})`);
  console.log(`  /proc/self/maps: ${mapsLine(mapping.address, mapping)}`);

  // #region demo-errors
  console.log(`\nmprotect on the pages we just unmapped:`);
  try {
    protect(mapping.address, mapping.size, PROT.READ);
  } catch (e) {
    if (!(e instanceof LibcError)) throw e;
    console.log(`  ${e.name} { call: "${e.call}", errno: ${e.errno}, code: "${e.code}" }`);
    console.log(`  ${e.message}`);
  }
  console.log(`mmap of 0 bytes, refused before libc is called:`);
  try {
    mapPages(0, PROT.READ);
  } catch (e) {
    if (!(e instanceof ArgumentError)) throw e;
    console.log(`  ${e.name}: ${e.message}`);
  }
  // #endregion demo-errors
});
