// Types for redirect.mjs (plain JavaScript so that Node's module hooks can load it too).
export interface Workspace {
  /** The repository's root: chapters/ is inside it. */
  readonly root: string;
  /** The reader's workspace, absolute. */
  readonly workspace: string;
  /** True when the workspace has a folder for the chapter `slug` ("04-encoder"). */
  hasChapter(slug: string): boolean;
}
export function workspaceOf(root: string, dir: string): Workspace;
export function toReference(ws: Workspace, path: string): string;
export function toWorkspace(ws: Workspace, path: string): string;
export function redirect(ws: Workspace, specifier: string, importer: string | undefined, cwd?: string): string | null;
