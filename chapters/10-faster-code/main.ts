// Run a Brainfuck program with the fast tier, or any earlier one: command.ts is the command (its
// --help says what it takes). This file only starts it, from its bytecode bundle when that is fresh
// (shared/start-up.ts): the same code, without parsing its modules first.
import { startCommand } from "../../shared/start-up.ts";

await startCommand("chapters/10-faster-code/command.ts");
