// This chapter's tier in the book's tier registry (chapter 9's tiers.ts), after chapter 11's: the
// optimized LIR compiled to WebAssembly, run by the engine's own compiler.
import "../11-tiering/tiers.ts";
import { registerTier } from "../09-optimizer/tiers.ts";

// #region register
registerTier({ name: "wasm", label: "WebAssembly", title: "WebAssembly (chapter 13)", command: { main: "chapters/13-wasm-backend/main.ts", tier: null }, native: null });
// #endregion register
