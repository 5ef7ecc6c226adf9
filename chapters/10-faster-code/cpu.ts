// Does this CPU run AVX2 code? Ask it: `cpuid` says whether the instructions exist, and `xgetbv`
// whether the operating system saves the 256-bit registers on a context switch (without that, an
// AVX2 instruction faults even on a CPU that has it). Both are a few bytes of our own machine code,
// assembled with chapter 4's encoder and run once, where the kernel has not already said (Linux
// lists the answer among the CPU's flags in /proc/cpuinfo; reading that is cheaper than building a
// call into new machine code).
import { readFileSync } from "node:fs";
import { CodeBuffer } from "../03-w-xor-x/code-buffer.ts";
import { eax, ebx, ecx, r8d, rbx } from "../04-encoder/registers.ts";
import { Asm } from "../05-control-flow/labels.ts";
import type { Simd } from "./fast-lowering.ts";

// #region probe
/** Bits of cpuid and xgetbv's answers: OSXSAVE and AVX in leaf 1's ecx, AVX2 in leaf 7's ebx. */
export const CPUID_BITS = { osxsave: 1 << 27, avx: 1 << 28, avx2: 1 << 5, xmmYmmState: 0b110 } as const;

/**
 * `uint32_t probe(void)`: 1 when the CPU has AVX2 and the OS keeps ymm state, else 0. rbx is
 * callee-saved and cpuid writes it, so it is saved around.
 */
export function avx2Probe(): Asm {
  const a = new Asm();
  const no = a.newLabel("no_avx2");
  a.push(rbx)
    .mov(eax, 1).xor(ecx, ecx).cpuid() //                              leaf 1: ecx has OSXSAVE and AVX
    .mov(r8d, ecx).and(r8d, CPUID_BITS.osxsave | CPUID_BITS.avx).cmp(r8d, CPUID_BITS.osxsave | CPUID_BITS.avx).jne(no)
    .xor(ecx, ecx).db(0x0f, 0x01, 0xd0) //                              xgetbv: edx:eax = XCR0
    .and(eax, CPUID_BITS.xmmYmmState).cmp(eax, CPUID_BITS.xmmYmmState).jne(no)
    .mov(eax, 7).xor(ecx, ecx).cpuid() //                              leaf 7, subleaf 0: ebx has AVX2
    .mov(eax, ebx).shr(eax, 5).and(eax, 1)
    .pop(rbx).ret()
    .bind(no).xor(eax, eax).pop(rbx).ret();
  return a;
}
// #endregion probe

/** What the probe answers, asked by running it: assembling it and building its call cost a process some milliseconds. */
export function probeSimd(): Simd {
  const buffer = CodeBuffer.create(64);
  try {
    const probe = buffer.write(avx2Probe().finish()).seal().fn({ args: [], returns: "u32" });
    return probe() === 1 ? "avx2" : "sse2";
  } finally {
    buffer.free();
  }
}

/**
 * What Linux already found out: it runs the same cpuid and xgetbv at boot and lists "avx2" among a
 * CPU's flags in /proc/cpuinfo only when the CPU has it and the kernel saves the ymm registers.
 * Null when there is no such file to read.
 */
export function kernelSimd(cpuinfo = "/proc/cpuinfo"): Simd | null {
  let text: string;
  try {
    text = readFileSync(cpuinfo, "utf8");
  } catch {
    return null;
  }
  const flags = /^flags\s*:(.*)$/m.exec(text)?.[1];
  if (flags === undefined) return null;
  return flags.trim().split(/\s+/).includes("avx2") ? "avx2" : "sse2";
}

let detected: Simd | undefined;

/** "avx2" when this machine runs AVX2 code, else "sse2" (every x86-64 has SSE2). Asked once: the kernel, else the probe. */
export function detectSimd(): Simd {
  return (detected ??= kernelSimd() ?? probeSimd());
}
