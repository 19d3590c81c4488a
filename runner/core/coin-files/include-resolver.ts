/**
 * Expands `!include "{{owner/repo}}/path.yaml"` directives: the target is
 * `coin/instructions/path.yaml` of repository owner/repo (subfolders allowed). Files come from a
 * RepoFileResolver (which picks the revision); parsed and expanded files are cached per
 * IncludeResolver, so a second module that includes the same qtbase templates parses nothing.
 */
import { copySourceInfo, IncludeDirective, parseCoinYaml } from './coin-yaml';
import type { CoinYamlOptions } from './coin-yaml';
import { CoinFileError } from './source-pos';
import type { SourcePos } from './source-pos';

/** Reads files of repositories; the implementation decides which revision of each repository. */
export interface RepoFileResolver {
  /** The text of `relativePath` (e.g. `coin/instructions/x.yaml`) in `repo` (`qt/qtbase`), or undefined. */
  read(repo: string, relativePath: string): { file: string; text: string } | undefined;
  /** Optional: where `read` looked, for "not found" messages (e.g. an absolute path). */
  describe?(repo: string, relativePath: string): string;
}

/** The file an include names: a repository and a path inside it. */
export interface IncludeTarget {
  readonly repo: string;
  readonly path: string;
}

/** Where instruction files live inside a repository; `{{repo}}/x.yaml` is relative to it. */
export const instructionsDir = 'coin/instructions';

const targetPattern = /^\{\{([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)\}\}\/(.+)$/;

/** Turn `{{qt/qtbase}}/debian/x.yaml` into {repo: 'qt/qtbase', path: 'coin/instructions/debian/x.yaml'}. */
export function parseIncludeTarget(spec: string, pos?: SourcePos): IncludeTarget {
  const match = targetPattern.exec(spec);
  if (!match) {
    throw new CoinFileError(pos, `!include "${spec}" must look like "{{owner/repo}}/path/file.yaml"`);
  }
  const segments = match[2]!.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\'))) {
    throw new CoinFileError(pos, `!include "${spec}" must name a file inside ${instructionsDir}`);
  }
  return { repo: match[1]!, path: `${instructionsDir}/${segments.join('/')}` };
}

/** Counters that tell a cold load (files parsed) from a warm one (served from the caches). */
export interface IncludeResolverStats {
  filesParsed: number;
  parseCacheHits: number;
  expandCacheHits: number;
}

interface OpenFile {
  readonly key: string;
  /** The include that opened this file; undefined for the file loading started from. */
  readonly site: SourcePos | undefined;
}

/** Loads Coin files with their includes expanded, detecting cycles and missing targets. */
export class IncludeResolver {
  readonly stats: IncludeResolverStats = { filesParsed: 0, parseCacheHits: 0, expandCacheHits: 0 };
  private readonly parsedFiles = new Map<string, { file: string; value: unknown } | undefined>();
  private readonly expandedFiles = new Map<string, unknown>();
  private readonly expandedValues = new WeakMap<object, unknown>();

  constructor(
    readonly files: RepoFileResolver,
    private readonly yamlOptions: CoinYamlOptions = {},
  ) {}

  /** One parsed file, includes not expanded (cached); undefined when the file does not exist. */
  parsed(repo: string, relativePath: string): { file: string; value: unknown } | undefined {
    const key = `${repo}:${relativePath}`;
    if (this.parsedFiles.has(key)) {
      this.stats.parseCacheHits++;
      return this.parsedFiles.get(key);
    }
    const source = this.files.read(repo, relativePath);
    const result = source && {
      file: source.file,
      value: parseCoinYaml(source.file, source.text, this.yamlOptions),
    };
    this.stats.filesParsed++;
    this.parsedFiles.set(key, result);
    return result;
  }

  /** A file with every include expanded recursively; throws CoinFileError when it is missing. */
  load(repo: string, relativePath: string): { file: string; value: unknown } {
    const parsed = this.parsed(repo, relativePath);
    if (!parsed) throw new CoinFileError(undefined, `${this.tried(repo, relativePath)} does not exist`);
    return {
      file: parsed.file,
      value: this.expandFile(`${repo}:${relativePath}`, parsed.value, [], undefined),
    };
  }

  private expandFile(key: string, value: unknown, open: OpenFile[], site: SourcePos | undefined): unknown {
    if (this.expandedFiles.has(key)) {
      this.stats.expandCacheHits++;
      return this.expandedFiles.get(key);
    }
    open.push({ key, site });
    const expanded = this.expand(value, open);
    open.pop();
    this.expandedFiles.set(key, expanded);
    return expanded;
  }

  private expand(value: unknown, open: OpenFile[]): unknown {
    if (value instanceof IncludeDirective) return this.include(value, open);
    if (typeof value !== 'object' || value === null) return value;
    const done = this.expandedValues.get(value);
    if (done !== undefined) return done;
    const entries = Object.entries(value);
    const expanded = entries.map(([, v]) => this.expand(v, open));
    const changed = expanded.some((v, i) => v !== entries[i]![1]);
    let result: object = value;
    if (changed) {
      result = Array.isArray(value)
        ? expanded
        : Object.fromEntries(entries.map(([k], i) => [k, expanded[i]]));
      copySourceInfo(value, result);
    }
    this.expandedValues.set(value, result);
    return result;
  }

  private include(directive: IncludeDirective, open: OpenFile[]): unknown {
    const target = parseIncludeTarget(directive.target, directive.pos);
    const key = `${target.repo}:${target.path}`;
    const cycleStart = open.findIndex((f) => f.key === key);
    if (cycleStart >= 0) {
      const sites = [...open.slice(cycleStart + 1).map((f) => f.site!), directive.pos];
      const chain = [...sites, sites[0]!].map((p) => `${p.file}:${p.line}`).join(' -> ');
      throw new CoinFileError(directive.pos, `include cycle: ${chain}`);
    }
    const parsed = this.parsed(target.repo, target.path);
    if (!parsed) {
      throw new CoinFileError(
        directive.pos,
        `!include "${directive.target}": ${this.tried(target.repo, target.path)} does not exist`,
      );
    }
    return this.expandFile(key, parsed.value, open, directive.pos);
  }

  private tried(repo: string, relativePath: string): string {
    return this.files.describe?.(repo, relativePath) ?? `${repo}/${relativePath}`;
  }
}
