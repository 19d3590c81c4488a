/**
 * An instance's runtime configuration file (`coin_configuration.json` in its working directory),
 * read with its version and saved atomically, refused when it changed since it was loaded.
 */
import os from 'node:os';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { inWorkingDir } from '../../../runner/core/working-dir-layout';
import type { ConfigFile, ConfigWriteResult, FileVersion } from '../../common/instance-schemas';
import { FileChangedError, type Host } from '../host/host';

/** The runtime configuration of the instance in `workingDir` (POSIX paths: remote hosts are Linux). */
export function runtimeConfigPath(workingDir: string): string {
  return inWorkingDir(workingDir, 'runtimeConfig');
}

/** The file's text and version; empty with a null version when it does not exist. */
export async function readConfigFile(host: Host, file: string): Promise<ConfigFile> {
  const snapshot = await host.readFile(file);
  return {
    path: file,
    content: snapshot?.content.toString('utf8') ?? '',
    version: snapshot?.version ?? null,
  };
}

/** Saves `content` if the file still is at `baseVersion` (null: it must not exist yet). */
/**
 * Tell the instance who saves: the note beside the file (runner/node/runtime-config/config-file.ts
 * reads it by the text's hash) makes its history name this user instead of "file edit".
 */
async function writeAuthorNote(host: Host, file: string, content: string): Promise<void> {
  const note = {
    sha256: createHash('sha256').update(content).digest('hex'),
    appliedBy: os.userInfo().username,
    via: 'desktop editor',
    time: new Date().toISOString(),
  };
  const notePath = path.posix.join(path.posix.dirname(file), `.${path.posix.basename(file)}.author`);
  await host.writeFileAtomic(notePath, Buffer.from(JSON.stringify(note), 'utf8'));
}

export async function writeConfigFile(
  host: Host,
  file: string,
  content: string,
  baseVersion: FileVersion | null,
): Promise<ConfigWriteResult> {
  try {
    await writeAuthorNote(host, file, content);
    return { ok: true, version: await host.writeFileAtomic(file, Buffer.from(content, 'utf8'), baseVersion) };
  } catch (error) {
    if (!(error instanceof FileChangedError)) throw error;
    return {
      ok: false,
      message: `${file} was changed on ${host.description} since you loaded it: nothing was saved. Merge the changes, then save again.`,
      current: {
        path: file,
        content: error.current?.content.toString('utf8') ?? '',
        version: error.current?.version ?? null,
      },
    };
  }
}
