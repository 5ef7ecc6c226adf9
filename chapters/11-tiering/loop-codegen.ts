// One hot loop, alone, to machine code. It reuses everything of chapter 9's optimizing lowering: the
// entry that loads the registers from the context block, the exits, the I/O routines. One thing
// differs from a whole program: the end of the loop hands back to the interpreter instead of ending.
import { eax } from "../04-encoder/registers.ts";
import { X86Lowering, type X86Code } from "../08-lir/codegen-x86.ts";
import type { Lir } from "../08-lir/lir.ts";
import { optRules, type ScanImports } from "../09-optimizer/codegen-opt.ts";

// #region loop-lowering
/**
 * Chapter 9's lowering, but the unit's last op is followed by a plain return (status 0) instead of
 * the program's ending, which would flush the output buffer. The buffer is shared: the interpreter
 * goes on filling it where the loop left off, and flushing at every exit would cost a write per exit.
 */
export function loopToX86(unit: Lir, imports: ScanImports): X86Code {
  const l = new X86Lowering(imports, undefined, optRules(imports), (l, ops) => {
    l.sequence(ops);
    if (ops === unit.ops) l.a.xor(eax, eax).jmp(l.x.leave); // the program's final flush is never reached
  });
  return l.generate(unit);
}
// #endregion loop-lowering
