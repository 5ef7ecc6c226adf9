// Every tier of the book, in its order: chapter 9's tier registry with each later chapter's
// registrations loaded (chapter 13's imports chapter 11's, which imports chapter 10's). The bench,
// the fuzzer and the test harness read it here.
import "../chapters/13-wasm-backend/tiers.ts";

export { commandTiers, registeredTiers, tierNamed, type TierEntry } from "../chapters/09-optimizer/tiers.ts";
