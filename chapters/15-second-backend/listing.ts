// Chapter 14's assembler, remembering where each label was bound, so that a listing shows the labels
// the branches name and reads back as GNU as source: the same text assembles to the same words.
import { Assembler, type Label } from "../14-second-machine/assembler.ts";

// #region labelled
export class LabelledAssembler extends Assembler {
  /** The labels bound at each offset, in the order they were bound. */
  readonly #marks = new Map<number, string[]>();

  override bind(label: Label): this {
    super.bind(label);
    const names = this.#marks.get(this.offset) ?? [];
    names.push(label.name);
    this.#marks.set(this.offset, names);
    return this;
  }

  /** Where each label was bound, by name. */
  labels(): ReadonlyMap<string, number> {
    return new Map([...this.#marks].flatMap(([offset, names]) => names.map((n) => [n, offset] as const)));
  }

  /** GNU as source: each label on a line of its own before the instruction it marks. */
  source(): string[] {
    const lines: string[] = [];
    for (const l of this.listing) {
      for (const name of this.#marks.get(l.offset) ?? []) lines.push(`${name}:`);
      lines.push(l.text);
    }
    for (const name of this.#marks.get(this.offset) ?? []) lines.push(`${name}:`);
    return lines;
  }

  /**
   * The listing: labels, then offset, word and instruction, one line each, as `--emit=asm` prints it;
   * only the instructions at offsets `keep` accepts, with their labels, when it is given.
   */
  text(keep: (offset: number) => boolean = () => true): string {
    const lines: string[] = [];
    for (const l of this.listing) {
      if (!keep(l.offset)) continue;
      for (const name of this.#marks.get(l.offset) ?? []) lines.push(`${name}:`);
      lines.push(`  ${l.offset.toString(16).padStart(4, "0")}  ${l.word.toString(16).padStart(8, "0")}  ${l.text}`);
    }
    return lines.join("\n");
  }
}
// #endregion labelled
