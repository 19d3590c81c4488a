/** Files over SFTP with the operations an atomic replace needs (OpenSSH's fsync and posix-rename). */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { FileVersion } from '../../common/instance-schemas';
import { fileVersionOf, sameVersion } from './file-version';
import { FileChangedError, type FileSnapshot } from './host';

const noSuchFile = 2; // SSH_FX_NO_SUCH_FILE

// A request sent on an SFTP session that has ended is never answered: such calls reject instead.
const sessionEnds = new WeakMap<SFTPWrapper, { ended: boolean; promise: Promise<never> }>();

function endOf(sftp: SFTPWrapper): { ended: boolean; promise: Promise<never> } {
  let end = sessionEnds.get(sftp);
  if (!end) {
    const state = { ended: false, promise: Promise.resolve() as unknown as Promise<never> };
    state.promise = new Promise<never>((_resolve, reject) => {
      const ended = () => {
        state.ended = true;
        reject(new Error('the SFTP session ended (the connection dropped)'));
      };
      sftp.once('end', ended);
      sftp.once('close', ended);
    });
    state.promise.catch(() => undefined);
    sessionEnds.set(sftp, state);
    end = state;
  }
  return end;
}

function call<T>(
  sftp: SFTPWrapper,
  run: (cb: (error: Error | null | undefined, value: T) => void) => void,
): Promise<T> {
  const end = endOf(sftp);
  if (end.ended) return end.promise;
  const request = new Promise<T>((resolve, reject) =>
    run((error, value) => (error ? reject(error) : resolve(value))),
  );
  return Promise.race([request, end.promise]);
}

async function statOrNull(sftp: SFTPWrapper, file: string): Promise<Stats | null> {
  try {
    return await call<Stats>(sftp, (cb) => sftp.stat(file, cb));
  } catch (error) {
    if ((error as { code?: number }).code === noSuchFile) return null;
    throw error;
  }
}

/** Reads a remote file with its version; null when it does not exist. */
export async function sftpReadFile(sftp: SFTPWrapper, file: string): Promise<FileSnapshot | null> {
  const stat = await statOrNull(sftp, file);
  if (!stat) return null;
  const content = await call<Buffer>(sftp, (cb) => sftp.readFile(file, cb));
  return { content, version: fileVersionOf(content, stat.mtime * 1000) };
}

async function writeAll(sftp: SFTPWrapper, handle: Buffer, content: Buffer): Promise<void> {
  const chunk = 32 * 1024;
  for (let offset = 0; offset < content.length; offset += chunk) {
    const length = Math.min(chunk, content.length - offset);
    await call<void>(sftp, (cb) =>
      sftp.write(handle, content, offset, length, offset, (e) => cb(e, undefined)),
    );
  }
}

/** The temp file an atomic write of `file` uses (hidden, next to it, never a name in use). */
export function tempPathFor(file: string): string {
  return path.posix.join(
    path.posix.dirname(file),
    `.${path.posix.basename(file)}.coin-admin-${randomBytes(6).toString('hex')}.tmp`,
  );
}

/**
 * Temp file, write, fsync, version check, posix-rename over the file. `leftovers` holds temp
 * files of writes that a dropped connection cut short; they are removed at the next write.
 */
export async function sftpWriteFileAtomic(
  sftp: SFTPWrapper,
  file: string,
  content: Buffer,
  expected: FileVersion | null | undefined,
  leftovers: Set<string>,
): Promise<FileVersion> {
  for (const old of leftovers) {
    await call<void>(sftp, (cb) => sftp.unlink(old, (e) => cb(e, undefined))).catch(() => undefined);
    leftovers.delete(old);
  }
  const mode = ((await statOrNull(sftp, file))?.mode ?? 0o644) & 0o7777;
  const temp = tempPathFor(file);
  leftovers.add(temp);
  const handle = await call<Buffer>(sftp, (cb) => sftp.open(temp, 'wx', { mode }, cb));
  try {
    try {
      await writeAll(sftp, handle, content);
      await call<void>(sftp, (cb) => sftp.ext_openssh_fsync(handle, (e) => cb(e, undefined)));
    } finally {
      await call<void>(sftp, (cb) => sftp.close(handle, (e) => cb(e, undefined)));
    }
    if (expected !== undefined) {
      const current = await sftpReadFile(sftp, file);
      if (!sameVersion(current?.version ?? null, expected)) throw new FileChangedError(file, current);
    }
    await call<void>(sftp, (cb) => sftp.ext_openssh_rename(temp, file, (e) => cb(e, undefined)));
    leftovers.delete(temp);
  } catch (error) {
    await call<void>(sftp, (cb) => sftp.unlink(temp, (e) => cb(e, undefined))).then(
      () => leftovers.delete(temp),
      () => undefined,
    );
    throw error;
  }
  const stat = await call<Stats>(sftp, (cb) => sftp.stat(file, cb));
  return fileVersionOf(content, stat.mtime * 1000);
}
