// This chapter's tiers in the book's tier registry (chapter 9's tiers.ts), after chapter 10's: the
// tiered JIT (the test harness runs it eager, so that nearly every loop goes native part-way
// through), and the optimized LIR compiled to JavaScript.
import "../10-faster-code/tiers.ts";
import { registerTier } from "../09-optimizer/tiers.ts";

const MAIN = "chapters/11-tiering/main.ts";

// #region register
registerTier({
  name: "tiered",
  label: "tiered (interp. + hot loops)",
  title: "tiered JIT: interpreter, hot loops compiled (chapter 11)",
  command: { main: MAIN, tier: "tiered" },
  native: { module: "chapters/11-tiering/tiered-jit.ts", export: "eagerTieredJit" },
});
registerTier({ name: "js-opt", label: "LIR as JavaScript", title: "optimized LIR as JavaScript (chapter 11)", command: { main: MAIN, tier: "js-opt" }, native: null });
// #endregion register
