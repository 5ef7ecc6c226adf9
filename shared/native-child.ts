// Child side of runNative(): import a module, call one export, print its result after a marker.
import { RESULT_MARKER, fromJSON, toJSON } from "./child.ts";

const [modulePath, exportName, argsJson] = process.argv.slice(2);
if (!modulePath || !exportName) {
  console.error("usage: bun shared/native-child.ts <module> <export> [json-args]");
  process.exit(2);
}
const mod = (await import(modulePath)) as Record<string, unknown>;
const fn = mod[exportName];
if (typeof fn !== "function") {
  console.error(`${modulePath} has no exported function ${exportName}`);
  process.exit(2);
}
const args = argsJson ? (fromJSON(argsJson) as unknown[]) : [];
try {
  const value: unknown = await (fn as (...a: unknown[]) => unknown)(...args);
  process.stdout.write(RESULT_MARKER + toJSON(value ?? null) + "\n");
} catch (e) {
  const err = e instanceof Error ? e : new Error(String(e));
  process.stdout.write(RESULT_MARKER + toJSON({ $error: err.name, message: err.message }) + "\n");
  process.exitCode = 1;
}
