// TypeScript's own parser and checker, through TypeScript 7's API: the compiler (tsgo, written in Go)
// runs as a child process and answers over a pipe. Its synchronous client reaches into Node's pipe
// internals, which Bun does not have; the asynchronous one works. The API is marked unstable, so it
// is pinned with the compiler in package.json.
import { resolve } from "node:path";
import { API, DiagnosticCategory, type Checker, type Diagnostic, type Project } from "typescript/unstable/async";
import type { SourceFile } from "typescript/unstable/ast";

/** The compiler could not open the project or a file in it. */
export class TypeScriptApiError extends Error {
  override name = "TypeScriptApiError";
}

export interface TypeScript {
  readonly project: Project;
  readonly checker: Checker;
  /** The parsed file; `path` is absolute and must be part of the project (tsconfig.json's include). */
  sourceFile(path: string): Promise<SourceFile>;
  /** Every error the checker reports for the project, as it would for `tsc --noEmit`. */
  errors(): Promise<readonly Diagnostic[]>;
  close(): Promise<void>;
}

/**
 * Open the repository's tsconfig.json. `overrides` replaces the text of some files (absolute paths)
 * without writing them: the contract check type-checks the stubs in place of the reference this way.
 */
export async function openTypeScript(root: string, overrides?: ReadonlyMap<string, string>): Promise<TypeScript> {
  const config = resolve(root, "tsconfig.json");
  const api = new API({ cwd: root, ...(overrides ? { fs: { readFile: (path: string) => overrides.get(path) } } : {}) });
  try {
    const snapshot = await api.updateSnapshot({ openProject: config });
    const project = snapshot.getProject(config) ?? snapshot.getProjects()[0];
    if (!project) throw new TypeScriptApiError(`TypeScript opened no project for ${config}: is the file there and valid?`);
    return {
      project,
      checker: project.checker,
      async sourceFile(path) {
        const sf = await project.program.getSourceFile(path);
        if (!sf) throw new TypeScriptApiError(`${path} is not part of the TypeScript project: is it under an "include" of ${config}?`);
        return sf;
      },
      async errors() {
        const [syntactic, semantic] = await Promise.all([project.program.getSyntacticDiagnostics(), project.program.getSemanticDiagnostics()]);
        return [...syntactic, ...semantic].filter((d) => d.category === DiagnosticCategory.Error);
      },
      close: () => api.close(),
    };
  } catch (e) {
    await api.close();
    throw e;
  }
}
