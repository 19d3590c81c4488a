/**
 * RepoFileResolver over a directory tree `root/<owner>/<repo>/...` (one checkout per repository,
 * e.g. the fixtures or a work directory of the local runner). Synchronous reads: the loader is
 * pure and synchronous, and these files are small.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RepoFileResolver } from '../../core/coin-files/include-resolver';

/** Reads `root/<owner>/<repo>/<relativePath>`, never outside `root`. */
export class FsRepoResolver implements RepoFileResolver {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The file's text, or undefined when it does not exist (or would lie outside the root). */
  read(repo: string, relativePath: string): { file: string; text: string } | undefined {
    const file = this.describe(repo, relativePath);
    if (!this.isInside(file)) return undefined;
    try {
      return { file, text: fs.readFileSync(file, 'utf8') };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** The absolute path `read` looks at. */
  describe(repo: string, relativePath: string): string {
    return path.resolve(this.root, repo, relativePath);
  }

  /** Repository-relative paths of every `.yaml` file under `dir` of `repo`, sorted. */
  listYamlFiles(repo: string, dir: string): string[] {
    const base = this.describe(repo, dir);
    if (!this.isInside(base) || !fs.existsSync(base)) return [];
    const entries = fs.readdirSync(base, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && e.name.endsWith('.yaml'))
      .map((e) =>
        path.relative(this.describe(repo, ''), path.join(e.parentPath, e.name)).split(path.sep).join('/'),
      )
      .sort();
  }

  private isInside(file: string): boolean {
    const relative = path.relative(this.root, file);
    return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}
