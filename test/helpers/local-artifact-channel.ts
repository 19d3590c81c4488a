// An ArtifactChannel on the local file system for tests of the agent: real tar.gz archives in a
// store directory, installs that unpack them with real tar, and source archives of directories
// registered as `project@ref`. One channel can serve a build and then the test that installs
// what the build uploaded, like the instance does between two work items.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ArtifactChannel, InstallOptions, UploadOptions } from '../../runner/agent/execution-context';
import { listFiles } from '../../runner/agent/handlers/file-list';
import { InstructionFailure } from '../../runner/agent/instruction-failure';

const run = promisify(execFile);

/** One uploaded archive. */
export interface StoredArtifact {
  readonly key: string;
  readonly transferType: string;
  /** The archive's name: UploadArtifact's `filename`, else `<transferType>.tar.gz`. */
  readonly name: string;
  readonly archive: string;
}

/** Which install kind an upload feeds: the module's build, its tests, or neither. */
export function installKindOf(transferType: string): 'build' | 'test' | undefined {
  if (transferType === 'UploadModuleBuildArtifact') return 'build';
  if (transferType === 'UploadModuleTestsArtifact') return 'test';
  return undefined;
}

/** A file-system ArtifactChannel; `sources` maps `project@ref` to a directory to archive on request. */
export class LocalArtifactChannel implements ArtifactChannel {
  readonly artifacts: StoredArtifact[] = [];
  readonly sourceRequests: string[] = [];

  constructor(
    readonly storeDir: string,
    readonly sources: Readonly<Record<string, string>> = {},
  ) {}

  async upload(
    directory: string,
    transferType: string,
    log: (line: string) => void,
    options: UploadOptions = {},
  ): Promise<string> {
    const exclude = new Set(options.exclude ?? []);
    const files = (await listFiles(directory)).filter((f) => !exclude.has(f));
    const name = options.filename ?? `${transferType}.tar.gz`;
    const key = `${String(this.artifacts.length + 1).padStart(3, '0')}-${name}`;
    const archive = await this.pack(directory, files, key);
    this.artifacts.push({ key, transferType, name, archive });
    log(`uploaded ${files.length} file(s) of ${directory} as ${transferType} (${key})`);
    return key;
  }

  async install(
    kind: 'build' | 'test',
    directory: string,
    log: (line: string) => void,
    options: InstallOptions = {},
  ): Promise<number> {
    const pattern = options.nameRegex === undefined ? undefined : new RegExp(options.nameRegex);
    const wanted = this.artifacts.filter((a) =>
      pattern ? pattern.test(a.name) : installKindOf(a.transferType) === kind,
    );
    await mkdir(directory, { recursive: true });
    for (const artifact of wanted) {
      await run('tar', ['-xzf', artifact.archive, '-C', directory]);
      log(`installed ${artifact.key} into ${directory}`);
    }
    return wanted.length;
  }

  async installSource(
    project: string,
    ref: string,
    directory: string,
    log: (line: string) => void,
  ): Promise<void> {
    this.sourceRequests.push(`${project}@${ref}`);
    const source = this.sources[`${project}@${ref}`];
    if (!source) throw new InstructionFailure(`no source archive of ${project} at ${ref}`, 'system');
    const archive = await this.pack(
      source,
      await listFiles(source),
      `source-${this.sourceRequests.length}.tar.gz`,
    );
    await mkdir(directory, { recursive: true });
    await run('tar', ['-xzf', archive, '-C', directory]);
    log(`unpacked ${project}@${ref} into ${directory}`);
  }

  /** The paths inside an uploaded archive, sorted (directories left out). */
  async contents(key: string): Promise<string[]> {
    const artifact = this.artifacts.find((a) => a.key === key);
    if (!artifact) throw new Error(`no artifact ${key}`);
    const { stdout } = await run('tar', ['-tzf', artifact.archive]);
    return stdout
      .split('\n')
      .filter((line) => line !== '' && !line.endsWith('/'))
      .map((line) => line.replace(/^\.\//, ''))
      .sort();
  }

  /** The artifacts uploaded with `transferType`. */
  ofType(transferType: string): StoredArtifact[] {
    return this.artifacts.filter((a) => a.transferType === transferType);
  }

  private async pack(directory: string, files: readonly string[], name: string): Promise<string> {
    await mkdir(this.storeDir, { recursive: true });
    const archive = path.join(this.storeDir, name);
    const list = `${archive}.files`;
    await writeFile(list, files.map((f) => `${f}\0`).join(''));
    try {
      await run('tar', ['-czf', archive, '-C', directory, '--null', '--no-recursion', '-T', list]);
    } finally {
      await rm(list, { force: true });
    }
    return archive;
  }
}
