// The programs the playground offers to start from. Their comments avoid the eight command
// characters (so no commas or full stops): in Brainfuck, every other character is a comment.
import type { EofBehavior } from "../../chapters/06-interpreter/semantics.ts";

export interface Example {
  readonly name: string;
  readonly source: string;
  readonly input?: string;
  /** What `,` stores at the end of the input, when the example needs a particular choice. */
  readonly eof?: EofBehavior;
}

export const EXAMPLES: readonly Example[] = [
  {
    name: "Hello World",
    source:
      "Hello World: the classic with nested loops that build the letters\n" +
      "++++++++[>++++[>++>+++>+++>+<<<<-]>+>+>->>+[<]<-]>>.>---.+++++++..+++.>>.<-.<.+++.------.--------.>>+.>++.\n",
  },
  { name: "Echo the input", source: "Copy the input to the output until the input ends (end of input reads as 0)\n,[.,]\n", input: "Just in Time", eof: "zero" },
  { name: "Copy a cell", source: "Set cell 0 to 5 then move it into cells 1 and 2\n+++++[->+>+<<]\nMove cell 2 back into cell 0\n>>[-<<+>>]<<\n" },
  { name: "Alphabet", source: "Print the alphabet\n++++++++[>++++++++<-]>+ cell 1 is 65 (A)\n<++++++++++++++++++++++++++ cell 0 is 26\n[>.+<-]\n" },
  { name: "Never stops", source: "An infinite loop: the step limit stops it\n+[]\n" },
  { name: "Unbalanced", source: "A parse error: two loops that are never closed\n[[\n" },
];
