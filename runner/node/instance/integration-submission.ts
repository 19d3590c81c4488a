/**
 * How a local integration becomes a task's source (what `coin integrate` sends is validated by the
 * contract's integrationRequestSchema, runner/core/instance-api-schemas.ts).
 */
import path from 'node:path';
import * as z from 'zod';

/** The task source stored with a local integration: everything needed to plan it again. */
export const localGitSourceSchema = z.object({
  kind: z.literal('local-git'),
  repo: z.string(),
  ref: z.string(),
  sha: z.string(),
  configs: z.array(z.string()),
  searchRoots: z.array(z.string()),
  /** No test work items (runner/core/build-only.ts). */
  onlyBuild: z.boolean().optional(),
});
export type LocalGitSource = z.infer<typeof localGitSourceSchema>;

/** `/src/qt/qtsvg` -> `qt/qtsvg`: the last two path components. */
export function defaultProject(repo: string): string {
  return path.resolve(repo).split(path.sep).filter(Boolean).slice(-2).join('/');
}

/** Where dependencies are looked for: --deps-root first, then next to the repository (and one level up). */
export function searchRoots(repo: string, depsRoot?: string): string[] {
  const parent = path.dirname(path.resolve(repo));
  return [...(depsRoot ? [path.resolve(depsRoot)] : []), parent, path.dirname(parent)];
}
