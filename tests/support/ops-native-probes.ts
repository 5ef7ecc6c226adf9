// lir-native-probes.ts with chapter 9's ops defined: hand-written LIR that uses muladd, scan and
// guard, compiled by chapter 8's backend through their definitions, and run in a child process.
import "../../chapters/09-optimizer/ops.ts";
export { runLirCases } from "./lir-native-probes.ts";
