// The random program generator lives in shared/bf-random.ts (the fuzzer, npm run fuzz, uses it too).
export * from "../../shared/bf-random.ts";
