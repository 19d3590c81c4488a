// In-memory Coin files for unit tests: repositories as maps of path -> text.
import type { RepoFileResolver } from '../../../../../runner/core/coin-files/include-resolver';
import type { PlatformConfigSource } from '../../../../../runner/core/coin-files/platform-configs';

/** A RepoFileResolver over `{ 'qt/qtbase': { 'coin/instructions/a.yaml': '...' } }`; file names are `repo/path`. */
export function memoryRepos(
  repos: Record<string, Record<string, string>>,
): RepoFileResolver & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read(repo, relativePath) {
      reads.push(`${repo}/${relativePath}`);
      const text = repos[repo]?.[relativePath];
      return text === undefined ? undefined : { file: `${repo}/${relativePath}`, text };
    },
  };
}

/** A PlatformConfigSource over `{ 'qtbase.yaml': '...' }`; file names are the names themselves. */
export function memoryPlatformConfigs(files: Record<string, string>): PlatformConfigSource {
  return { read: (name) => (files[name] === undefined ? undefined : { file: name, text: files[name]! }) };
}

/** Join lines into a YAML text (keeps tests' line numbers readable). */
export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}
