// This chapter's tiers in the book's tier registry (chapter 9's tiers.ts), after chapter 9's: the fast
// tier, the same with one bounds test per block (to measure what the checks cost), and with SSE2
// scans on any CPU (the tests' way to the SSE2 path on an AVX2 machine; no command runs it alone).
import { registerTier } from "../09-optimizer/tiers.ts";

const MAIN = "chapters/10-faster-code/main.ts";
const JIT = "chapters/10-faster-code/jit.ts";

// #region register
registerTier({ name: "fast", label: "fast code (ch. 10)", title: "fast code (chapter 10)", command: { main: MAIN, tier: "fast" }, native: { module: JIT, export: "fastJit" } });
registerTier({ name: "fast-unchecked", label: "fast, one bounds test per block", title: "fast code with one bounds test per block (chapter 10)", command: { main: MAIN, tier: "fast-unchecked" }, native: null });
registerTier({ name: "fast-sse2", label: "fast code, SSE2 scans", title: "fast code with SSE2 scans (chapter 10)", command: null, native: { module: JIT, export: "fastSse2Jit" } });
// #endregion register
